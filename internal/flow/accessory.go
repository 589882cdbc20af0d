package flow

import (
	"context"
	"fmt"

	"github.com/mrsk-go/mrsk/internal/commands"
	"github.com/mrsk-go/mrsk/internal/config"
)

// The `accessory` commands: the services next to the app.

// accessoriesNamed resolves NAME, or with allowAll the word "all" to every
// accessory in config order.
func (s *Session) accessoriesNamed(name string, allowAll bool) ([]*config.Accessory, error) {
	if allowAll && name == "all" {
		return s.Cfg.Accessories(), nil
	}
	for _, acc := range s.Cfg.Accessories() {
		if acc.Name == name {
			return []*config.Accessory{acc}, nil
		}
	}
	return nil, &UnknownAccessoryError{Name: name, Options: s.Cfg.AccessoryNames()}
}

// eachAccessory resolves name and runs fn for each accessory inside the
// deploy lock. An unknown name fails before the lock is taken.
func (s *Session) eachAccessory(ctx context.Context, name string, allowAll bool, fn func(ctx context.Context, acc *config.Accessory) error) error {
	accs, err := s.accessoriesNamed(name, allowAll)
	if err != nil {
		return err
	}
	return s.withLock(ctx, func(ctx context.Context) error {
		for _, acc := range accs {
			if err := fn(ctx, acc); err != nil {
				return err
			}
		}
		return nil
	})
}

// accessoryOn audits line (unless "") and runs c on the accessory's hosts.
func (s *Session) accessoryOn(acc *config.Accessory, line string, c commands.Cmd, ignore bool) func(context.Context) error {
	return func(ctx context.Context) error {
		hosts, err := acc.Hosts()
		if err != nil {
			return err
		}
		return s.runOn(ctx, hosts, line, c, ignore)
	}
}

// AccessoryBootNamed boots NAME or all accessories.
func (s *Session) AccessoryBootNamed(ctx context.Context, name string) error {
	return s.eachAccessory(ctx, name, true, s.accessoryBoot)
}

// accessoryBootAll boots every accessory (setup's step).
func (s *Session) accessoryBootAll(ctx context.Context) error {
	for _, acc := range s.Cfg.Accessories() {
		if err := s.accessoryBoot(ctx, acc); err != nil {
			return err
		}
	}
	return nil
}

// accessoryBoot creates the directories, uploads the files, logs in and
// runs the container on the accessory's hosts, one round over them per
// step. The files are read before any host is touched.
func (s *Session) accessoryBoot(ctx context.Context, acc *config.Accessory) error {
	a := commands.AccessoryFor(s.Cfg, acc)
	run, err := a.Run()
	if err != nil {
		return err
	}
	login, err := s.loginCmd()
	if err != nil {
		return err
	}
	files, err := s.accessoryFiles(acc)
	if err != nil {
		return err
	}
	hosts, err := acc.Hosts()
	if err != nil {
		return err
	}
	return s.runSteps(ctx, []Step{{Name: "Boot accessory " + acc.Name, Where: "accessory hosts", Run: s.steps(
		Step{Name: "Make the directories of " + acc.Name, Where: "accessory hosts", Quiet: true, Run: func(ctx context.Context) error {
			return s.onHosts(ctx, hosts, func(ctx context.Context, host string) error { return s.makeAccessoryDirectories(ctx, host, acc, a) })
		}},
		Step{Name: "Upload the files of " + acc.Name, Where: "accessory hosts", Quiet: true, Run: func(ctx context.Context) error {
			return s.onHosts(ctx, hosts, func(ctx context.Context, host string) error { return s.uploadAccessoryFiles(ctx, host, a, files) })
		}},
		Step{Name: "Run " + acc.Name, Where: "accessory hosts", Quiet: true, Run: func(ctx context.Context) error {
			return s.onHosts(ctx, hosts, func(ctx context.Context, host string) error {
				if err := s.run(ctx, host, login); err != nil {
					return err
				}
				if err := s.audit(ctx, host, fmt.Sprintf("Booted %s accessory", acc.Name)); err != nil {
					return err
				}
				return s.run(ctx, host, run)
			})
		}},
	)}})
}

// accessoryFile is one file to upload: its content and where it goes.
type accessoryFile struct {
	content []byte
	remote  string
}

// accessoryFiles reads the accessory's files (templates are rendered
// already).
func (s *Session) accessoryFiles(acc *config.Accessory) ([]accessoryFile, error) {
	files, err := acc.Files()
	if err != nil {
		return nil, err
	}
	out := make([]accessoryFile, len(files))
	for i, f := range files {
		out[i] = accessoryFile{content: []byte(f.Content), remote: f.Remote}
		if f.Template {
			continue
		}
		if out[i].content, err = s.ReadFile(f.Local); err != nil {
			return nil, fmt.Errorf("Missing file: %s (listed in accessories.%s.files of the deploy config; create it or fix the path): %w", f.Local, acc.Name, err)
		}
	}
	return out, nil
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

// uploadAccessoryFiles puts each file in place on host, in a directory made
// for it, readable by the accessory's container.
func (s *Session) uploadAccessoryFiles(ctx context.Context, host string, a commands.Accessory, files []accessoryFile) error {
	for _, f := range files {
		if err := s.run(ctx, host, a.MakeDirectoryFor(f.remote)); err != nil {
			return err
		}
		if err := s.upload(ctx, host, f.content, f.remote, 0o644); err != nil {
			return err
		}
		if err := s.run(ctx, host, a.ChmodUploaded(f.remote)); err != nil {
			return err
		}
	}
	return nil
}

// AccessoryUpload uploads the accessory's files (hidden `upload`).
func (s *Session) AccessoryUpload(ctx context.Context, name string) error {
	return s.eachAccessory(ctx, name, false, func(ctx context.Context, acc *config.Accessory) error {
		files, err := s.accessoryFiles(acc)
		if err != nil {
			return err
		}
		hosts, err := acc.Hosts()
		if err != nil {
			return err
		}
		a := commands.AccessoryFor(s.Cfg, acc)
		return s.onHosts(ctx, hosts, func(ctx context.Context, host string) error { return s.uploadAccessoryFiles(ctx, host, a, files) })
	})
}

// AccessoryDirectories creates the accessory's host directories (hidden
// `directories`).
func (s *Session) AccessoryDirectories(ctx context.Context, name string) error {
	return s.eachAccessory(ctx, name, false, func(ctx context.Context, acc *config.Accessory) error {
		hosts, err := acc.Hosts()
		if err != nil {
			return err
		}
		a := commands.AccessoryFor(s.Cfg, acc)
		return s.onHosts(ctx, hosts, func(ctx context.Context, host string) error {
			return s.makeAccessoryDirectories(ctx, host, acc, a)
		})
	})
}

func (s *Session) accessoryStop(acc *config.Accessory) func(context.Context) error {
	return s.accessoryOn(acc, fmt.Sprintf("Stopped %s accessory", acc.Name), commands.AccessoryFor(s.Cfg, acc).Stop(), true)
}

func (s *Session) accessoryStart(acc *config.Accessory) func(context.Context) error {
	return s.accessoryOn(acc, fmt.Sprintf("Started %s accessory", acc.Name), commands.AccessoryFor(s.Cfg, acc).Start(), false)
}

func (s *Session) accessoryRemoveContainer(acc *config.Accessory) func(context.Context) error {
	return s.accessoryOn(acc, fmt.Sprintf("Remove %s accessory container", acc.Name), commands.AccessoryFor(s.Cfg, acc).RemoveContainer(), false)
}

// AccessoryReboot replaces the accessory container: stop, remove, boot.
func (s *Session) AccessoryReboot(ctx context.Context, name string) error {
	return s.eachAccessory(ctx, name, false, func(ctx context.Context, acc *config.Accessory) error {
		return s.runSteps(ctx, []Step{
			{Name: "Stop accessory " + acc.Name, Where: "accessory hosts", Quiet: true, Run: s.accessoryStop(acc)},
			{Name: "Remove the container of " + acc.Name, Where: "accessory hosts", Quiet: true, Run: s.accessoryRemoveContainer(acc)},
			{Name: "Boot " + acc.Name, Where: "accessory hosts", Quiet: true, Run: func(ctx context.Context) error { return s.accessoryBoot(ctx, acc) }},
		})
	})
}

// AccessoryStart starts the stopped accessory container.
func (s *Session) AccessoryStart(ctx context.Context, name string) error {
	return s.eachAccessory(ctx, name, false, func(ctx context.Context, acc *config.Accessory) error { return s.accessoryStart(acc)(ctx) })
}

// AccessoryStop stops the accessory container.
func (s *Session) AccessoryStop(ctx context.Context, name string) error {
	return s.eachAccessory(ctx, name, false, func(ctx context.Context, acc *config.Accessory) error { return s.accessoryStop(acc)(ctx) })
}

// AccessoryRestart stops, then starts the accessory container.
func (s *Session) AccessoryRestart(ctx context.Context, name string) error {
	return s.eachAccessory(ctx, name, false, func(ctx context.Context, acc *config.Accessory) error {
		return s.runSteps(ctx, []Step{
			{Name: "Stop accessory " + acc.Name, Where: "accessory hosts", Quiet: true, Run: s.accessoryStop(acc)},
			{Name: "Start accessory " + acc.Name, Where: "accessory hosts", Quiet: true, Run: s.accessoryStart(acc)},
		})
	})
}

// AccessoryRemove asks (unless confirmed), then removes the container,
// image and service directory of NAME or of every accessory.
func (s *Session) AccessoryRemove(ctx context.Context, name string, confirmed bool) error {
	return s.eachAccessory(ctx, name, true, func(ctx context.Context, acc *config.Accessory) error {
		if !confirmed && !s.DryRun && !s.Confirm(fmt.Sprintf("This will remove all containers, images and data directories for %s. Are you sure?", acc.Name)) {
			return nil
		}
		return s.accessoryRemove(ctx, acc)
	})
}

// accessoryRemoveAll stops and deletes every accessory (no confirmation:
// the caller asked already).
func (s *Session) accessoryRemoveAll(ctx context.Context) error {
	for _, acc := range s.Cfg.Accessories() {
		if err := s.accessoryRemove(ctx, acc); err != nil {
			return err
		}
	}
	return nil
}

// accessoryRemove stops and deletes the accessory's container, image and
// service directory, one round over its hosts per step, then its secret
// env file (mrsk's, not MRSK's; rm -f, failure ignored).
func (s *Session) accessoryRemove(ctx context.Context, acc *config.Accessory) error {
	a := commands.AccessoryFor(s.Cfg, acc)
	return s.runSteps(ctx, []Step{
		{Name: "Stop accessory " + acc.Name, Where: "accessory hosts", Quiet: true, Run: s.accessoryStop(acc)},
		{Name: "Remove the container of " + acc.Name, Where: "accessory hosts", Quiet: true, Run: s.accessoryRemoveContainer(acc)},
		{Name: "Remove the image of " + acc.Name, Where: "accessory hosts", Quiet: true,
			Run: s.accessoryOn(acc, fmt.Sprintf("Removed %s accessory image", acc.Name), a.RemoveImage(), false)},
		{Name: "Remove the directory of " + acc.Name, Where: "accessory hosts", Quiet: true,
			Run: s.accessoryOn(acc, "", a.RemoveServiceDirectory(), false)},
		{Name: "Remove the env file of " + acc.Name, Where: "accessory hosts", Quiet: true,
			Run: s.accessoryOn(acc, "", a.RemoveEnvFile(), true)},
	})
}

// AccessoryRemoveContainer removes the stopped accessory container.
func (s *Session) AccessoryRemoveContainer(ctx context.Context, name string) error {
	return s.eachAccessory(ctx, name, false, func(ctx context.Context, acc *config.Accessory) error {
		return s.accessoryRemoveContainer(acc)(ctx)
	})
}

// AccessoryRemoveImage removes the accessory image.
func (s *Session) AccessoryRemoveImage(ctx context.Context, name string) error {
	return s.eachAccessory(ctx, name, false, func(ctx context.Context, acc *config.Accessory) error {
		return s.accessoryOn(acc, fmt.Sprintf("Removed %s accessory image", acc.Name), commands.AccessoryFor(s.Cfg, acc).RemoveImage(), false)(ctx)
	})
}

// AccessoryRemoveServiceDirectory deletes the accessory's directory of
// uploaded files and data.
func (s *Session) AccessoryRemoveServiceDirectory(ctx context.Context, name string) error {
	return s.eachAccessory(ctx, name, false, func(ctx context.Context, acc *config.Accessory) error {
		return s.accessoryOn(acc, "", commands.AccessoryFor(s.Cfg, acc).RemoveServiceDirectory(), false)(ctx)
	})
}

// AccessoryDetails prints the container of NAME (or all accessories).
func (s *Session) AccessoryDetails(ctx context.Context, name string) error {
	accs, err := s.accessoriesNamed(name, true)
	if err != nil {
		return err
	}
	for _, acc := range accs {
		if err := s.accessoryShow(ctx, acc, commands.AccessoryFor(s.Cfg, acc).Info()); err != nil {
			return err
		}
	}
	return nil
}

// accessoryShow captures c on the accessory hosts and prints the output
// per host ("Host:" heading: accessories may run on several hosts).
func (s *Session) accessoryShow(ctx context.Context, acc *config.Accessory, c commands.Cmd) error {
	hosts, err := acc.Hosts()
	if err != nil {
		return err
	}
	return s.showOn(ctx, hosts, "", "", c)
}

// AccessoryLogs prints the accessory's logs per host, or follows them on
// its first host.
func (s *Session) AccessoryLogs(ctx context.Context, name string, o LogsOptions) error {
	accs, err := s.accessoriesNamed(name, false)
	if err != nil {
		return err
	}
	acc := accs[0]
	a := commands.AccessoryFor(s.Cfg, acc)
	if o.Follow {
		hosts, err := acc.Hosts()
		if err != nil {
			return err
		}
		if len(hosts) == 0 {
			return fmt.Errorf("accessory `%s` has no hosts: set host, hosts or roles under accessories.%s", acc.Name, acc.Name)
		}
		s.Out.Info("Following logs on %s...", hosts[0])
		return s.attach(ctx, hosts[0], a.FollowLogsOnHost(o.Grep))
	}
	return s.accessoryShow(ctx, acc, a.Logs(o.Since, o.lines(), o.Grep))
}

// AccessoryExec runs cmd in a new accessory container (or the running one
// with Reuse) on every accessory host, or interactively on the first.
func (s *Session) AccessoryExec(ctx context.Context, name, cmd string, o ExecOptions) error {
	accs, err := s.accessoriesNamed(name, false)
	if err != nil {
		return err
	}
	acc := accs[0]
	a := commands.AccessoryFor(s.Cfg, acc)
	hosts, err := acc.Hosts()
	if err != nil {
		return err
	}
	if len(hosts) == 0 {
		return fmt.Errorf("accessory `%s` has no hosts: set host, hosts or roles under accessories.%s", acc.Name, acc.Name)
	}
	argv := []string{cmd}
	var c commands.Cmd
	switch {
	case o.Interactive && o.Reuse:
		s.Out.Say("Launching interactive command via SSH from existing container...")
		return s.attach(ctx, hosts[0], a.ExecuteInExistingContainer(argv, true))
	case o.Interactive:
		s.Out.Say("Launching interactive command via SSH from new container...")
		if c, err = a.ExecuteInNewContainer(argv, true); err != nil {
			return err
		}
		return s.attach(ctx, hosts[0], c)
	case o.Reuse:
		s.Out.Say("Launching command from existing container...")
		c = a.ExecuteInExistingContainer(argv, false)
	default:
		s.Out.Say("Launching command from new container...")
		if c, err = a.ExecuteInNewContainer(argv, false); err != nil {
			return err
		}
	}
	line := fmt.Sprintf("Executed cmd '%s' on %s accessory", cmd, acc.Name)
	return s.showOn(ctx, hosts, "", line, c)
}
