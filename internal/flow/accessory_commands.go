package flow

import (
	"context"
	"fmt"
	"os"
	"strings"

	"github.com/mrsk-go/mrsk/internal/commands"
	"github.com/mrsk-go/mrsk/internal/config"
)

// UnknownAccessoryError is an accessory name that is not configured. MRSK
// 0.13.2 meant to print this and crashed instead; we fail before taking
// the lock, so nothing runs on any host.
type UnknownAccessoryError struct {
	Name    string
	Options []string
}

func (e *UnknownAccessoryError) Error() string {
	if len(e.Options) == 0 {
		return fmt.Sprintf("No accessory by the name of '%s' (no accessories are configured under accessories: in the deploy config)", e.Name)
	}
	return fmt.Sprintf("No accessory by the name of '%s' (options: %s)", e.Name, englishList(e.Options))
}

// englishList is Rails' to_sentence: "a", "a and b", "a, b, and c".
func englishList(words []string) string {
	switch len(words) {
	case 0:
		return ""
	case 1:
		return words[0]
	case 2:
		return words[0] + " and " + words[1]
	}
	return strings.Join(words[:len(words)-1], ", ") + ", and " + words[len(words)-1]
}

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
// deploy lock.
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

// accessoryStep audits line (unless "") and runs c on the accessory hosts.
func (s *Session) accessoryStep(ctx context.Context, acc *config.Accessory, line string, c commands.Cmd, ignore bool) error {
	hosts, err := acc.Hosts()
	if err != nil {
		return err
	}
	return s.runOn(ctx, hosts, line, c, ignore)
}

func (s *Session) accessoryStop(ctx context.Context, acc *config.Accessory) error {
	return s.accessoryStep(ctx, acc, fmt.Sprintf("Stopped %s accessory", acc.Name), commands.AccessoryFor(s.Cfg, acc).Stop(), true)
}

func (s *Session) accessoryStart(ctx context.Context, acc *config.Accessory) error {
	return s.accessoryStep(ctx, acc, fmt.Sprintf("Started %s accessory", acc.Name), commands.AccessoryFor(s.Cfg, acc).Start(), false)
}

func (s *Session) accessoryRemoveContainer(ctx context.Context, acc *config.Accessory) error {
	return s.accessoryStep(ctx, acc, fmt.Sprintf("Remove %s accessory container", acc.Name), commands.AccessoryFor(s.Cfg, acc).RemoveContainer(), false)
}

func (s *Session) accessoryRemoveImage(ctx context.Context, acc *config.Accessory) error {
	return s.accessoryStep(ctx, acc, fmt.Sprintf("Removed %s accessory image", acc.Name), commands.AccessoryFor(s.Cfg, acc).RemoveImage(), false)
}

func (s *Session) accessoryRemoveServiceDirectory(ctx context.Context, acc *config.Accessory) error {
	return s.accessoryStep(ctx, acc, "", commands.AccessoryFor(s.Cfg, acc).RemoveServiceDirectory(), false)
}

// accessoryRemoveEnvFile deletes the accessory's secret env file; failure
// is ignored (rm -f already succeeds when there is none).
func (s *Session) accessoryRemoveEnvFile(ctx context.Context, acc *config.Accessory) error {
	return s.accessoryStep(ctx, acc, "", commands.AccessoryFor(s.Cfg, acc).RemoveEnvFile(), true)
}

// AccessoryBootNamed boots NAME or all accessories.
func (s *Session) AccessoryBootNamed(ctx context.Context, name string) error {
	return s.eachAccessory(ctx, name, true, func(ctx context.Context, acc *config.Accessory) error {
		return s.accessoryBoot(ctx, acc, true)
	})
}

// AccessoryUpload uploads the accessory's files (hidden `upload`).
func (s *Session) AccessoryUpload(ctx context.Context, name string) error {
	return s.eachAccessory(ctx, name, false, s.accessoryUpload)
}

func (s *Session) accessoryUpload(ctx context.Context, acc *config.Accessory) error {
	hosts, err := acc.Hosts()
	if err != nil {
		return err
	}
	files, err := acc.Files()
	if err != nil {
		return err
	}
	a := commands.AccessoryFor(s.Cfg, acc)
	contents := make([][]byte, len(files))
	for i, f := range files {
		if f.Template {
			contents[i] = []byte(f.Content)
			continue
		}
		b, err := os.ReadFile(f.Local)
		if err != nil {
			return fmt.Errorf("Missing file: %s (listed in accessories.%s.files of the deploy config; create it or fix the path): %w", f.Local, acc.Name, err)
		}
		contents[i] = b
	}
	return s.onHosts(ctx, hosts, func(ctx context.Context, host string) error {
		for i, f := range files {
			if err := s.uploadAccessoryFile(ctx, host, a, contents[i], f.Remote); err != nil {
				return err
			}
		}
		return nil
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

// AccessoryReboot replaces the accessory container: stop, remove, boot.
func (s *Session) AccessoryReboot(ctx context.Context, name string) error {
	return s.eachAccessory(ctx, name, false, func(ctx context.Context, acc *config.Accessory) error {
		if err := s.accessoryStop(ctx, acc); err != nil {
			return err
		}
		if err := s.accessoryRemoveContainer(ctx, acc); err != nil {
			return err
		}
		return s.accessoryBoot(ctx, acc, true)
	})
}

// AccessoryStart starts the stopped accessory container.
func (s *Session) AccessoryStart(ctx context.Context, name string) error {
	return s.eachAccessory(ctx, name, false, s.accessoryStart)
}

// AccessoryStop stops the accessory container.
func (s *Session) AccessoryStop(ctx context.Context, name string) error {
	return s.eachAccessory(ctx, name, false, s.accessoryStop)
}

// AccessoryRestart stops, then starts the accessory container.
func (s *Session) AccessoryRestart(ctx context.Context, name string) error {
	return s.eachAccessory(ctx, name, false, func(ctx context.Context, acc *config.Accessory) error {
		if err := s.accessoryStop(ctx, acc); err != nil {
			return err
		}
		return s.accessoryStart(ctx, acc)
	})
}

// AccessoryDetails prints the container of NAME (or all accessories).
func (s *Session) AccessoryDetails(ctx context.Context, name string) error {
	if name == "all" {
		return s.AccessoryDetailsAll(ctx)
	}
	accs, err := s.accessoriesNamed(name, false)
	if err != nil {
		return err
	}
	return s.accessoryShow(ctx, accs[0], commands.AccessoryFor(s.Cfg, accs[0]).Info())
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
		c, err := a.FollowLogs(commands.SSHTarget{}, o.Grep)
		if err != nil {
			return err
		}
		s.Out.Info("Following logs on %v...", hosts)
		return s.attach(ctx, hosts[0], remoteOf(c))
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
	line := execAuditLine(cmd, fmt.Sprintf("Executed cmd '%s' on %s accessory", cmd, acc.Name))
	return s.showOn(ctx, hosts, "", line, c)
}

// AccessoryRemove asks (unless confirmed), then removes the container,
// image and service directory of NAME or of every accessory.
func (s *Session) AccessoryRemove(ctx context.Context, name string, confirmed bool) error {
	return s.eachAccessory(ctx, name, true, func(ctx context.Context, acc *config.Accessory) error {
		if !confirmed && !s.Confirm(fmt.Sprintf("This will remove all containers, images and data directories for %s. Are you sure?", acc.Name)) {
			return nil
		}
		return s.accessoryRemove(ctx, acc)
	})
}

// AccessoryRemoveContainer removes the stopped accessory container.
func (s *Session) AccessoryRemoveContainer(ctx context.Context, name string) error {
	return s.eachAccessory(ctx, name, false, s.accessoryRemoveContainer)
}

// AccessoryRemoveImage removes the accessory image.
func (s *Session) AccessoryRemoveImage(ctx context.Context, name string) error {
	return s.eachAccessory(ctx, name, false, s.accessoryRemoveImage)
}

// AccessoryRemoveServiceDirectory deletes the accessory's directory of
// uploaded files and data.
func (s *Session) AccessoryRemoveServiceDirectory(ctx context.Context, name string) error {
	return s.eachAccessory(ctx, name, false, s.accessoryRemoveServiceDirectory)
}
