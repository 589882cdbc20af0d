package conformance

import (
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/mrsk-go/mrsk/internal/config"
	"github.com/mrsk-go/mrsk/internal/shell"
)

// opFunc runs one vector operation. It returns the value to compare with
// the case's expectations: a cmdline.Command (compared as a string or as a
// word list, whichever the expectation is), a string, []string, []any,
// *config.OMap (ordered comparison), map[string]any, int, bool or nil.
type opFunc func(t *testing.T, c *Case) (any, error)

// ops maps a vector `op` to its implementation; ops_<area>_test.go files
// fill it from init().
var ops = map[string]opFunc{}

// register adds ops, refusing duplicates so two files cannot silently
// fight over one name.
func register(m map[string]opFunc) {
	for name, f := range m {
		if _, dup := ops[name]; dup {
			panic("conformance: op registered twice: " + name)
		}
		ops[name] = f
	}
}

// Case is one vector case, set up in its own working directory.
type Case struct {
	Name string
	Op   string
	// Args are the op's inputs in YAML order (nil when absent).
	Args *config.OMap
	// Raw is the whole case as parsed.
	Raw *config.OMap
	// Setup holds the commander filters.
	Setup config.Selection
	// Env is the case's environment (plus PATH and HOME).
	Env map[string]string
	// Dir is the case's working directory (also the process cwd while the
	// case runs); ConfigDir is Dir/config.
	Dir       string
	ConfigDir string

	rendered    *string
	cfg         *config.Config
	cfgErr      error
	cfgLoaded   bool
	destination string
	version     string
	git         fakeGit
}

// fixedNow is the time ops pass to builders that record one ({{recorded_at}}).
var fixedNow = time.Date(2023, 4, 14, 17, 7, 31, 0, time.UTC)

// fixedPerformer is the local user ops pass to builders ({{performer}}).
const fixedPerformer = "vector-performer"

// Now is the fixed "current time" for builders that record one.
func (c *Case) Now() time.Time { return fixedNow }

// Performer is the fixed local user name for builders that record one.
func (c *Case) Performer() string { return fixedPerformer }

// Destination is the case's destination ("" without).
func (c *Case) Destination() string { return c.destination }

// Arg returns an op argument (nil when absent).
func (c *Case) Arg(name string) any { return c.Args.Value(name) }

// HasArg reports whether an op argument is present.
func (c *Case) HasArg(name string) bool { return c.Args.Has(name) }

// ArgString returns an op argument with Ruby's to_s ("" when absent).
func (c *Case) ArgString(name string) string { return shell.ToS(c.Arg(name)) }

// ArgStrings returns a list argument as strings (a scalar gives one).
func (c *Case) ArgStrings(name string) []string {
	switch v := c.Arg(name).(type) {
	case nil:
		return nil
	case []any:
		out := make([]string, len(v))
		for i, e := range v {
			out[i] = shell.ToS(e)
		}
		return out
	default:
		return []string{shell.ToS(v)}
	}
}

// ArgBool returns a boolean argument (false when absent).
func (c *Case) ArgBool(name string) bool { return c.Arg(name) == true }

// Getenv looks a variable up in the case's environment.
func (c *Case) Getenv(name string) (string, bool) {
	v, ok := c.Env[name]
	return v, ok
}

// SetRenderedContent records in-memory rendered content (accessory *.erb
// files) for `expect_rendered_content`.
func (c *Case) SetRenderedContent(s string) { c.rendered = &s }

// Config loads the case's configuration through the real loader, with the
// case's destination, version, environment and fake git state.
func (c *Case) Config() (*config.Config, error) {
	if !c.cfgLoaded {
		c.cfgLoaded = true
		c.cfg, c.cfgErr = config.Load(config.LoadOptions{
			Dir:         c.Dir,
			Destination: c.destination,
			Version:     c.version,
			Env:         c.Env,
			Git:         c.git,
		})
	}
	return c.cfg, c.cfgErr
}

// Selected is Config with the case's commander filters applied.
func (c *Case) Selected() (*config.Selected, error) {
	cfg, err := c.Config()
	if err != nil {
		return nil, err
	}
	return cfg.Select(c.Setup)
}

// fakeGit answers version derivation from the case's `git` field.
type fakeGit struct {
	repository bool
	head       string
	status     string
}

func (g fakeGit) Status(string) (config.GitStatus, error) {
	if !g.repository {
		return config.GitStatus{}, fmt.Errorf("not a git repository")
	}
	return config.GitStatus{Head: g.head, Dirty: g.status != ""}, nil
}

// prepare creates the case's directory and files.
func (c *Case) prepare(t *testing.T) error {
	c.Dir = t.TempDir()
	if d, err := filepath.EvalSymlinks(c.Dir); err == nil {
		c.Dir = d
	}
	c.ConfigDir = filepath.Join(c.Dir, "config")
	c.Env = map[string]string{}
	for _, k := range []string{"PATH", "HOME"} {
		if v, ok := os.LookupEnv(k); ok {
			c.Env[k] = v
		}
	}
	for _, p := range c.Raw.Map("env").Pairs() {
		c.Env[p.Key] = shell.ToS(p.Value)
	}
	c.destination = c.Raw.Str("destination")
	c.version = c.Raw.Str("version")
	if g := c.Raw.Map("git"); g != nil {
		c.git = fakeGit{repository: g.Value("repository") == true, head: g.Str("rev_parse_head"), status: g.Str("status_porcelain")}
	}
	if sel := c.Raw.Map("setup"); sel != nil {
		c.Setup = config.Selection{
			Hosts:   toStrings(sel.Value("specific_hosts")),
			Roles:   toStrings(sel.Value("specific_roles")),
			Primary: sel.Value("primary") == true,
		}
	}
	if c.Raw.Has("config") {
		if err := writeFile(filepath.Join(c.ConfigDir, "deploy.yml"), c.Raw.Str("config")); err != nil {
			return err
		}
	}
	if c.destination != "" && c.Raw.Has("destination_config") {
		if err := writeFile(filepath.Join(c.ConfigDir, "deploy."+c.destination+".yml"), c.Raw.Str("destination_config")); err != nil {
			return err
		}
	}
	switch fp := c.Raw.Value("files_present").(type) {
	case *config.OMap:
		for _, p := range fp.Pairs() {
			if err := writeFile(filepath.Join(c.Dir, p.Key), shell.ToS(p.Value)); err != nil {
				return err
			}
		}
	case []any:
		for _, f := range fp {
			if err := writeFile(filepath.Join(c.Dir, shell.ToS(f)), ""); err != nil {
				return err
			}
		}
	}
	for _, f := range toStrings(c.Raw.Value("files_absent")) {
		if err := os.RemoveAll(filepath.Join(c.Dir, f)); err != nil {
			return err
		}
	}
	return nil
}

func writeFile(path, content string) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	return os.WriteFile(path, []byte(content), 0o644)
}

func toStrings(v any) []string {
	switch x := v.(type) {
	case nil:
		return nil
	case []any:
		out := make([]string, len(x))
		for i, e := range x {
			out[i] = shell.ToS(e)
		}
		return out
	case *config.OMap:
		return x.Keys()
	}
	return []string{shell.ToS(v)}
}
