package commands

import (
	"github.com/mrsk-go/mrsk/internal/cmdline"
	"os/exec"
	"strings"
	"testing"
	"time"
)

func TestParseEngineFindsItsLineAmongOthers(t *testing.T) {
	out := "engine 1.45 1.47\n/app-web-1|running|2023|x|172.17.0.2 \n"
	if got := ParseEngine(out); got != (Engine{Client: "1.45", Server: "1.47"}) {
		t.Errorf("ParseEngine = %+v", got)
	}
	if got := ParseEngine("/app-web-1|running|2023||\n"); got != (Engine{}) {
		t.Errorf("no engine line must give the zero Engine, got %+v", got)
	}
}

func TestHealthStartIntervalNeedsAPI144OnBothEnds(t *testing.T) {
	for _, c := range []struct {
		client, server string
		want           bool
	}{
		{"1.44", "1.44", true},
		{"1.51", "1.45", true},
		{"2.0", "1.44", true},
		{"1.41", "1.45", false}, // a Docker 20.10 client on a newer daemon
		{"1.45", "1.43", false},
		{"", "", false},
		{"x.y", "1.45", false},
	} {
		if got := (Engine{c.client, c.server}).HealthStartInterval(); got != c.want {
			t.Errorf("client %q server %q: %v, want %v", c.client, c.server, got, c.want)
		}
	}
}

func TestWithHealthStartOnlyForCordedRunsOnNewEngines(t *testing.T) {
	cfg := loadConfig(t, baseConfig, map[string]string{"RAILS_MASTER_KEY": "k"})
	app := NewApp(cfg, "web")
	dir := CordDir(app.ContainerName(""), "0123456789ab")
	modern, old := Engine{"1.45", "1.45"}, Engine{"1.41", "1.41"}
	const flags = ` --health-start-period "38s" --health-start-interval "200ms"`

	c, err := app.WithCord(dir).WithHealthStart(modern, 38*time.Second).Run("h-0123456789ab")
	if err != nil {
		t.Fatal(err)
	}
	if got := c.Command.String(); !strings.Contains(got, `--health-retries "1"`+flags+" ") {
		t.Errorf("a new engine's run lacks the start interval after the health options:\n%s", got)
	}
	for name, a := range map[string]App{
		"old engine": app.WithCord(dir).WithHealthStart(old, 38*time.Second),
		"no cord":    app.WithHealthStart(modern, 38*time.Second),
		"no period":  app.WithCord(dir).WithHealthStart(modern, 0),
	} {
		c, _ := a.Run("h-0123456789ab")
		if strings.Contains(c.Command.String(), "health-start") {
			t.Errorf("%s: MRSK's health options expected, got %s", name, c.Command)
		}
	}
}

func TestBesideRunsTheSideQueryInTheBackgroundWithMainsStatus(t *testing.T) {
	main := Cmd{Command: docker("pull", "x"), Stdin: []byte("secret")}
	got := Beside(main, EngineAPI())
	want := `{ docker version --format 'engine {{.Client.APIVersion}} {{.Server.APIVersion}}' ; } </dev/null & { docker pull x ; }`
	if got.Command.String() != want {
		t.Errorf("Beside:\n got %s\nwant %s", got.Command, want)
	}
	if string(got.Stdin) != "secret" {
		t.Error("main's stdin must stay with the line")
	}
}

// The line's stdin (a login's password) reaches main, never the side, in
// the shells a host's login shell is likely to be.
func TestBesideLeavesTheStdinToMain(t *testing.T) {
	c := Beside(Cmd{Command: cmdline.New("cat")}, Cmd{Command: cmdline.New("cat", ";", "echo", "side")})
	for _, sh := range []string{"sh", "bash", "dash", "zsh"} {
		path, err := exec.LookPath(sh)
		if err != nil {
			continue
		}
		cmd := exec.Command(path, "-c", c.Command.String()+"; wait")
		cmd.Stdin = strings.NewReader("secret")
		out, err := cmd.Output()
		if err != nil || strings.Count(string(out), "secret") != 1 || !strings.Contains(string(out), "side") {
			t.Errorf("%s: %q, %v", sh, out, err)
		}
	}
}
