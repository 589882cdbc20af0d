package config

import (
	"errors"
	"reflect"
	"testing"
)

// -h/-r naming what the config does not have used to select nothing and
// exit 0; -p -h X ran on the primary whatever X was (issue 11 §7).
func TestSelectRefusesWhatIsNotConfigured(t *testing.T) {
	c := loadYAML(t, minimal+"servers:\n  web: [a, b]\n  jobs: [c]\naccessories:\n  db: {image: mysql, host: d}\n", nil)
	for _, tt := range []struct {
		sel  Selection
		want string
	}{
		{Selection{Hosts: []string{"zzz"}}, "--hosts names host zzz, which the configuration does not have (hosts: c, a, b, d)"},
		{Selection{Hosts: []string{"a", "y", "z"}}, "--hosts names hosts y, z, which the configuration does not have (hosts: c, a, b, d)"},
		{Selection{Roles: []string{"wbe"}}, "--roles names role wbe, which the configuration does not have (roles: jobs, web)"},
		{Selection{Hosts: []string{"c"}, Primary: true}, "--primary selects the primary host a, which is not among --hosts c"},
		{Selection{Roles: []string{"jobs"}, Primary: true}, "--primary selects the primary host a, which is in none of --roles jobs"},
	} {
		_, err := c.Select(tt.sel)
		var se *SelectionError
		if !errors.As(err, &se) || err.Error() != tt.want {
			t.Errorf("%+v:\n got  %v\n want %s", tt.sel, err, tt.want)
		}
	}
}

func TestSelectNarrows(t *testing.T) {
	c := loadYAML(t, minimal+"servers:\n  web: [a, b]\n  jobs: [c]\naccessories:\n  db: {image: mysql, host: d}\n", nil)
	s, err := c.Select(Selection{Hosts: []string{"b", "a"}, Primary: true})
	if err != nil || !reflect.DeepEqual(s.Hosts(), []string{"a"}) || s.PrimaryHost() != "a" {
		t.Errorf("-p among -h: %v", err)
	}
	s, err = c.Select(Selection{Roles: []string{"web"}, Primary: true})
	if err != nil || !reflect.DeepEqual(s.Hosts(), []string{"a"}) {
		t.Errorf("-p among -r: %v", err)
	}
	// A host only an accessory runs on is known: app commands have nothing
	// to do there, server bootstrap installs it.
	s, err = c.Select(Selection{Hosts: []string{"d"}})
	if err != nil || len(s.Hosts()) != 0 {
		t.Fatalf("accessory host: %v", err)
	}
	if hs, _ := s.AccessoryHosts(); !reflect.DeepEqual(hs, []string{"d"}) {
		t.Errorf("accessory hosts = %v", hs)
	}
	s, _ = c.Select(Selection{Hosts: []string{"c", "d"}})
	if hs, _ := s.AccessoryHosts(); !reflect.DeepEqual(hs, []string{"c", "d"}) {
		t.Errorf("accessory hosts = %v", hs)
	}
}
