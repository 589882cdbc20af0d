package config

import (
	"reflect"
	"slices"
	"testing"

	"github.com/mrsk-go/mrsk/internal/cmdline"
)

// The registry username is the image's namespace (and often the service):
// it is shown like any other setting, never registered as a secret.
func TestRegistryUsernameIsNotSecret(t *testing.T) {
	for _, reg := range []string{
		"registry: {username: bars, password: registry-pw-1}\n",
		"registry: {username: [REG_USER], password: registry-pw-1}\n",
	} {
		c := loadYAML(t, "service: bars\nimage: bars/app\nservers: [10.0.0.1]\n"+reg, map[string]string{"REG_USER": "bars"})
		got := c.SecretValues()
		want := []cmdline.SecretValue{{Name: "registry.password", Value: "registry-pw-1"}}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("%sSecretValues = %v, want %v", reg, got, want)
		}
		if !slices.Contains(c.PublicNames(), "bars") {
			t.Errorf("%sPublicNames %v lack the username", reg, c.PublicNames())
		}
	}
}

// Every kind of real secret is listed once, under the name a reader knows
// it by: the registry password's variable, env secrets (top, role,
// accessory, Traefik), builder secrets, and build args (Quiet).
func TestSecretValuesAreNamed(t *testing.T) {
	c := loadYAML(t, minimal+`servers:
  web: [10.0.0.1]
  workers:
    hosts: [10.0.0.2]
    env: {secret: [ROLE_S]}
env: {secret: [TOP_S]}
traefik: {env: {secret: [TRAEFIK_S]}}
builder:
  secrets: [BUILD_S]
  args: {ARG_A: arg-value-a, ARG_EMPTY: "", ARG_DUP: top-secret-v}
accessories:
  db: {image: mysql, host: 10.0.0.3, env: {secret: [ACC_S]}}
`, map[string]string{"REG_USER": "dhh", "REG_PASS": "reg-pass-v", "TOP_S": "top-secret-v", "ROLE_S": "role-secret-v",
		"TRAEFIK_S": "traefik-secret-v", "BUILD_S": "build-secret-v", "ACC_S": "acc-secret-v"})
	want := []cmdline.SecretValue{
		{Name: "REG_PASS", Value: "reg-pass-v"},
		{Name: "TOP_S", Value: "top-secret-v"},
		{Name: "ROLE_S", Value: "role-secret-v"},
		{Name: "ACC_S", Value: "acc-secret-v"},
		{Name: "TRAEFIK_S", Value: "traefik-secret-v"},
		{Name: "BUILD_S", Value: "build-secret-v"},
		{Name: "ARG_A", Value: "arg-value-a", Quiet: true},
	}
	if got := c.SecretValues(); !reflect.DeepEqual(got, want) {
		t.Errorf("SecretValues =\n%v\nwant\n%v", got, want)
	}
}

// PublicNames hold what the output names things with; a secret inside one
// of them is kept out of the scrub (redact.Set.Public).
func TestPublicNames(t *testing.T) {
	c := loadYAML(t, `service: bars
image: bars/app
servers:
  web: [10.0.0.1]
  jobs: [10.0.0.2]
registry: {server: registry.example.com, username: barsuser, password: pw-long-1}
ssh: {user: deployer, proxy: jump.example.com}
accessories:
  db: {image: mysql:8, host: 10.0.0.3}
`, nil)
	got := c.PublicNames()
	for _, want := range []string{"bars", "bars/app", "registry.example.com/bars/app", "registry.example.com", "barsuser",
		"deployer", "root@jump.example.com", "traefik:v2.11", "web", "jobs", "10.0.0.1", "10.0.0.2", "db", "bars-db", "mysql:8", "10.0.0.3"} {
		if !slices.Contains(got, want) {
			t.Errorf("PublicNames %v lack %q", got, want)
		}
	}
	if slices.Contains(got, "pw-long-1") || slices.Contains(got, "") {
		t.Errorf("PublicNames %v hold the password or a blank", got)
	}
}
