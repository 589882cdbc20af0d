package main

import (
	"bytes"
	"log"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

func TestRoutes(t *testing.T) {
	var logs bytes.Buffer
	h := newHandler("v7", "web-1", log.New(&logs, "", 0))
	cases := []struct {
		path string
		code int
		body string
	}{
		{"/up", http.StatusOK, "OK\n"},
		{"/", http.StatusOK, "v7 web-1\n"},
		{"/missing", http.StatusNotFound, "404 page not found\n"},
	}
	for _, c := range cases {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest("GET", c.path+"?x=1", nil))
		if rec.Code != c.code || rec.Body.String() != c.body {
			t.Errorf("GET %s = %d %q, want %d %q", c.path, rec.Code, rec.Body.String(), c.code, c.body)
		}
		if !strings.Contains(logs.String(), "GET "+c.path+"?x=1 HTTP/1.1") {
			t.Errorf("request line for %s not logged; logs:\n%s", c.path, logs.String())
		}
	}
}

func TestNoRequestLog(t *testing.T) {
	rec := httptest.NewRecorder()
	newHandler("v7", "web-1", nil).ServeHTTP(rec, httptest.NewRequest("GET", "/", nil))
	if rec.Code != http.StatusOK || rec.Body.String() != "v7 web-1\n" {
		t.Errorf("GET / without a request log = %d %q", rec.Code, rec.Body.String())
	}
}

func TestUnhealthyOn(t *testing.T) {
	if !sickOn("10.0.0.1, 10.0.0.2", "10.0.0.2-0123456789ab") || sickOn("10.0.0.1", "10.0.0.12-0123456789ab") || sickOn("", "x-1") {
		t.Error("sickOn")
	}
	rec := httptest.NewRecorder()
	sick(newHandler("v1", "h", log.New(&bytes.Buffer{}, "", 0))).ServeHTTP(rec, httptest.NewRequest("GET", "/up", nil))
	if rec.Code != http.StatusServiceUnavailable {
		t.Errorf("/up = %d", rec.Code)
	}
}
