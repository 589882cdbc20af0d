package cli

import (
	"errors"
	"fmt"
	"io/fs"
	"os"

	"github.com/spf13/cobra"

	"github.com/mrsk-go/mrsk/internal/config"
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
	wd, _ := os.Getwd()
	env, _, err := config.LoadDotenv(wd, a.Opts.Destination, a.Env)
	if err != nil {
		return err
	}
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

func environ(env map[string]string) []string {
	out := make([]string, 0, len(env))
	for k, v := range env {
		out = append(out, k+"="+v)
	}
	return out
}
