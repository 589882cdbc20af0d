package flow

import (
	"fmt"
	"regexp"
	"strings"
)

// Deliberate differences from the reference traces (docs/deviations.md):
// mrsk never puts a secret value on a command line. ourForm rewrites a
// reference trace (MRSK's commands) into the exact commands mrsk runs, so
// the trace tests assert our form line by line:
//
//   - `docker login … -p pw` becomes `docker login … --password-stdin`,
//     the password fed on stdin (recorded as `<stdin>`);
//   - the secret `-e RAILS_MASTER_KEY="mk"` of a `docker run` becomes
//     `--env-file <path>`, preceded on the same host by the owner-only
//     directory creation and the upload of the file (0600);
//   - `--build-arg NAME="v"` becomes `--build-arg NAME`, the value in the
//     local docker's environment (recorded as `<env NAME>`).
func ourForm(ref []string) []string {
	var out []string
	for _, l := range ref {
		host, cmd, _ := strings.Cut(l, " ")
		if strings.Contains(cmd, "docker login ") {
			cmd = loginPasswordRE.ReplaceAllString(cmd, " --password-stdin <stdin>$1")
		}
		if strings.Contains(cmd, traceSecretEnv) {
			file := traceEnvFile(cmd)
			uploadHost := host
			if m := sshHostRE.FindStringSubmatch(cmd); m != nil && host == "local" {
				uploadHost = m[1] // interactive: uploaded to the host before attaching
			}
			dir := file[:strings.LastIndexByte(file, '/')]
			dirs := dir
			if dir != ".mrsk/env" {
				dirs += " .mrsk/env"
			}
			out = append(out,
				fmt.Sprintf("%s mkdir -p %s && chmod 700 %s", uploadHost, dirs, dirs),
				fmt.Sprintf("%s UPLOAD %s (600, %d bytes)", uploadHost, file, len("RAILS_MASTER_KEY=mk\n")))
			cmd = strings.Replace(cmd, traceSecretEnv, "--env-file "+file, 1)
		}
		if args := buildArgRE.FindAllStringSubmatch(cmd, -1); args != nil {
			cmd = buildArgRE.ReplaceAllString(cmd, "--build-arg $1")
			for _, a := range args {
				cmd += " <env " + a[1] + ">"
			}
		}
		out = append(out, host+" "+cmd)
	}
	return out
}

// traceSecretEnv is the one secret of the trace configuration.
const traceSecretEnv = `-e RAILS_MASTER_KEY="mk"`

var (
	loginPasswordRE = regexp.MustCompile(` -p \S+( |$)`)
	sshHostRE       = regexp.MustCompile(`ssh .*-t \S+@(\S+) '`)
	buildArgRE      = regexp.MustCompile(`--build-arg (\w+)="[^"]*"`)
	roleLabelRE     = regexp.MustCompile(`--label role="([^"]+)"`)
	destLabelRE     = regexp.MustCompile(`--label destination="([^"]+)"`)
	healthcheckRE   = regexp.MustCompile(`--label service=healthcheck-app(-\S+)? `)
)

// traceEnvFile is the env file mrsk uses for the container a reference
// `docker run` line starts (commands.RoleEnvFile and friends).
func traceEnvFile(cmd string) string {
	if m := healthcheckRE.FindStringSubmatch(cmd); m != nil {
		return ".mrsk/env/roles/app-web" + m[1] + ".env"
	}
	if m := roleLabelRE.FindStringSubmatch(cmd); m != nil {
		name := "app-" + m[1]
		if d := destLabelRE.FindStringSubmatch(cmd); d != nil {
			name += "-" + d[1]
		}
		return ".mrsk/env/roles/" + name + ".env"
	}
	return ".mrsk/env/app/app.env" // app exec: the top-level env
}
