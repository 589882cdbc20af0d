package remote

import (
	"os"
	"path/filepath"
	"testing"
)

func writeConfig(t *testing.T, text string) sshConfig {
	t.Helper()
	p := filepath.Join(t.TempDir(), "config")
	if err := os.WriteFile(p, []byte(text), 0o600); err != nil {
		t.Fatal(err)
	}
	c, err := loadSSHConfig(p)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func TestResolveDefaults(t *testing.T) {
	got := resolve("1.2.3.4", Options{}, sshConfig{})
	want := target{name: "1.2.3.4", hostName: "1.2.3.4", port: "22", user: "root"}
	if got.addr() != "1.2.3.4:22" || got.user != want.user || got.name != want.name {
		t.Fatalf("got %+v", got)
	}
}

func TestResolveHostPortAndUser(t *testing.T) {
	got := resolve("app@[::1]:2222", Options{User: "deploy"}, sshConfig{})
	if got.user != "app" || got.addr() != "[::1]:2222" {
		t.Fatalf("got %+v", got)
	}
	got = resolve("10.0.0.1:2200", Options{User: "deploy"}, sshConfig{})
	if got.user != "deploy" || got.addr() != "10.0.0.1:2200" {
		t.Fatalf("got %+v", got)
	}
}

func TestResolveFromSSHConfig(t *testing.T) {
	cfg := writeConfig(t, `
Host web1
  HostName 10.9.8.7
  User admin
  Port 2022
  IdentityFile ~/.ssh/web_key
  IdentityFile /keys/second
  ProxyJump jumper@bastion:2200

Host *.internal
  HostName %h.example.com
  ProxyCommand nc %h %p
`)
	got := resolve("web1", Options{}, cfg)
	home, _ := os.UserHomeDir()
	if got.addr() != "10.9.8.7:2022" || got.user != "admin" || got.proxyJump != "jumper@bastion:2200" {
		t.Fatalf("got %+v", got)
	}
	if len(got.identityFiles) != 2 || got.identityFiles[0] != filepath.Join(home, ".ssh/web_key") {
		t.Fatalf("identity files %v", got.identityFiles)
	}
	// Explicit mrsk settings win over the config.
	got = resolve("web1:23", Options{User: "root", Proxy: "other"}, cfg)
	if got.addr() != "10.9.8.7:23" || got.user != "root" || got.proxyJump != "other" {
		t.Fatalf("got %+v", got)
	}
	got = resolve("db.internal", Options{}, cfg)
	if got.hostName != "db.internal.example.com" || got.proxyCommand != "nc %h %p" {
		t.Fatalf("got %+v", got)
	}
}

func TestJumpTargetDefaultsToRoot(t *testing.T) {
	j := jumpTarget("1.2.3.4", sshConfig{})
	if j.user != "root" || j.addr() != "1.2.3.4:22" {
		t.Fatalf("got %+v", j)
	}
	j = jumpTarget("app@1.2.3.4:99", sshConfig{})
	if j.user != "app" || j.addr() != "1.2.3.4:99" {
		t.Fatalf("got %+v", j)
	}
}

func TestExpandProxyCommand(t *testing.T) {
	tg := target{hostName: "h1", port: "2222", user: "u"}
	got := expandProxyCommand("aws ssm start-session --target %h --port %p --as %r 100%% %x", tg)
	if want := "aws ssm start-session --target h1 --port 2222 --as u 100% %x"; got != want {
		t.Fatalf("got %q want %q", got, want)
	}
}

func TestMissingSSHConfigIsFine(t *testing.T) {
	c, err := loadSSHConfig(filepath.Join(t.TempDir(), "missing"))
	if err != nil || c.get("x", "HostName") != "" {
		t.Fatalf("missing config must be empty, got %v", err)
	}
}

// Where the login user came from decides the authentication hint.
func TestResolveRecordsWhereTheUserCameFrom(t *testing.T) {
	cfg := writeConfig(t, "Host aliased\n  User admin\n")
	for _, c := range []struct {
		host string
		o    Options
		want userSource
		user string
	}{
		{"app@h", Options{User: "deploy"}, userFromHost, "app"},
		{"aliased", Options{User: "deploy"}, userFromOption, "deploy"},
		{"aliased", Options{}, userFromSSHConfig, "admin"},
		{"h", Options{}, userDefault, "root"},
	} {
		got := resolve(c.host, c.o, cfg)
		if got.userFrom != c.want || got.user != c.user || got.jump {
			t.Errorf("%s %+v: got %+v", c.host, c.o, got)
		}
	}
	if j := jumpTarget("bastion", cfg); !j.jump || j.userFrom != userDefault {
		t.Errorf("jump target %+v", j)
	}
}
