package load

import (
	"strings"
	"testing"
)

func TestNginxConf(t *testing.T) {
	conf, err := NginxConf([]string{"10.89.0.10:80", "10.89.0.11:80"})
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"server 10.89.0.10:80 max_fails=0;\n", "server 10.89.0.11:80 max_fails=0;\n", "proxy_pass http://web;", "listen 80;"} {
		if !strings.Contains(conf, want) {
			t.Errorf("nginx.conf lacks %q:\n%s", want, conf)
		}
	}
	// a retry on 5xx would hide exactly the failures the load test is there to count
	if strings.Contains(conf, "proxy_next_upstream") {
		t.Error("nginx.conf changes proxy_next_upstream; the LB must pass 5xx through")
	}
	if strings.Count(conf, "{") != strings.Count(conf, "}") {
		t.Errorf("unbalanced braces:\n%s", conf)
	}
	for _, bad := range [][]string{nil, {"10.89.0.10"}} {
		if _, err := NginxConf(bad); err == nil {
			t.Errorf("NginxConf(%q) succeeded, want an error", bad)
		}
	}
}
