package commands

import (
	"encoding/json"
	"fmt"
	"net/url"
	"os/exec"
	"slices"
	"strings"
	"testing"
)

// The prune's requests carry Prune's filters, as the API takes them.
func TestPruneRequests(t *testing.T) {
	p := NewPrune(loadConfig(t, baseConfig, secretEnv))
	for _, c := range []struct {
		got, path string
		filters   map[string][]string
	}{
		{p.StoppedList(), "/containers/json", map[string][]string{"label": {"service=app"}, "status": {"created", "exited", "dead"}}},
		{p.ServiceContainers(), "/containers/json", map[string][]string{"label": {"service=app"}}},
		{p.DanglingPrune(), "/images/prune", map[string][]string{"label": {"service=app"}, "dangling": {"true"}}},
		{p.ServiceImages(), "/images/json", map[string][]string{"label": {"service=app"}}},
	} {
		u, err := url.Parse(c.got)
		if err != nil {
			t.Fatal(err)
		}
		var f map[string][]string
		if err := json.Unmarshal([]byte(u.Query().Get("filters")), &f); err != nil {
			t.Fatalf("%s: %v", c.got, err)
		}
		if u.Path != c.path || fmt.Sprint(f) != fmt.Sprint(c.filters) {
			t.Errorf("%s: want %s with filters %v", c.got, c.path, c.filters)
		}
		if strings.HasPrefix(c.path, "/containers/") && u.Query().Get("all") != "1" {
			t.Errorf("%s: not every state (all=1)", c.got)
		}
	}
	if got := RemoveImageRequest("localhost:5000/app:v1"); got != "/images/localhost:5000%2Fapp:v1" {
		t.Errorf("RemoveImageRequest: %s", got)
	}
}

// Containers' `tail -n +6`: every stopped container after the newest five.
func TestContainersToRemove(t *testing.T) {
	list := func(n int) []byte {
		var cs []map[string]string
		for i := range n {
			cs = append(cs, map[string]string{"Id": fmt.Sprint("c", i)})
		}
		b, _ := json.Marshal(cs)
		return b
	}
	if got, _ := ContainersToRemove(list(5)); len(got) != 0 {
		t.Errorf("5 stopped: removes %v", got)
	}
	if got, _ := ContainersToRemove(list(7)); !slices.Equal(got, []string{"c5", "c6"}) {
		t.Errorf("7 stopped: removes %v, want c5 c6", got)
	}
	if _, err := ContainersToRemove([]byte("{")); err == nil {
		t.Error("a broken answer read as a list")
	}
}

// TagsToRemove removes exactly the tags TaggedImages' pipeline removes:
// the lines `docker image ls` prints, filtered by the real `grep -v -w`
// with the pattern the pipeline builds (word boundaries, "." as any
// character, images in use by id).
func TestTagsToRemoveAgreesWithGrep(t *testing.T) {
	grep, err := exec.LookPath("grep")
	if err != nil {
		t.Skip("SKIP: no grep to compare with")
	}
	p := NewPrune(loadConfig(t, baseConfig, secretEnv))
	images := []map[string]any{
		{"Id": "sha256:aaaaaaaaaaaa1111", "RepoTags": []string{"dhh/app:v1", "dhh/app:latest"}},
		{"Id": "sha256:bbbbbbbbbbbb2222", "RepoTags": []string{"dhh/app:v1.2"}},      // v1 in use: "." is no word character
		{"Id": "sha256:cccccccccccc3333", "RepoTags": []string{"dhh/app:v10"}},       // not a word match of v1
		{"Id": "sha256:dddddddddddd4444", "RepoTags": []string{"dhh/app:v2"}},        // unused
		{"Id": "sha256:eeeeeeeeeeee5555", "RepoTags": []string{"dhh/app:v3"}},        // in use by id
		{"Id": "sha256:ffffffffffff6666", "RepoTags": []string{"dhh/apq:v4"}},        // "dhh/ap.:v4" in use: "." any character
		{"Id": "sha256:999999999999aaaa", "RepoTags": []string{"other/thing:v1_x"}},  // "_" is a word character
		{"Id": "sha256:888888888888bbbb", "RepoTags": []string{"<none>:<none>"}},     // cannot be named
		{"Id": "sha256:777777777777cccc", "RepoTags": []string{"dhh/app:v5", "x:y"}}, // both unused
	}
	containers := []map[string]string{{"Image": "dhh/app:v1"}, {"Image": "sha256:eeeeeeeeeeee5555"}, {"Image": "dhh/ap.:v4"}}
	ib, _ := json.Marshal(images)
	cb, _ := json.Marshal(containers)
	got, err := p.TagsToRemove(ib, cb)
	if err != nil {
		t.Fatal(err)
	}

	var lines, inUse []string
	for _, img := range images {
		for _, tag := range img["RepoTags"].([]string) {
			lines = append(lines, shortImageID(img["Id"].(string))+" "+tag)
		}
	}
	for _, c := range containers {
		inUse = append(inUse, containerImage(c["Image"])+`\|`)
	}
	pattern := strings.Join(inUse, "") + `dhh/app:latest\|dhh/app:<none>`
	cmd := exec.Command(grep, "-v", "-w", pattern)
	cmd.Stdin = strings.NewReader(strings.Join(lines, "\n") + "\n")
	out, _ := cmd.Output()
	var want []string
	for _, l := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		if _, tag, ok := strings.Cut(l, " "); ok && tag != "<none>:<none>" {
			want = append(want, tag)
		}
	}
	if !slices.Equal(got, want) {
		t.Errorf("removes %v, grep's pipeline %v", got, want)
	}
	if !slices.Equal(want, []string{"dhh/app:v10", "dhh/app:v2", "other/thing:v1_x", "dhh/app:v5", "x:y"}) {
		t.Errorf("the cases no longer cover what they say: grep keeps %v", want)
	}
}
