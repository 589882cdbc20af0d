package load

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"testing"
	"time"
)

// TestGeneratorCapacity tells whether the generator itself can send the zero-downtime test's
// load on this machine: 1,500 req/s from 8 keep-alive and 8 fresh-connection clients, against
// a trivial server in this process (no Traefik, no docker, no network namespace), for 10 s.
// It measures, so it only runs when asked: MRSK_LOAD_CAPACITY=1 go test -run Capacity -v.
func TestGeneratorCapacity(t *testing.T) {
	if os.Getenv("MRSK_LOAD_CAPACITY") == "" {
		t.Skip("a 10 s measurement: set MRSK_LOAD_CAPACITY=1 to run it")
	}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprintf(w, "v1 %s\n", r.RemoteAddr)
	}))
	defer srv.Close()
	targets := []Target{{"a", srv.URL}, {"b", srv.URL}, {"c", srv.URL}}
	res := runFor(t, Config{Targets: targets, Rate: 1500, KeepAlive: 8, Fresh: 8, FreshInFlight: 512,
		Timeout: 10 * time.Second}, 10*time.Second)
	s := Summarize(res.Records)
	t.Logf("generator + trivial server in one process: %s", s)
	if s.Rate() < 1500*0.97 {
		t.Errorf("the generator reached %.0f req/s, want 1500", s.Rate())
	}
}
