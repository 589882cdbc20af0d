package commands

import (
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/mrsk-go/mrsk/internal/config"
)

func TestRemovalCommands(t *testing.T) {
	cfg := loadConfig(t, baseConfig, map[string]string{"RAILS_MASTER_KEY": "k", "MYSQL_ROOT_PASSWORD": "pw"})
	expectLine(t, "app env files", NewApp(cfg, "web").RemoveEnvFiles().String(),
		"rm -f .mrsk/env/roles/app-web.env .mrsk/env/app/app.env")
	acc, err := NewAccessory(cfg, "mysql")
	if err != nil {
		t.Fatal(err)
	}
	expectLine(t, "accessory env file", acc.RemoveEnvFile().String(), "rm -f .mrsk/env/accessories/app-mysql.env")
	expectLine(t, "traefik env file", NewTraefik(cfg).RemoveEnvFile().String(), "rm -f .mrsk/env/traefik.env")
}

func TestRemovalCommandsFollowDestination(t *testing.T) {
	dir := t.TempDir()
	for name, text := range map[string]string{"deploy.yml": baseConfig, "deploy.staging.yml": "env:\n  clear:\n    STAGE: 1\n"} {
		if err := os.MkdirAll(filepath.Join(dir, "config"), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, "config", name), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	cfg, err := config.Load(config.LoadOptions{Dir: dir, Version: "999", Destination: "staging",
		Env: map[string]string{"RAILS_MASTER_KEY": "k", "MYSQL_ROOT_PASSWORD": "pw"}})
	if err != nil {
		t.Fatal(err)
	}
	app := NewApp(cfg, "web")
	expectLine(t, "app env files", app.RemoveEnvFiles().String(),
		"rm -f .mrsk/env/roles/app-web-staging.env .mrsk/env/app/app-staging.env")
}

// TestRemoveUnusedCordsKeepsMountedOnes runs the command through a real sh
// with a stand-in `docker` that reports one container mounting one cord:
// only the cord nothing mounts goes.
func TestRemoveUnusedCordsKeepsMountedOnes(t *testing.T) {
	home := t.TempDir()
	bin := t.TempDir()
	used := filepath.Join(home, ".mrsk/cords/app-web-v2-0123456789ab")
	unused := filepath.Join(home, ".mrsk/cords/app-web-v1-ba9876543210")
	for _, d := range []string{used, unused} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	fake := "#!/bin/sh\ncase \"$1\" in\n ps) echo c1 ;;\n inspect) echo '/var/lib/x " + used + " ' ;;\nesac\n"
	if err := os.WriteFile(filepath.Join(bin, "docker"), []byte(fake), 0o755); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command("sh", "-c", RemoveUnusedCords().String())
	cmd.Dir = home
	cmd.Env = []string{"PATH=" + bin + ":/usr/bin:/bin", "PWD=" + home}
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("%v: %s", err, out)
	}
	if _, err := os.Stat(used); err != nil {
		t.Errorf("the mounted cord was removed: %v", err)
	}
	if _, err := os.Stat(unused); !os.IsNotExist(err) {
		t.Errorf("the unused cord is still there (%v)", err)
	}
}
