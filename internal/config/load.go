package config

import (
	"crypto/rand"
	"errors"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/mrsk-go/mrsk/internal/erb"
)

// DefaultConfigFile is the config path used when none is given.
const DefaultConfigFile = "config/deploy.yml"

// LoadOptions say where and how to load the configuration.
type LoadOptions struct {
	// Dir is the working directory (default: os.Getwd()). Relative paths
	// (config file, .env, hooks, accessory files) are resolved against it.
	Dir string
	// ConfigFile is the base config path (default "config/deploy.yml").
	ConfigFile string
	// Destination selects <config>.<destination>.yml and .env.<destination>.
	Destination string
	// Version is --version; it wins over VERSION and git when non-empty.
	Version string
	// Env is the environment the config sees. nil means the process
	// environment. Values from .env files are added to a copy of it, never
	// overriding what is already set.
	Env map[string]string
	// Git probes the repository for the version (default: runs git in Dir).
	Git Git
	// Rand supplies the random _uncommitted_ suffix (default crypto/rand).
	Rand io.Reader
	// Stderr receives template shell commands' stderr (default os.Stderr).
	Stderr io.Writer
}

// Load reads, renders, checks, merges and validates the configuration
// (config.md §2 and §5) and fixes the version (§3): a version that cannot
// be derived is not a load error, it is kept for VersionErr.
func Load(opts LoadOptions) (*Config, error) {
	dir := opts.Dir
	if dir == "" {
		wd, err := os.Getwd()
		if err != nil {
			return nil, &RuntimeError{Msg: "cannot determine the current directory: " + err.Error()}
		}
		dir = wd
	}
	dir, _ = filepath.Abs(dir)
	cfgFile := opts.ConfigFile
	if cfgFile == "" {
		cfgFile = DefaultConfigFile
	}
	c := &Config{
		dir:         dir,
		destination: opts.Destination,
		stderr:      opts.Stderr,
	}
	var err error
	c.env, c.dotenv, err = LoadDotenv(dir, opts.Destination, opts.Env)
	if err != nil {
		return nil, err
	}

	c.configPath = absPath(dir, cfgFile)
	doc, err := c.loadFile(c.configPath)
	if err != nil {
		var nf *NotFoundError
		if errors.As(err, &nf) {
			nf.Default = opts.ConfigFile == "" || filepath.Clean(opts.ConfigFile) == filepath.Clean(DefaultConfigFile)
		}
		return nil, err
	}
	if opts.Destination != "" {
		c.destinationPath = DestinationPath(c.configPath, opts.Destination)
		over, err := c.loadFile(c.destinationPath)
		if err != nil {
			var nf *NotFoundError
			if errors.As(err, &nf) {
				nf.Destination = opts.Destination
				nf.Base = c.relName(c.configPath)
				nf.Existing = destinations(c.configPath)
			}
			return nil, err
		}
		doc = deepMerge(doc, over)
	}
	c.raw = doc
	if err := c.init(); err != nil {
		return nil, err
	}
	git, rnd := opts.Git, opts.Rand
	if git == nil {
		git = ExecGit{}
	}
	if rnd == nil {
		rnd = rand.Reader
	}
	c.resolveVersion(opts.Version, git, rnd)
	return c, nil
}

// destinations are the names NAME of the files base.NAME.yml beside base.
func destinations(base string) []string {
	prefix := strings.TrimSuffix(filepath.Base(base), filepath.Ext(base)) + "."
	matches, _ := filepath.Glob(filepath.Join(filepath.Dir(base), prefix+"*.yml"))
	var out []string
	for _, m := range matches {
		name := strings.TrimSuffix(strings.TrimPrefix(filepath.Base(m), prefix), ".yml")
		if name != "" && !strings.Contains(name, ".") {
			out = append(out, name)
		}
	}
	return out
}

// DestinationPath is the destination file for base: its final extension
// replaced by .<dest>.yml (config/deploy.yml → config/deploy.staging.yml).
func DestinationPath(base, dest string) string {
	ext := filepath.Ext(base)
	return strings.TrimSuffix(base, ext) + "." + dest + ".yml"
}

func absPath(dir, p string) string {
	if filepath.IsAbs(p) {
		return filepath.Clean(p)
	}
	return filepath.Join(dir, p)
}

// loadFile renders one config file, parses it, checks it against the
// schema and returns its map. Unknown keys are added to c.warnings.
func (c *Config) loadFile(path string) (*OMap, error) {
	if st, err := os.Stat(path); err == nil && st.IsDir() {
		return nil, &IsDirError{Path: c.relName(path)}
	}
	src, err := os.ReadFile(path)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) || errors.Is(err, fs.ErrInvalid) {
			return nil, &NotFoundError{Path: path}
		}
		return nil, &RuntimeError{Msg: "cannot read " + path + ": " + err.Error()}
	}
	name := c.relName(path)
	rendered, err := erb.Render(name, src, c.ERBEnv())
	if err != nil {
		return nil, err
	}
	node, err := parseNode(name, rendered)
	if err != nil {
		return nil, err
	}
	v, err := convertDocument(name, node)
	if err != nil {
		return nil, err
	}
	m, ok := v.(*OMap)
	switch {
	case v == nil:
		return NewOMap(), nil
	case !ok:
		return nil, &YAMLError{File: name, Msg: "the configuration must be a YAML map of keys (service, image, servers, registry…)"}
	}
	schemaErr, warnings := checkSchema(name, node)
	if schemaErr != nil {
		return nil, schemaErr
	}
	c.warnings = append(c.warnings, warnings...)
	return m, nil
}

// relName is path relative to the working directory, for messages.
func (c *Config) relName(path string) string {
	if r, err := filepath.Rel(c.dir, path); err == nil && !strings.HasPrefix(r, "..") {
		return r
	}
	return path
}

// ERBEnv is the template environment for this config's files (also used
// for accessory *.erb files and envify).
func (c *Config) ERBEnv() erb.Env {
	return erb.Env{Lookup: c.Getenv, Environ: c.Environ(), Dir: c.dir, Stderr: c.stderr}
}
