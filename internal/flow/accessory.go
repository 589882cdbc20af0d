package flow

import (
	"context"
	"fmt"
	"os"

	"github.com/mrsk-go/mrsk/internal/commands"
	"github.com/mrsk-go/mrsk/internal/config"
)

// AccessoryBootAll boots every accessory (setup's step; `accessory boot
// all` plugs in here).
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

// AccessoryBoot boots one accessory by name.
func (s *Session) AccessoryBoot(ctx context.Context, name string) error {
	return s.withLock(ctx, func(ctx context.Context) error {
		acc, err := s.Cfg.Accessory(name)
		if err != nil {
			return err
		}
		return s.accessoryBoot(ctx, acc, true)
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
		func(ctx context.Context, host string) error { // directories
			for _, d := range acc.Directories() {
				if err := s.run(ctx, host, a.MakeDirectory(d.Host)); err != nil {
					return err
				}
			}
			return nil
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
				if err := s.run(ctx, host, a.MakeDirectoryFor(f.Remote)); err != nil {
					return err
				}
				if err := s.Exec.Upload(ctx, host, content, f.Remote, 0o644); err != nil {
					return err
				}
				if err := s.run(ctx, host, a.ChmodUploaded(f.Remote)); err != nil {
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

func (s *Session) accessoryRemove(ctx context.Context, acc *config.Accessory) error {
	hosts, err := acc.Hosts()
	if err != nil {
		return err
	}
	a := commands.AccessoryFor(s.Cfg, acc)
	rounds := []struct {
		audit  string
		cmd    commands.Cmd
		ignore bool
	}{
		{fmt.Sprintf("Stopped %s accessory", acc.Name), a.Stop(), true},
		{fmt.Sprintf("Remove %s accessory container", acc.Name), a.RemoveContainer(), false},
		{fmt.Sprintf("Removed %s accessory image", acc.Name), a.RemoveImage(), false},
		{"", a.RemoveServiceDirectory(), false},
	}
	for _, r := range rounds {
		err := s.onHosts(ctx, hosts, func(ctx context.Context, host string) error {
			if r.audit != "" {
				if err := s.audit(ctx, host, r.audit); err != nil {
					return err
				}
			}
			err := s.run(ctx, host, r.cmd)
			if r.ignore {
				err = ignoreExit(err)
			}
			return err
		})
		if err != nil {
			return err
		}
	}
	return nil
}

// AccessoryDetailsAll prints every accessory's container per host.
func (s *Session) AccessoryDetailsAll(ctx context.Context) error {
	for _, acc := range s.Cfg.Accessories() {
		hosts, err := acc.Hosts()
		if err != nil {
			return err
		}
		info := commands.AccessoryFor(s.Cfg, acc).Info()
		var text hostsText
		err = s.onHosts(ctx, hosts, func(ctx context.Context, host string) error {
			out, err := s.capture(ctx, host, info)
			if err == nil {
				text.add(host, out)
			}
			return err
		})
		text.print(s.Out, "", hosts, false)
		if err != nil {
			return err
		}
	}
	return nil
}
