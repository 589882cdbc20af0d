//go:build integration

package cli

import (
	"strings"
	"testing"

	"github.com/mrsk-go/mrsk/internal/remote/sshtest"
)

// The registry username is the service and the image's namespace: a host
// that prints container and image names shows them in full, a secret it
// prints back is hidden by name, and a secret equal to the service is
// shown with one warning, not scrubbed from every name.
func TestSecretsHiddenByNameNamesShownRealHost(t *testing.T) {
	key := sshHome(t)
	h := sshtest.StartLoopback(t, sshtest.Options{AuthorizedKeys: []*sshtest.Key{key}})
	write(t, "config/deploy.yml", "service: barsapp\nimage: barsapp/app\nservers:\n  - "+h.Addr()+
		"\nregistry:\n  username: barsapp\n  password:\n    - PW\nenv:\n  secret:\n    - DB_PASSWORD\n    - WEAK\n")
	env := append(baseEnv(), "VERSION=v1", "PW=registry-secret-pw", "DB_PASSWORD=db-secret-value", "WEAK=barsapp")
	r := run(t, env, "server", "exec", "-v", "echo barsapp-web-v1 barsapp/app:v1 registry-secret-pw; echo db-secret-value >&2")
	if r.code != 0 {
		t.Fatalf("exec: %+v", r)
	}
	for _, want := range []string{
		"Running echo barsapp-web-v1 barsapp/app:v1 [REDACTED:PW]; echo [REDACTED:DB_PASSWORD] >&2 on " + h.Addr(),
		"Host: " + h.Addr() + "\nbarsapp-web-v1 barsapp/app:v1 [REDACTED:PW]\n",
	} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("stdout lacks %q:\n%s", want, r.stdout)
		}
	}
	if strings.Contains(r.stdout+r.stderr, "registry-secret-pw") || strings.Contains(r.stdout+r.stderr, "db-secret-value") {
		t.Errorf("a secret shows:\n%s%s", r.stdout, r.stderr)
	}
	if strings.Count(r.stderr, "WARN secret WEAK is, or is part of, a name mrsk prints") != 1 || strings.Count(r.stderr, "WARN") != 1 {
		t.Errorf("want one warning about WEAK on stderr:\n%s", r.stderr)
	}
}
