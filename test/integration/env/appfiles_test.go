package env

import (
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"
)

func TestRenderDeployYML(t *testing.T) {
	y := renderDeployYML(DeployConfig{
		Service: "app", Image: "app", Hosts: []string{"10.88.0.3", "10.88.0.4"},
		Registry: "localhost:41234", TraefikImage: "localhost:41234/traefik:v2.11",
		Extra: "readiness_delay: 1\n",
	})
	var doc struct {
		Service  string
		Image    string
		Servers  []string
		Registry struct {
			Server   string
			Username string
			Password []string
		}
		Builder        struct{ Multiarch bool }
		Traefik        struct{ Image string }
		ReadinessDelay int `yaml:"readiness_delay"`
	}
	if err := yaml.Unmarshal([]byte(y), &doc); err != nil {
		t.Fatalf("not YAML: %v\n%s", err, y)
	}
	if doc.Service != "app" || len(doc.Servers) != 2 || doc.Servers[1] != "10.88.0.4" ||
		doc.Registry.Server != "localhost:41234" || doc.Registry.Password[0] != "MRSK_REGISTRY_PASSWORD" ||
		doc.Builder.Multiarch || doc.Traefik.Image != "localhost:41234/traefik:v2.11" || doc.ReadinessDelay != 1 {
		t.Fatalf("unexpected document %+v from:\n%s", doc, y)
	}
}

func TestAppDockerfileHasNoHealthcheck(t *testing.T) {
	d := appDockerfile("mrsk-it/debian-curl:abc")
	if !strings.HasPrefix(d, "FROM mrsk-it/debian-curl:abc\n") || strings.Contains(d, "HEALTHCHECK") {
		t.Fatalf("got:\n%s", d)
	}
}

func TestRenderDeployYMLDefaultTraefik(t *testing.T) {
	y := renderDeployYML(DeployConfig{Service: "app", Image: "app", Hosts: []string{"10.88.0.3"}, Registry: "localhost:1"})
	if strings.Contains(y, "traefik:") {
		t.Fatalf("no traefik image given, yet a traefik section:\n%s", y)
	}
}
