package config

import (
	"crypto/rand"
	"errors"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"

	"github.com/joho/godotenv"

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

// Load reads, renders, merges and validates the configuration
// (config.md §2 and §5). The version is derived lazily (see Version).
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
		versionArg:  opts.Version,
		git:         opts.Git,
		rand:        opts.Rand,
		stderr:      opts.Stderr,
	}
	if c.git == nil {
		c.git = ExecGit{}
	}
	if c.rand == nil {
		c.rand = rand.Reader
	}
	c.env, c.dotenv = loadEnv(dir, opts.Destination, opts.Env)

	c.configPath = absPath(dir, cfgFile)
	doc, err := c.loadFile(c.configPath)
	if err != nil {
		return nil, err
	}
	if opts.Destination != "" {
		c.destinationPath = DestinationPath(c.configPath, opts.Destination)
		over, err := c.loadFile(c.destinationPath)
		if err != nil {
			return nil, err
		}
		doc = deepMerge(doc, over)
	}
	c.raw = doc
	if err := c.init(); err != nil {
		return nil, err
	}
	return c, nil
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

// loadEnv builds the config's environment: base (or the process env) plus
// .env.<dest> then .env, where nothing already set is overridden.
func loadEnv(dir, dest string, base map[string]string) (env, added map[string]string) {
	env = map[string]string{}
	if base == nil {
		for _, kv := range os.Environ() {
			if k, v, ok := strings.Cut(kv, "="); ok {
				env[k] = v
			}
		}
	} else {
		for k, v := range base {
			env[k] = v
		}
	}
	added = map[string]string{}
	files := []string{".env"}
	if dest != "" {
		files = []string{".env." + dest, ".env"}
	}
	for _, f := range files {
		vals, err := readDotenv(filepath.Join(dir, f), env)
		if err != nil {
			continue // missing or unreadable files are ignored, like dotenv
		}
		for k, v := range vals {
			if _, set := env[k]; !set {
				env[k] = v
				added[k] = v
			}
		}
	}
	return env, added
}

// readDotenv parses one dotenv file with godotenv. godotenv expands ${VAR}
// only from variables of the same file; dotenv (Ruby) also falls back to
// the environment, so referenced environment variables are fed in as
// leading single-quoted (literal) lines and dropped again from the result
// unless the file defines them itself.
func readDotenv(path string, env map[string]string) (map[string]string, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	own, err := godotenv.UnmarshalBytes(data)
	if err != nil {
		return nil, err
	}
	var prelude strings.Builder
	for _, m := range dotenvRefRe.FindAllStringSubmatch(string(data), -1) {
		name := m[1]
		if v, ok := env[name]; ok && !strings.ContainsAny(v, "'\n") {
			prelude.WriteString(name + "='" + v + "'\n")
		}
	}
	if prelude.Len() == 0 {
		return own, nil
	}
	all, err := godotenv.UnmarshalBytes(append([]byte(prelude.String()), data...))
	if err != nil {
		return own, nil
	}
	for k := range all {
		if _, defined := own[k]; !defined {
			delete(all, k)
		}
	}
	return all, nil
}

var dotenvRefRe = regexp.MustCompile(`\$\{?([A-Za-z0-9_]+)`)

// loadFile renders one config file and parses it into a map.
func (c *Config) loadFile(path string) (*OMap, error) {
	src, err := os.ReadFile(path)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) || errors.Is(err, fs.ErrInvalid) {
			return nil, &NotFoundError{Path: path}
		}
		var pe *fs.PathError
		if errors.As(err, &pe) && strings.Contains(pe.Err.Error(), "is a directory") {
			return nil, &NotFoundError{Path: path}
		}
		return nil, &RuntimeError{Msg: "cannot read " + path + ": " + err.Error()}
	}
	rendered, err := erb.Render(c.relName(path), src, c.ERBEnv())
	if err != nil {
		return nil, err
	}
	v, err := ParseYAML(c.relName(path), rendered)
	if err != nil {
		return nil, err
	}
	switch m := v.(type) {
	case nil:
		return NewOMap(), nil
	case *OMap:
		return m, nil
	}
	return nil, &YAMLError{File: c.relName(path), Msg: "the configuration must be a YAML map of keys (service, image, servers, registry…)"}
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
