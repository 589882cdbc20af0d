package commands

import (
	"strings"
	"testing"
)

// cordWatch is the cord watch of a check (CordHealthCmd) with the
// default budget, as it stands in a docker run line.
const cordWatch = `{ [ ! -e /tmp/mrsk-cord/drain ] || { n=0; while [ -e /tmp/mrsk-cord/cord ] && [ \$n -lt 100 ]; do sleep 0.05; n=\$((n+1)); done; [ -e /tmp/mrsk-cord/cord ]; }; } && `

const cordRun = `docker run --detach --restart unless-stopped --name app-web-999 --hostname h-0123456789ab ` +
	`-e MRSK_CONTAINER_NAME="app-web-999" --env-file .mrsk/env/roles/app-web.env -e DB_HOST="1.1.1.5" ` +
	`--health-cmd "(cat /tmp/mrsk-cord/cord > /dev/null && ` + cordWatch + `((curl -f http://localhost:3000/up || exit 1) || (sleep 0.2; curl -f http://localhost:3000/up || exit 1) || (sleep 0.5; curl -f http://localhost:3000/up || exit 1))) || exit 1" --health-interval "1s" --health-retries "1" ` +
	`--log-opt max-size="10m" --volume $PWD/.mrsk/cords/app-web-999-0123456789ab:/tmp/mrsk-cord --label service="app" --label role="web"`

func TestRunWithCordMountsItAndRequiresItInTheHealthCheck(t *testing.T) {
	cfg := loadConfig(t, baseConfig, map[string]string{"RAILS_MASTER_KEY": "k"})
	app := NewApp(cfg, "web")
	dir := CordDir(app.ContainerName(""), "0123456789ab")
	c, err := app.WithCord(dir).Run("h-0123456789ab")
	if err != nil {
		t.Fatal(err)
	}
	if got := c.Command.String(); !strings.HasPrefix(got, cordRun) {
		t.Errorf("run:\n got %s\nwant prefix %s", got, cordRun)
	}
	plain, _ := app.Run("h-0123456789ab")
	if strings.Contains(plain.Command.String(), "mrsk-cord") {
		t.Errorf("a builder without WithCord runs MRSK's command: %s", plain.Command)
	}
}

func TestCordOnlyForTraefikRolesWithHealthCheck(t *testing.T) {
	cfg := loadConfig(t, baseConfig, map[string]string{"RAILS_MASTER_KEY": "k"})
	if !NewApp(cfg, "web").Drains() {
		t.Error("web drains")
	}
	workers := NewApp(cfg, "workers")
	if workers.Drains() {
		t.Error("workers (no Traefik, no health check) must not drain")
	}
	c, _ := workers.WithCord("x").Run("")
	if strings.Contains(c.Command.String(), "mrsk-cord") {
		t.Errorf("workers got a cord: %s", c.Command)
	}
	if NewApp(cfg, "").Drains() {
		t.Error("role-less builder must not drain")
	}
}

func TestCordCustomHealthCmdAndInterval(t *testing.T) {
	cfg := loadConfig(t, baseConfig+"healthcheck:\n  cmd: /bin/check\n  interval: 5s\n", map[string]string{"RAILS_MASTER_KEY": "k"})
	c, _ := NewApp(cfg, "web").WithCord(".mrsk/cords/x").Run("")
	want := `--health-cmd "(cat /tmp/mrsk-cord/cord > /dev/null && ` + cordWatch + `((/bin/check) || (sleep 0.2; /bin/check) || (sleep 0.5; /bin/check))) || exit 1" --health-interval "5s" --health-retries "1"`
	if !strings.Contains(c.Command.String(), want) {
		t.Errorf("run %s lacks %s", c.Command, want)
	}
}

func TestCordCommands(t *testing.T) {
	for _, c := range []struct{ got, want string }{
		{CordDir("app-web-v1", "abc"), ".mrsk/cords/app-web-v1-abc"},
		{MakeCord(".mrsk/cords/a").Command.String(), "mkdir -p .mrsk/cords/a && rm -f .mrsk/cords/a/drain && touch .mrsk/cords/a/cord"},
		{CutCord("/root/.mrsk/cords/a").Command.String(), "rm -f /root/.mrsk/cords/a/cord && date -u +%FT%T.%NZ"},
		{HealthState("app-web-v1").Command.String(), `docker inspect --format '{{if .State.Health}}{{.State.Health.Status}}{{end}}' app-web-v1`},
		{CordInfo("app-web-v1").Command.String(), `docker inspect --format '{{range .Mounts}}{{if eq .Destination "/tmp/mrsk-cord"}}{{.Source}}{{end}}{{end}}|{{range .NetworkSettings.Networks}}{{.IPAddress}} {{end}}' app-web-v1`},
		{TraefikConfigsSince("2024-05-01T10:00:00.1Z").Command.String(), `docker logs traefik --since 2024-05-01T10:00:00.1Z 2>&1 | grep 'Configuration received' | grep providerName=docker`},
	} {
		if c.got != c.want {
			t.Errorf("got  %s\nwant %s", c.got, c.want)
		}
	}
}
