package commands

import (
	"strconv"

	"github.com/mrsk-go/mrsk/internal/cmdline"
	"github.com/mrsk-go/mrsk/internal/config"
	"github.com/mrsk-go/mrsk/internal/shell"
)

// PruneKeepContainers is how many stopped containers of the service pruning
// keeps (available for rollback), across all roles and destinations.
const PruneKeepContainers = 5

// Prune builds the pruning commands run on app hosts after a deploy.
type Prune struct {
	cfg *config.Config
}

// NewPrune returns the prune builder.
func NewPrune(cfg *config.Config) Prune { return Prune{cfg: cfg} }

// serviceFilter is the service's label filter, as a word.
func (p Prune) serviceFilter() string { return q("label=service=" + p.cfg.Service()) }

// Containers removes all but the newest PruneKeepContainers stopped
// containers of the service. The destination is deliberately not filtered.
func (p Prune) Containers() Cmd {
	return named("prune.containers", pipe(
		docker("ps", "-q", "-a", "--filter", p.serviceFilter(),
			"--filter", "status=created", "--filter", "status=exited", "--filter", "status=dead"),
		cmdline.New("tail", "-n", "+"+strconv.Itoa(PruneKeepContainers+1)),
		cmdline.New("while", "read", "container_id;", "do", "docker", "rm", "$container_id;", "done")))
}

// DanglingImages removes the service's untagged images.
func (p Prune) DanglingImages() Cmd {
	return named("prune.dangling_images",
		docker("image", "prune", "--force", "--filter", p.serviceFilter(), "--filter", "dangling=true"))
}

// TaggedImages removes the service's tagged images that no container (in
// any state) uses, always keeping <repo>:latest and <repo>:<none>.
func (p Prune) TaggedImages() Cmd {
	// The list is one double-quoted word around a command substitution: the
	// filter is a word of the inner command, the repository is inside the
	// double quotes.
	repo := shell.InDoubleQuotes(p.cfg.Repository())
	inUse := `"$(docker container ls -a --format '{{.Image}}\|' --filter ` + p.serviceFilter() +
		` | tr -d '\n')` + repo + `:latest\|` + repo + `:<none>"`
	return named("prune.tagged_images", pipe(
		docker("image", "ls", "--filter", p.serviceFilter(), "--format", "'{{.ID}} {{.Repository}}:{{.Tag}}'"),
		cmdline.New("grep", "-v", "-w", inUse),
		cmdline.New("while", "read", "image", "tag;", "do", "docker", "rmi", "$tag;", "done")))
}
