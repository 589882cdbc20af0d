package env

import (
	"strings"
	"testing"
)

func TestParseBuildOutput(t *testing.T) {
	out := "base=mrsk-it/debian:b-1\ncurl=mrsk-it/debian-curl:2\nvm=mrsk-it/vm:3\nvm_trixie=mrsk-it/vm:trixie-3\ndocker_cli=29.9.3\n\nregistry=mrsk-it/registry:4\ntraefik=mrsk-it/traefik:v2.11.35-5\nbuildx=/c/docker-buildx\n"
	im, err := parseBuildOutput(out)
	if err != nil {
		t.Fatal(err)
	}
	want := Images{Base: "mrsk-it/debian:b-1", Curl: "mrsk-it/debian-curl:2", VM: "mrsk-it/vm:3", VMTrixie: "mrsk-it/vm:trixie-3", DockerCLI: "29.9.3",
		Registry: "mrsk-it/registry:4", Traefik: "mrsk-it/traefik:v2.11.35-5", Buildx: "/c/docker-buildx"}
	if im != want {
		t.Fatalf("got %+v, want %+v", im, want)
	}
	if _, err := parseBuildOutput(strings.Replace(out, "vm=", "xm=", 1)); err == nil || !strings.Contains(err.Error(), "xm=") {
		t.Fatalf("unknown key: got %v", err)
	}
	if _, err := parseBuildOutput("base=a\n"); err == nil || !strings.Contains(err.Error(), "did not report") {
		t.Fatalf("missing keys: got %v", err)
	}
}
