package commands

import (
	"fmt"
	"os"
	"path"
	"strings"
	"unicode/utf8"

	"github.com/mrsk-go/mrsk/internal/cmdline"
	"github.com/mrsk-go/mrsk/internal/config"
	"github.com/mrsk-go/mrsk/internal/shell"
)

// Env files keep secret env values off every command line (mrsk differs from
// MRSK here on purpose): the secrets of a container go into a file on the
// host, mode 0600 in a 0700 directory, passed with `--env-file`. Paths are
// relative to the SSH user's home, like MRSK's audit log and lock.
const (
	// EnvDir is the directory of all env files.
	EnvDir = ".mrsk/env"
	// EnvFileMode is the mode of an env file: readable by its owner only.
	EnvFileMode os.FileMode = 0o600
)

// File is a file a command needs on the host before it runs. Its content
// may be secret: never log it.
type File struct {
	Path    string
	Content []byte
	Mode    os.FileMode
}

// RoleEnvFile is the env file of an app role (also used by the pre-deploy
// healthcheck container, which runs with the web role's env):
// `.mrsk/env/roles/<service>-<role>[-<destination>].env`.
func RoleEnvFile(cfg *config.Config, role string) string {
	return path.Join(EnvDir, "roles", withDestination(cfg, cfg.Service()+"-"+role)+".env")
}

// AppEnvFile is the env file of `app exec` containers, which get the
// top-level env: `.mrsk/env/app/<service>[-<destination>].env`.
func AppEnvFile(cfg *config.Config) string {
	return path.Join(EnvDir, "app", withDestination(cfg, cfg.Service())+".env")
}

// AccessoryEnvFile is `.mrsk/env/accessories/<service>-<name>.env`.
func AccessoryEnvFile(acc *config.Accessory) string {
	return path.Join(EnvDir, "accessories", acc.ServiceName()+".env")
}

// TraefikEnvFile is `.mrsk/env/traefik.env`: one Traefik per host.
func TraefikEnvFile() string { return path.Join(EnvDir, "traefik.env") }

func withDestination(cfg *config.Config, name string) string {
	if d := cfg.Destination(); d != "" {
		return name + "-" + d
	}
	return name
}

// EnvFileError is a secret that a docker env file cannot carry.
type EnvFileError struct {
	Name   string // the variable; its value is never part of the message
	Reason string
}

func (e *EnvFileError) Error() string {
	return fmt.Sprintf("secret env %s %s: docker env files hold one NAME=value line per variable, "+
		"so mrsk cannot pass it to the container unchanged; store it encoded (e.g. base64) and decode it in the app",
		e.Name, e.Reason)
}

// withEnvFile moves the secret `-e NAME=value` pairs of env (the sensitive
// words builders get from config) into an env file at file: the first one
// becomes `--env-file <file>`, the others are dropped, clear pairs stay
// where they are. Values come from lookup, unquoted, because docker reads
// env files literally. Without secrets env is returned unchanged and no
// file is needed.
func withEnvFile(env cmdline.Command, file string, lookup func(string) (string, bool)) (cmdline.Command, []File, error) {
	var out cmdline.Command
	var content strings.Builder
	placed := false
	for i := 0; i < len(env); i++ {
		w := env[i]
		if w.Text == "-e" && i+1 < len(env) && env[i+1].Sensitive {
			name, _, _ := strings.Cut(env[i+1].Text, "=")
			value, _ := lookup(name)
			if err := checkEnvFileLine(name, value); err != nil {
				return nil, nil, err
			}
			content.WriteString(name + "=" + value + "\n")
			if !placed {
				out = out.Add("--env-file", shell.Quote(file))
				placed = true
			}
			i++
			continue
		}
		out = append(out, w)
	}
	if !placed {
		return env, nil, nil
	}
	return out, []File{{Path: file, Content: []byte(content.String()), Mode: EnvFileMode}}, nil
}

// checkEnvFileLine rejects what docker's env file parser would change:
// it splits lines at "\n" (dropping a "\r" before it), needs valid UTF-8,
// and a process environment cannot hold NUL.
func checkEnvFileLine(name, value string) error {
	switch {
	case name == "" || strings.ContainsAny(name, "= \t\r\n\x00") || strings.HasPrefix(name, "#"):
		return &EnvFileError{Name: fmt.Sprintf("%q", name), Reason: "is not a valid variable name"}
	case strings.Contains(value, "\n"):
		return &EnvFileError{Name: name, Reason: "contains a newline"}
	case strings.Contains(value, "\x00"):
		return &EnvFileError{Name: name, Reason: "contains a NUL byte"}
	case strings.HasSuffix(value, "\r"):
		return &EnvFileError{Name: name, Reason: "ends with a carriage return"}
	case !utf8.ValidString(value):
		return &EnvFileError{Name: name, Reason: "is not valid UTF-8"}
	}
	return nil
}

// EnvDirsCommand creates the env file directories for files, owner-only.
func EnvDirsCommand(files []File) Cmd {
	dirs := []string{}
	seen := map[string]bool{}
	for _, f := range files {
		for d := path.Dir(f.Path); d != "." && d != "/" && d != path.Dir(EnvDir); d = path.Dir(d) {
			if !seen[d] {
				seen[d] = true
				dirs = append(dirs, d)
			}
		}
	}
	if len(dirs) == 0 {
		return Cmd{}
	}
	for i, d := range dirs {
		dirs[i] = shell.Quote(d)
	}
	mkdir := cmdline.New("mkdir", "-p").Add(dirs...)
	return named("env.make_directories", and(mkdir, cmdline.New("chmod", "700").Add(dirs...)))
}
