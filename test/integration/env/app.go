//go:build integration

package env

import (
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"
)

// repoRoot is the module root (test/integration/env -> ../../..).
func repoRoot() string { return filepath.Clean(filepath.Join(packageDir(), "..", "..", "..")) }

// buildAppBinary compiles the test app statically with its version baked in.
func buildAppBinary(out, version string) error {
	ctx, cancel := withTimeout(5 * time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, "go", "build", "-trimpath", "-ldflags", "-s -w -X main.version="+version,
		"-o", out, "./test/integration/images/app")
	cmd.Dir = repoRoot()
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0")
	if b, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("go build of the test app (version %s) in %s: %v\n%s", version, cmd.Dir, err, b)
	}
	return nil
}

// BuildApp builds the test app image for version and pushes it as <Registry>/app:<version>,
// which is also the name the hosts pull. It returns that name.
func (e *Env) BuildApp(version string) (string, error) {
	dir, err := os.MkdirTemp(e.Dir, "app-build-")
	if err != nil {
		return "", err
	}
	defer os.RemoveAll(dir)
	if err := buildAppBinary(filepath.Join(dir, "app"), version); err != nil {
		return "", err
	}
	if err := os.WriteFile(filepath.Join(dir, "Dockerfile"), []byte(appDockerfile(e.Images.Curl)), 0o644); err != nil {
		return "", err
	}
	ref := e.Registry + "/app:" + version
	ctx, cancel := withTimeout(5 * time.Minute)
	defer cancel()
	// through the env's DOCKER_CONFIG, so the buildx plugin (BuildKit) builds, as for mrsk
	if _, err := runCmd(ctx, []string{"DOCKER_CONFIG=" + e.DockerConfig}, "docker", "build", "-q", "-t", ref, dir); err != nil {
		return "", fmt.Errorf("building the app image %s: %v", ref, err)
	}
	e.onClose(func() error {
		ctx, cancel := withTimeout(time.Minute)
		defer cancel()
		_, err := dockerCLI(ctx, "rmi", ref)
		return err
	})
	if _, err := runCmd(ctx, []string{"DOCKER_CONFIG=" + e.DockerConfig}, "docker", "push", "-q", ref); err != nil {
		return "", fmt.Errorf("pushing %s: %v", ref, err)
	}
	return ref, nil
}

// AppOptions shape a test app directory. Zero values: service and image "app", version
// "v1", all hosts.
type AppOptions struct {
	Service string
	Image   string
	Version string
	Hosts   []*Host
	Extra   string // more top-level deploy.yml keys, verbatim
	// DefaultTraefik leaves traefik.image out of deploy.yml: the hosts then pull mrsk's
	// default image by its Docker Hub name, which their registry mirror serves (our build).
	DefaultTraefik bool
}

// AppDir is a git repository holding the test app, ready for `mrsk deploy` from Dir.
type AppDir struct {
	Dir      string
	Version  string // what GET / answers first: "<Version> <container hostname>"
	Password string // the registry password, in .env as MRSK_REGISTRY_PASSWORD (a secret: must never be printed)
}

// WriteAppDir writes a ready-to-use app into dir (created if missing): Dockerfile, the app
// binary, config/deploy.yml pointing at this env, .env, all committed in a fresh git repo.
func (e *Env) WriteAppDir(dir string, o AppOptions) (*AppDir, error) {
	if o.Service == "" {
		o.Service = "app"
	}
	if o.Image == "" {
		o.Image = o.Service
	}
	if o.Version == "" {
		o.Version = "v1"
	}
	if o.Hosts == nil {
		o.Hosts = e.Hosts
	}
	var addrs []string
	for _, h := range o.Hosts {
		addrs = append(addrs, h.Addr)
	}
	pw := make([]byte, 12)
	_, _ = rand.Read(pw)
	a := &AppDir{Dir: dir, Version: o.Version, Password: "it-secret-" + hex.EncodeToString(pw)}
	traefik := e.TraefikImage
	if o.DefaultTraefik {
		traefik = ""
	}
	files := map[string]string{
		"Dockerfile": appDockerfile(e.Images.Curl),
		"config/deploy.yml": renderDeployYML(DeployConfig{Service: o.Service, Image: o.Image, Hosts: addrs,
			Registry: e.Registry, TraefikImage: traefik, Extra: o.Extra}),
		".env":       "MRSK_REGISTRY_PASSWORD=" + a.Password + "\n",
		".gitignore": ".env\n",
	}
	for name, content := range files {
		if err := writeFileMkdir(filepath.Join(dir, name), []byte(content), 0o644); err != nil {
			return nil, err
		}
	}
	if err := a.git("init", "-q"); err != nil {
		return nil, err
	}
	if _, err := a.Commit(o.Version); err != nil {
		return nil, err
	}
	return a, nil
}

// Commit rebuilds the app binary for version and commits it; mrsk then sees a new git
// revision (its image version) and GET / answers the new version. Returns the commit sha.
func (a *AppDir) Commit(version string) (string, error) {
	if err := buildAppBinary(filepath.Join(a.Dir, "app"), version); err != nil {
		return "", err
	}
	a.Version = version
	if err := a.git("add", "-A"); err != nil {
		return "", err
	}
	if err := a.git("-c", "user.name=mrsk-it", "-c", "user.email=mrsk-it@localhost", "commit", "-q",
		"--allow-empty", "-m", "app "+version); err != nil {
		return "", err
	}
	ctx, cancel := withTimeout(time.Minute)
	defer cancel()
	sha, err := runCmd(ctx, nil, "git", "-C", a.Dir, "rev-parse", "HEAD")
	return strings.TrimSpace(sha), err
}

func (a *AppDir) git(args ...string) error {
	ctx, cancel := withTimeout(time.Minute)
	defer cancel()
	_, err := runCmd(ctx, nil, "git", append([]string{"-C", a.Dir}, args...)...)
	return err
}
