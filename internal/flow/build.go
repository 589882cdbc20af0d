package flow

import (
	"context"
	"errors"
	"strings"

	"github.com/mrsk-go/mrsk/internal/commands"
)

// BuildPush builds the image locally and pushes it (flows.md §12).
func (s *Session) BuildPush(ctx context.Context) error {
	return s.withLock(ctx, s.buildPush)
}

// BuildPull pulls the version onto the app hosts.
func (s *Session) BuildPull(ctx context.Context) error {
	return s.withLock(ctx, s.buildPull)
}

// BuildDeliver is push then pull.
func (s *Session) BuildDeliver(ctx context.Context) error {
	return s.withLock(ctx, s.buildDeliver)
}

func (s *Session) buildDeliver(ctx context.Context) error {
	if err := s.buildPush(ctx); err != nil {
		return err
	}
	return s.buildPull(ctx)
}

func (s *Session) buildPush(ctx context.Context) error {
	if _, err := s.version(); err != nil {
		return err
	}
	b := commands.NewBuilder(s.Cfg)
	if _, err := s.Exec.Local(ctx, b.EnsureLocalDependenciesInstalled().Command, false); err != nil {
		if !isExitFailure(err) {
			return err
		}
		var ce *CommandError
		errors.As(err, &ce)
		if ce.Status == 127 || strings.Contains(err.Error(), "not found") {
			return &BuildError{Msg: "Docker is not installed locally: install Docker (https://docs.docker.com/engine/install/) on this machine"}
		}
		return &BuildError{Msg: "Docker buildx plugin is not installed locally: install it (Debian: apt-get install docker-buildx) or set `builder: {multiarch: false}` in config/deploy.yml"}
	}
	if err := s.runHook(ctx, "pre-build"); err != nil {
		return err
	}
	if err := b.CheckDockerfile(s.FileExists); err != nil {
		return &BuildError{Msg: err.Error() + ": create it, or point `builder: {dockerfile: …}` in config/deploy.yml at yours"}
	}
	_, err := s.local(ctx, b.Push(), true)
	if err == nil {
		return nil
	}
	if !isExitFailure(err) || !missingBuilder(err) {
		return err
	}
	s.Out.Say("Missing compatible builder, so creating a new one first")
	ok, cerr := s.createBuilder(ctx, b)
	if cerr != nil {
		return cerr
	}
	if !ok {
		return err
	}
	_, err = s.local(ctx, b.Push(), true)
	return err
}

// missingBuilder is MRSK's test for a buildx builder that does not exist.
func missingBuilder(err error) bool {
	msg := strings.ToLower(err.Error())
	return strings.Contains(msg, "no builder") || strings.Contains(msg, "no such file or directory")
}

// createBuilder runs the builder's create command; a failing remote
// builder is reported and gives false.
func (s *Session) createBuilder(ctx context.Context, b commands.Builder) (bool, error) {
	create := b.Create()
	if create.Empty() {
		// The native builder needs no setup (0.13.2 crashes here).
		s.Out.Info("Builder %s needs no setup", b.Name())
		return true, nil
	}
	s.Out.Debug("Using builder: %s", b.Name())
	if _, err := s.Exec.Local(ctx, create.Command, false); err != nil {
		var ce *CommandError
		if errors.As(err, &ce) {
			s.Out.Say("Couldn't create remote builder: %s", orNothing(ce.Stderr))
			return false, nil
		}
		return false, err
	}
	return true, nil
}

func (s *Session) buildPull(ctx context.Context) error {
	version, err := s.version()
	if err != nil {
		return err
	}
	b := commands.NewBuilder(s.Cfg)
	return s.onHosts(ctx, s.Sel.Hosts(), func(ctx context.Context, host string) error {
		if err := s.audit(ctx, host, "Pulled image with version "+version); err != nil {
			return err
		}
		if err := ignoreExit(s.run(ctx, host, b.Clean())); err != nil {
			return err
		}
		return s.run(ctx, host, b.Pull())
	})
}

// BuildCreate sets up the builder (`mrsk build create`).
func (s *Session) BuildCreate(ctx context.Context) error {
	return s.withLock(ctx, func(ctx context.Context) error {
		_, err := s.createBuilder(ctx, commands.NewBuilder(s.Cfg))
		return err
	})
}

// BuildRemove removes the builder setup.
func (s *Session) BuildRemove(ctx context.Context) error {
	return s.withLock(ctx, func(ctx context.Context) error {
		rm := commands.NewBuilder(s.Cfg).Remove()
		if rm.Empty() {
			return nil
		}
		_, err := s.Exec.Local(ctx, rm.Command, false)
		return err
	})
}

// BuildDetails prints the builder kind and its docker contexts/builders.
func (s *Session) BuildDetails(ctx context.Context) error {
	b := commands.NewBuilder(s.Cfg)
	s.Out.Say("Builder: %s", b.Name())
	info := b.Info()
	if info.Empty() {
		return nil
	}
	out, err := s.Exec.Local(ctx, info.Command, false)
	if err != nil {
		return err
	}
	s.Out.Say("%s", out)
	return nil
}
