package commands

import (
	"errors"
	"testing"
)

// The JSON listings are the plain ones plus docker's JSON template, and
// only read (a dry run runs them).
func TestJSONListings(t *testing.T) {
	cfg := loadConfig(t, baseConfig, secretEnv)
	acc, err := NewAccessory(cfg, "mysql")
	if err != nil {
		t.Fatal(err)
	}
	web, all := NewApp(cfg, "web"), NewApp(cfg, "")
	for _, c := range []struct {
		json, plain Cmd
		want        string
	}{
		{web.InfoJSON(), web.Info(), `docker ps --filter label=service=app --filter label=role=web --format '{{json .}}'`},
		{all.ListContainersJSON(), all.ListContainers(), `docker container ls --all --filter label=service=app --format '{{json .}}'`},
		{all.ListImagesJSON(), all.ListImages(), `docker image ls dhh/app --format '{{json .}}'`},
		{NewTraefik(cfg).InfoJSON(), NewTraefik(cfg).Info(), `docker ps --filter name=^traefik$ --format '{{json .}}'`},
		{acc.InfoJSON(), acc.Info(), `docker ps --filter label=service=app-mysql --format '{{json .}}'`},
	} {
		expectLine(t, c.json.Name, c.json.String(), c.want)
		expectLine(t, c.json.Name+" (the plain listing, unchanged)", c.plain.String()+" --format '{{json .}}'", c.want)
		if !c.json.Query {
			t.Errorf("%s must be a query", c.json.Name)
		}
	}
}

func TestParseRecords(t *testing.T) {
	got, err := ParseRecords(`{"ID":"c0ffee","Names":"app-web-v1","State":"running"}` + "\n\n" + `{"ID":"beef","Names":"app-web-v0","State":"exited"}` + "\n")
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 || got[0]["Names"] != "app-web-v1" || got[1]["State"] != "exited" {
		t.Errorf("%v", got)
	}
	if got, err := ParseRecords(""); err != nil || got == nil || len(got) != 0 {
		t.Errorf("nothing listed is an empty list: %#v %v", got, err)
	}
	_, err = ParseRecords("{\"ID\":\"x\"}\nCONTAINER ID   IMAGE")
	var le *ListingError
	if !errors.As(err, &le) || le.Line != 2 {
		t.Errorf("a table is not a JSON listing: %v", err)
	}
}
