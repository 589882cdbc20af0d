package cli

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/joho/godotenv"
	"github.com/spf13/cobra"

	"github.com/mrsk-go/mrsk/internal/erb"
)

func envifyCommand(a *App) *cobra.Command {
	return leaf("envify", "Render .env.erb into .env (with -d NAME: .env.NAME.erb into .env.NAME)", noArgs(), func(*cobra.Command, []string) error {
		return runEnvify(a)
	})
}

// runEnvify renders .env.erb (or .env.<dest>.erb) into .env (.env.<dest>).
// No config is needed; the template sees the process environment plus the
// existing .env files, as MRSK loads them before any command runs.
func runEnvify(a *App) error {
	src, dst := ".env.erb", ".env"
	if d := a.Opts.Destination; d != "" {
		src, dst = ".env."+d+".erb", ".env."+d
	}
	tmpl, err := os.ReadFile(src)
	if errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("missing template %s: create it to generate %s", src, dst)
	}
	if err != nil {
		return fmt.Errorf("cannot read %s: %w", src, err)
	}
	env := dotenvLayered(a.Env, a.Opts.Destination)
	wd, _ := os.Getwd()
	out, err := erb.Render(src, tmpl, erb.Env{
		Lookup:  func(k string) (string, bool) { v, ok := env[k]; return v, ok },
		Environ: environ(env),
		Dir:     wd,
		Stderr:  a.stderr,
	})
	if err != nil {
		return err
	}
	// 0600 on creation: the rendered file holds secrets. An existing file
	// keeps its mode, as with MRSK.
	f, err := os.OpenFile(dst, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o600)
	if err != nil {
		return fmt.Errorf("cannot write %s: %w", dst, err)
	}
	if _, err := f.Write(out); err != nil {
		f.Close()
		return fmt.Errorf("cannot write %s: %w", dst, err)
	}
	return f.Close()
}

// dotenvLayered is base plus .env.<dest> then .env, never overriding a
// variable that is already set (dotenv semantics, cli.md §1.2).
func dotenvLayered(base map[string]string, dest string) map[string]string {
	env := make(map[string]string, len(base))
	for k, v := range base {
		env[k] = v
	}
	files := []string{".env"}
	if dest != "" {
		files = []string{".env." + dest, ".env"}
	}
	for _, f := range files {
		vals, err := godotenv.Read(filepath.Clean(f))
		if err != nil {
			continue // missing files are ignored, like dotenv
		}
		for k, v := range vals {
			if _, set := env[k]; !set {
				env[k] = v
			}
		}
	}
	return env
}

func environ(env map[string]string) []string {
	out := make([]string, 0, len(env))
	for k, v := range env {
		out = append(out, k+"="+v)
	}
	return out
}
