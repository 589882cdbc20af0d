// Command app is the tiny web app the integration environment deploys: /up answers 200,
// / answers "<version> <hostname>", and every request is logged as one line on stdout so
// tests can read it back with `docker logs` (and mrsk's `app logs`).
//
// REQUEST_LOG=off leaves the per-request line out: the zero-downtime load test sends 1,500
// requests a second through a host whose docker writes every line of every container to a
// json log file, work a production app's log would not cost its host at that rate, and no
// test there reads the app's log. Tests that read it run the app with its default (on).
//
// UNHEALTHY_ON (comma-separated host addresses) makes /up answer 503 in containers whose
// hostname is "<address>-…" (what mrsk's app boot gives them): one version that is healthy
// on some hosts and never healthy on others, with one env for all.
//
// Built static (CGO_ENABLED=0) with the version injected:
//
//	go build -ldflags "-X main.version=v1" .
package main

import (
	"fmt"
	"log"
	"net/http"
	"os"
	"strings"
)

// version is replaced at link time; each test deploy gets its own.
var version = "dev"

func main() {
	port := os.Getenv("PORT")
	if port == "" {
		port = "3000"
	}
	host, _ := os.Hostname()
	logger := log.New(os.Stdout, "", log.LstdFlags)
	logger.Printf("app %s listening on :%s", version, port)
	reqLog := logger
	if os.Getenv("REQUEST_LOG") == "off" {
		reqLog = nil
	}
	h := newHandler(version, host, reqLog)
	if sickOn(os.Getenv("UNHEALTHY_ON"), host) {
		h = sick(h)
	}
	logger.Fatal(http.ListenAndServe(":"+port, h))
}

// sickOn reports whether hostname is "<one of the addresses>-…".
func sickOn(addresses, hostname string) bool {
	for _, a := range strings.Split(addresses, ",") {
		if a = strings.TrimSpace(a); a != "" && strings.HasPrefix(hostname, a+"-") {
			return true
		}
	}
	return false
}

// sick answers /up with 503 and everything else as h does.
func sick(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/up" {
			http.Error(w, "unhealthy on purpose (UNHEALTHY_ON)", http.StatusServiceUnavailable)
			return
		}
		h.ServeHTTP(w, r)
	})
}

// newHandler is separate from main so the routes can be tested without a listener. A nil
// logger logs no requests.
func newHandler(version, host string, logger *log.Logger) http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("/up", func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprintln(w, "OK")
	})
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/" {
			http.NotFound(w, r)
			return
		}
		fmt.Fprintf(w, "%s %s\n", version, host)
	})
	if logger == nil {
		return mux
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		logger.Printf("%s %s %s", r.Method, r.URL.RequestURI(), r.Proto)
		mux.ServeHTTP(w, r)
	})
}
