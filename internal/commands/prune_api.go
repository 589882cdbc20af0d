package commands

import (
	"encoding/json"
	"fmt"
	"net/url"
	"regexp"
	"strings"
)

// The deploy's prune (flow's pruneAlong) as requests to the host's docker
// API instead of Prune's command lines: the same removals, decided here
// from the daemon's answers the way Prune's pipelines decide them from the
// CLI's output, without the six or more docker clients those pipelines
// start on the host while its switch still runs. Paths only: nothing here
// reaches a shell.

// serviceLabel is the service's label filter, as the API takes it.
func (p Prune) serviceLabel() []string { return []string{"service=" + p.cfg.Service()} }

func filtersQuery(f map[string][]string) string {
	b, _ := json.Marshal(f)
	return url.Values{"filters": {string(b)}}.Encode()
}

// StoppedList is Containers' `docker ps -q -a` with its filters, as a
// request: the service's stopped containers, newest first.
func (p Prune) StoppedList() string {
	return "/containers/json?all=1&" + filtersQuery(map[string][]string{
		"label": p.serviceLabel(), "status": {"created", "exited", "dead"}})
}

// ServiceContainers is TaggedImages' `docker container ls -a` as a
// request: the service's containers in any state, with their images.
func (p Prune) ServiceContainers() string {
	return "/containers/json?all=1&" + filtersQuery(map[string][]string{"label": p.serviceLabel()})
}

// DanglingPrune is DanglingImages (`docker image prune --force` with its
// filters) as a request (POST).
func (p Prune) DanglingPrune() string {
	return "/images/prune?" + filtersQuery(map[string][]string{"label": p.serviceLabel(), "dangling": {"true"}})
}

// ServiceImages is TaggedImages' `docker image ls` as a request.
func (p Prune) ServiceImages() string {
	return "/images/json?" + filtersQuery(map[string][]string{"label": p.serviceLabel()})
}

// RemoveContainerRequest is `docker rm <id>` as a request (DELETE).
func RemoveContainerRequest(id string) string { return "/containers/" + url.PathEscape(id) }

// RemoveImageRequest is `docker rmi <tag>` as a request (DELETE).
func RemoveImageRequest(tag string) string { return "/images/" + url.PathEscape(tag) }

// ContainersToRemove reads StoppedList's answer as Containers' pipeline
// does (`tail -n +6`): every container after the newest five, in docker's
// order (newest first, as `docker ps` prints it).
func ContainersToRemove(stopped []byte) ([]string, error) {
	ids, err := ParseContainerIDs(stopped)
	if err != nil {
		return nil, err
	}
	if len(ids) <= PruneKeepContainers {
		return nil, nil
	}
	return ids[PruneKeepContainers:], nil
}

// TagsToRemove reads ServiceImages' and ServiceContainers' answers as
// TaggedImages' pipeline does: of the lines `docker image ls` would print
// ("<short id> <repository>:<tag>", one per tag), those that `grep -v -w`
// keeps against the containers' images, <repo>:latest and <repo>:<none>,
// and of those the tags `docker rmi` can name (not an untagged image's
// "<none>:<none>", whose removal fails in the pipeline too).
func (p Prune) TagsToRemove(images, containers []byte) ([]string, error) {
	var imgs []struct {
		ID       string `json:"Id"`
		RepoTags []string
	}
	if err := json.Unmarshal(images, &imgs); err != nil {
		return nil, fmt.Errorf("reading docker's image list: %w", err)
	}
	var ctrs []struct{ Image string }
	if err := json.Unmarshal(containers, &ctrs); err != nil {
		return nil, fmt.Errorf("reading docker's container list: %w", err)
	}
	inUse := make([]string, 0, len(ctrs)+2)
	for _, c := range ctrs {
		inUse = append(inUse, containerImage(c.Image))
	}
	repo := p.cfg.Repository()
	inUse = append(inUse, repo+":latest", repo+":<none>")
	kept := wordMatcher(inUse)
	var tags []string
	for _, img := range imgs {
		short := shortImageID(img.ID)
		for _, tag := range img.RepoTags {
			if tag == "<none>:<none>" || kept.MatchString(short+" "+tag) {
				continue
			}
			tags = append(tags, tag)
		}
	}
	return tags, nil
}

// containerImage is a container's image as `docker container ls --format
// '{{.Image}}'` prints it: the name it was created from, or, where docker
// answers the image's id instead (the name has since been moved to
// another image), that id shortened as the image list prints it — which
// then keeps every tag of that image.
func containerImage(image string) string {
	if strings.HasPrefix(image, "sha256:") {
		return shortImageID(image)
	}
	return image
}

// shortImageID is an image's id as `docker image ls` prints it.
func shortImageID(id string) string {
	id = strings.TrimPrefix(id, "sha256:")
	if len(id) > 12 {
		return id[:12]
	}
	return id
}

// wordMatcher matches a line the way `grep -w 'a\|b\|…'` does: one of the
// alternatives, read as a basic regular expression, found where neither a
// word character (letter, digit, underscore) comes before nor after it.
// Image references hold no BRE operator other than ".", which matches any
// character there too; every other character is itself.
func wordMatcher(alternatives []string) *regexp.Regexp {
	alts := make([]string, 0, len(alternatives))
	for _, a := range alternatives {
		alts = append(alts, strings.ReplaceAll(regexp.QuoteMeta(a), `\.`, "."))
	}
	return regexp.MustCompile(`(?:^|[^0-9A-Za-z_])(?:` + strings.Join(alts, "|") + `)(?:[^0-9A-Za-z_]|$)`)
}
