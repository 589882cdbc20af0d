package commands

import (
	"net/url"
	"reflect"
	"testing"
)

func TestRoleStateListFiltersAsRoleState(t *testing.T) {
	cfg := loadConfig(t, "service: app\nimage: a/app\nservers:\n  - 1.1.1.1\nregistry:\n  username: u\n  password: p\n", nil)
	path := NewApp(cfg, "web").RoleStateList()
	u, err := url.Parse(path)
	if err != nil || u.Path != "/containers/json" {
		t.Fatalf("%s: %v", path, err)
	}
	if q := u.Query(); q.Get("all") != "1" || q.Get("filters") != `{"label":["service=app","role=web"]}` {
		t.Errorf("query %v", q)
	}
	if got := InspectRequest("ab/../c"); got != "/containers/ab%2F..%2Fc/json" {
		t.Errorf("an id is one path segment: %s", got)
	}
}

func TestParseContainerIDs(t *testing.T) {
	ids, err := ParseContainerIDs([]byte(`[{"Id":"a1","Names":["/x"]},{"Id":"b2"}]`))
	if err != nil || !reflect.DeepEqual(ids, []string{"a1", "b2"}) {
		t.Errorf("%v %v", ids, err)
	}
	if _, err := ParseContainerIDs([]byte(`{"message":"x"}`)); err == nil {
		t.Error("an answer that is not a list must fail")
	}
}

// RoleStateLine prints what roleStateFormat prints for the same container
// (the integration test compares both on real hosts): the cord mount's
// source only, every network's address in key order, each followed by a
// space.
func TestRoleStateLine(t *testing.T) {
	inspect := `{"Id":"abc","Name":"/app-web-v2","Created":"2024-01-02T10:00:00.123456789Z",
		"State":{"Status":"running","Running":true},
		"Mounts":[{"Source":"/data","Destination":"/data"},{"Source":"/root/.mrsk/cords/app-web-v2-abc","Destination":"` + CordMount + `"}],
		"NetworkSettings":{"Networks":{"zeta":{"IPAddress":"10.0.0.2"},"bridge":{"IPAddress":"172.17.0.3"}}}}`
	got, err := RoleStateLine([]byte(inspect))
	want := "/app-web-v2|running|2024-01-02T10:00:00.123456789Z|/root/.mrsk/cords/app-web-v2-abc|172.17.0.3 10.0.0.2 "
	if err != nil || got != want {
		t.Errorf("got %q, %v\nwant %q", got, err, want)
	}
	bare, err := RoleStateLine([]byte(`{"Name":"/app-web-v1","Created":"2024-01-01T10:00:00Z","State":{"Status":"exited"},"Mounts":[],"NetworkSettings":{"Networks":{}}}`))
	if err != nil || bare != "/app-web-v1|exited|2024-01-01T10:00:00Z||" {
		t.Errorf("got %q, %v", bare, err)
	}
	if _, err := RoleStateLine([]byte("not json")); err == nil {
		t.Error("a broken answer must fail")
	}
}
