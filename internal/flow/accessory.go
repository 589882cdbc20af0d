package flow

import (
	"context"
	"fmt"
	"os"

	"github.com/mrsk-go/mrsk/internal/commands"
	"github.com/mrsk-go/mrsk/internal/config"
)

// AccessoryBootAll boots every accessory (setup's step).
func (s *Session) AccessoryBootAll(ctx context.Context) error {
	return s.withLock(ctx, func(ctx context.Context) error {
		for _, acc := range s.Cfg.Accessories() {
			if err := s.accessoryBoot(ctx, acc, true); err != nil {
				return err
			}
		}
		return nil
	})
}

// accessoryBoot creates the directories, uploads the files, logs in and
// runs the container on the accessory's hosts.
func (s *Session) accessoryBoot(ctx context.Context, acc *config.Accessory, login bool) error {
	hosts, err := acc.Hosts()
	if err != nil {
		return err
	}
	a := commands.AccessoryFor(s.Cfg, acc)
	files, err := acc.Files()
	if err != nil {
		return err
	}
	run, err := a.Run()
	if err != nil {
		return err
	}
	var loginCmd commands.Cmd
	if login {
		if loginCmd, err = commands.NewRegistry(s.Cfg).Login(); err != nil {
			return err
		}
	}
	steps := []func(ctx context.Context, host string) error{
		func(ctx context.Context, host string) error {
			return s.makeAccessoryDirectories(ctx, host, acc, a)
		},
		func(ctx context.Context, host string) error { // uploads
			for _, f := range files {
				content := f.Content
				if !f.Template {
					b, err := os.ReadFile(f.Local)
					if err != nil {
						return fmt.Errorf("accessory `%s` file %s cannot be read: %w", acc.Name, f.Local, err)
					}
					content = b
				}
				if err := s.uploadAccessoryFile(ctx, host, a, content, f.Remote); err != nil {
					return err
				}
			}
			return nil
		},
		func(ctx context.Context, host string) error {
			if login {
				if err := s.run(ctx, host, loginCmd); err != nil {
					return err
				}
			}
			if err := s.audit(ctx, host, fmt.Sprintf("Booted %s accessory", acc.Name)); err != nil {
				return err
			}
			return s.run(ctx, host, run)
		},
	}
	for _, step := range steps {
		if err := s.onHosts(ctx, hosts, step); err != nil {
			return err
		}
	}
	return nil
}

// makeAccessoryDirectories creates the accessory's host directories on host.
func (s *Session) makeAccessoryDirectories(ctx context.Context, host string, acc *config.Accessory, a commands.Accessory) error {
	for _, d := range acc.Directories() {
		if err := s.run(ctx, host, a.MakeDirectory(d.Host)); err != nil {
			return err
		}
	}
	return nil
}

// uploadAccessoryFile puts content at remote on host, in a directory made
// for it, readable by the accessory's container.
func (s *Session) uploadAccessoryFile(ctx context.Context, host string, a commands.Accessory, content []byte, remote string) error {
	if err := s.run(ctx, host, a.MakeDirectoryFor(remote)); err != nil {
		return err
	}
	if err := s.Exec.Upload(ctx, host, content, remote, 0o644); err != nil {
		return err
	}
	return s.run(ctx, host, a.ChmodUploaded(remote))
}

// AccessoryRemoveAll stops and deletes every accessory with its image
// and data directory (no confirmation: the caller asked already).
func (s *Session) AccessoryRemoveAll(ctx context.Context) error {
	return s.withLock(ctx, func(ctx context.Context) error {
		for _, acc := range s.Cfg.Accessories() {
			if err := s.accessoryRemove(ctx, acc); err != nil {
				return err
			}
		}
		return nil
	})
}

// accessoryRemove stops and deletes the accessory's container, image and
// service directory, one round over its hosts per step, then its secret
// env file (mrsk's, not MRSK's).
func (s *Session) accessoryRemove(ctx context.Context, acc *config.Accessory) error {
	for _, step := range []func(context.Context, *config.Accessory) error{
		s.accessoryStop, s.accessoryRemoveContainer, s.accessoryRemoveImage, s.accessoryRemoveServiceDirectory, s.accessoryRemoveEnvFile,
	} {
		if err := step(ctx, acc); err != nil {
			return err
		}
	}
	return nil
}

// AccessoryDetailsAll prints every accessory's container per host.
func (s *Session) AccessoryDetailsAll(ctx context.Context) error {
	for _, acc := range s.Cfg.Accessories() {
		if err := s.accessoryShow(ctx, acc, commands.AccessoryFor(s.Cfg, acc).Info()); err != nil {
			return err
		}
	}
	return nil
}
