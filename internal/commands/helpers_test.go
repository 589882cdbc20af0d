package commands

import (
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/mrsk-go/mrsk/internal/config"
)

// loadConfig loads deploy.yml text through the real loader in a temp dir,
// at version 999, with env as the whole environment.
func loadConfig(t *testing.T, yml string, env map[string]string) *config.Config {
	t.Helper()
	dir := t.TempDir()
	if err := os.MkdirAll(filepath.Join(dir, "config"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "config", "deploy.yml"), []byte(yml), 0o644); err != nil {
		t.Fatal(err)
	}
	if env == nil {
		env = map[string]string{}
	}
	cfg, err := config.Load(config.LoadOptions{Dir: dir, Version: "999", Env: env})
	if err != nil {
		t.Fatalf("loading config: %v", err)
	}
	return cfg
}

const baseConfig = `
service: app
image: dhh/app
registry:
  username: dhh
  password: secret
servers:
  web: [1.1.1.1, 1.1.1.2]
  workers:
    hosts: [1.1.1.3]
    cmd: bin/jobs
env:
  clear:
    DB_HOST: 1.1.1.5
  secret: [RAILS_MASTER_KEY]
accessories:
  mysql:
    image: mysql:8.0
    host: 1.1.1.5
    env:
      secret: [MYSQL_ROOT_PASSWORD]
`

var frozen = Who{Now: time.Date(2023, 4, 14, 17, 7, 31, 0, time.UTC), Performer: "dhh"}

func expectLine(t *testing.T, what, got, want string) {
	t.Helper()
	if got != want {
		t.Errorf("%s:\n got: %s\nwant: %s", what, got, want)
	}
}
