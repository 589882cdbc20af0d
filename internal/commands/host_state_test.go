package commands

import (
	"reflect"
	"strings"
	"testing"
)

func TestHostStateReadsEveryRoleAndEndsWithItsMark(t *testing.T) {
	cfg := loadConfig(t, baseConfig, map[string]string{"RAILS_MASTER_KEY": "k"})
	got := HostState(NewApp(cfg, "web")).Command.String()
	if strings.Contains(got, "label=role=") {
		t.Errorf("the host's read filters by role: %s", got)
	}
	for _, want := range []string{`ids=$(docker ps --all --quiet --filter label=service=app)`,
		`[ -z "$ids" ] || docker inspect --format '{{index .Config.Labels "role"}}|{{.Name}}|`, `$ids ; } && echo ` + HostStateMark} {
		if !strings.Contains(got, want) {
			t.Errorf("missing %q in\n%s", want, got)
		}
	}
}

func TestParseHostStateKeepsOnlyTheRolesLinesAndNeedsTheMark(t *testing.T) {
	cfg := loadConfig(t, baseConfig, map[string]string{"RAILS_MASTER_KEY": "k"})
	web := NewApp(cfg, "web")
	// the pull's lines land among the read's: only marked role lines count
	out := "engine 1.45 1.45\n" +
		"web|/app-web-2|running|2024-01-02T00:00:00Z|/c/2|172.17.0.3 \n" +
		"abc: Pulling from app\n" +
		// another role whose name starts like this one's
		"web-api|/app-web-api-1|running|2024-01-03T00:00:00Z||172.17.0.4 \n" +
		"web|/app-web-1|exited|2024-01-01T00:00:00Z|/c/1|\n" +
		HostStateMark + "\n"
	got, ok := web.ParseHostState(out)
	if !ok {
		t.Fatal("the mark was not seen")
	}
	want := []Container{
		{Name: "app-web-2", Version: "2", State: "running", Created: "2024-01-02T00:00:00Z", Cord: "/c/2", IPs: []string{"172.17.0.3"}, Service: "app-web"},
		{Name: "app-web-1", Version: "1", State: "exited", Created: "2024-01-01T00:00:00Z", Cord: "/c/1", IPs: []string{}, Service: "app-web"},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got %+v\nwant %+v", got, want)
	}
	if st, ok := web.ParseHostState(HostStateMark + "\n"); !ok || len(st) != 0 {
		t.Errorf("a host without containers: %+v %v", st, ok)
	}
	if _, ok := web.ParseHostState(strings.TrimSuffix(out, HostStateMark+"\n")); ok {
		t.Error("a read cut before its mark must be no state")
	}
}
