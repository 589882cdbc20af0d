package cli

import (
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/spf13/cobra"
)

//go:embed templates/deploy.yml templates/env templates/hooks/*.sample
var templates embed.FS

// Paths `mrsk init` writes. They are fixed relative to the current directory
// and deliberately ignore -c, as MRSK does.
const (
	initConfigPath = "config/deploy.yml"
	initEnvPath    = ".env"
	initHooksDir   = ".mrsk/hooks"
	initBinstub    = "bin/mrsk"
)

func initCommand(a *App) *cobra.Command {
	var bundle bool
	c := leaf("init", "Write a starting config/deploy.yml, .env and sample hooks", noArgs(), func(*cobra.Command, []string) error {
		return runInit(a, bundle)
	})
	c.Flags().BoolVar(&bundle, "bundle", false, "Accepted for compatibility with the Ruby gem; the mrsk binary needs no Gemfile entry or binstub")
	return c
}

// runInit creates whatever of config, .env and sample hooks is missing.
// Existing files are never touched; that is reported, not an error.
func runInit(a *App, bundle bool) error {
	p := a.Out
	if exists(initConfigPath) {
		p.Say("Config file already exists in %s (remove first to create a new one)", initConfigPath)
	} else {
		if err := copyTemplate("templates/deploy.yml", initConfigPath, 0o644); err != nil {
			return err
		}
		p.Say("Created configuration file in %s", initConfigPath)
	}

	if !exists(initEnvPath) {
		// .env holds secrets: keep it private to the user.
		if err := copyTemplate("templates/env", initEnvPath, 0o600); err != nil {
			return err
		}
		p.Say("Created .env file")
	}

	if !exists(initHooksDir) {
		samples, err := fs.Glob(templates, "templates/hooks/*.sample")
		if err != nil {
			return err
		}
		for _, s := range samples {
			if err := copyTemplate(s, filepath.Join(initHooksDir, filepath.Base(s)), 0o755); err != nil {
				return err
			}
		}
		p.Say("Created sample hooks in %s", initHooksDir)
	}

	if bundle {
		if exists(initBinstub) {
			p.Say("Binstub already exists in %s (remove first to create a new one)", initBinstub)
		} else {
			p.Say("Nothing to bundle: mrsk is a single binary, so no Gemfile entry or binstub is needed")
		}
	}
	return nil
}

func exists(path string) bool {
	_, err := os.Lstat(path)
	return err == nil || !errors.Is(err, fs.ErrNotExist)
}

// copyTemplate writes an embedded template to dst, creating parent
// directories. O_EXCL makes a file that appeared meanwhile an error rather
// than something silently overwritten.
func copyTemplate(src, dst string, mode os.FileMode) error {
	data, err := templates.ReadFile(src)
	if err != nil {
		return err
	}
	if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
		return fmt.Errorf("cannot create %s: %w", filepath.Dir(dst), err)
	}
	f, err := os.OpenFile(dst, os.O_WRONLY|os.O_CREATE|os.O_EXCL, mode)
	if err != nil {
		return fmt.Errorf("cannot create %s: %w", dst, err)
	}
	if _, err := f.Write(data); err != nil {
		f.Close()
		return fmt.Errorf("cannot write %s: %w", dst, err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("cannot write %s: %w", dst, err)
	}
	// The umask may have narrowed the mode; hooks must stay executable.
	return os.Chmod(dst, mode)
}
