package flow

import (
	"context"
	"errors"
	"strings"

	"github.com/mrsk-go/mrsk/internal/cmdline"
	"github.com/mrsk-go/mrsk/internal/commands"
)

// Building the image, moving it through the registry, and the registry
// session (flows.md §12).

// BuildPush builds the image locally and pushes it.
func (s *Session) BuildPush(ctx context.Context) error {
	return s.withLock(ctx, s.buildPush)
}

// BuildPull pulls the version onto the app hosts (no login, as MRSK's).
func (s *Session) BuildPull(ctx context.Context) error {
	return s.withLock(ctx, s.pullWith(false))
}

// BuildDeliver is push then pull (no login on the hosts, as MRSK's).
func (s *Session) BuildDeliver(ctx context.Context) error {
	return s.withLock(ctx, s.deliverWith(false))
}

// deliverWith is push then pull; login: see pullWith.
func (s *Session) deliverWith(login bool) func(context.Context) error {
	return func(ctx context.Context) error {
		if err := s.buildPush(ctx); err != nil {
			return err
		}
		return s.pullWith(login)(ctx)
	}
}

// buildPush checks the local tools, runs the pre-build hook, sets up the
// buildx builder if it is missing, then builds and pushes.
func (s *Session) buildPush(ctx context.Context) error {
	if _, err := s.version(); err != nil {
		return err
	}
	b := commands.NewBuilder(s.Cfg)
	if _, err := s.local(ctx, b.LocalDocker(), false); err != nil {
		if cmdline.IsExit(err) {
			return &BuildError{Msg: "Docker is not installed locally: install Docker (https://docs.docker.com/engine/install/) on this machine"}
		}
		return err
	}
	if buildx := b.LocalBuildx(); !buildx.Empty() {
		if _, err := s.local(ctx, buildx, false); err != nil {
			if cmdline.IsExit(err) {
				return &BuildError{Msg: "Docker buildx plugin is not installed locally: install it (Debian: apt-get install docker-buildx) or set `builder: {multiarch: false}` in " + s.Cfg.FileName()}
			}
			return err
		}
	}
	if err := s.runHook(ctx, "pre-build"); err != nil {
		return err
	}
	if err := b.CheckDockerfile(s.FileExists); err != nil {
		return &BuildError{Msg: err.Error() + ": create it, or point `builder: {dockerfile: …}` in " + s.Cfg.FileName() + " at yours"}
	}
	if exists := b.Exists(); !exists.Empty() {
		if _, err := s.local(ctx, exists, false); err != nil {
			if !cmdline.IsExit(err) {
				return err
			}
			s.Out.Say("Missing compatible builder, so creating a new one first")
			if err := s.createBuilder(ctx, b); err != nil {
				return err
			}
		}
	}
	return s.withPushEndpoint(func() error {
		if build, push, ok := b.BuildThenPush(); ok && s.lockBeside() {
			// the lock is taken meanwhile (withLockBeside): build now,
			// push once it is held
			if _, err := s.local(ctx, build, true); err != nil {
				return s.registryReach(err)
			}
			if err := s.awaitLock(ctx); err != nil {
				return err
			}
			_, err := s.local(ctx, push, true)
			return s.registryReach(err)
		}
		// the push changes the registry's tags: not before the lock
		if err := s.awaitLock(ctx); err != nil {
			return err
		}
		_, err := s.local(ctx, b.Push(), true)
		return s.registryReach(err)
	})
}

// createBuilder runs the builder's create command.
func (s *Session) createBuilder(ctx context.Context, b commands.Builder) error {
	create := b.Create()
	if create.Empty() {
		// The native builder needs no setup (0.13.2 crashes here).
		s.Out.Info("Builder %s needs no setup", b.Name())
		return nil
	}
	s.Out.Debug("Using builder: %s", b.Name())
	if _, err := s.local(ctx, create, false); err != nil {
		var ee *cmdline.ExitError
		if errors.As(err, &ee) {
			return &BuildError{Msg: "Couldn't create the buildx builder " + b.BuildxName() + ": " + orNothing(ee.Stderr)}
		}
		return err
	}
	return nil
}

// pullWith pulls the version onto the app hosts. login (deploy, batched):
// each host's pull waits for the login its registry step started beside
// the build, or, where none was started (a dry run), logs in within the
// pull's exec.
func (s *Session) pullWith(login bool) func(context.Context) error {
	return func(ctx context.Context) error {
		return s.pull(ctx, login)
	}
}

func (s *Session) pull(ctx context.Context, withLogin bool) error {
	version, err := s.version()
	if err != nil {
		return err
	}
	b := commands.NewBuilder(s.Cfg)
	hosts := s.Sel.Hosts()
	return s.withDelivery(ctx, hosts, version, func() error {
		if s.batched() {
			// login (when the registry step left it to here), audit line
			// and pull in one exec per host. Without MRSK's clean (`docker
			// image rm --force` of the tag first): the pull asks the
			// registry for the tag's digest either way, so the clean only
			// cost a docker command and, when the pull then failed, the
			// host's copy of the version
			var login commands.Cmd
			if withLogin {
				if login, err = s.loginCmd(); err != nil {
					return err
				}
			}
			pullOnly := commands.Batch("builder.pull", s.auditor().Record("Pulled image with version "+version), b.Pull())
			pull := commands.Batch("builder.pull", login, s.auditor().Record("Pulled image with version "+version), b.Pull())
			return s.registryReach(s.onHosts(ctx, hosts, func(ctx context.Context, host string) error {
				s.report(host, "", "pulling", version)
				main := pull
				if withLogin {
					// logged in beside the build (registryLogin)
					if err, started := s.logins.result(host); started {
						if err != nil {
							s.progressFailed(host, "", err)
							return err
						}
						main = pullOnly
					}
				}
				// Traefik too, where nothing runs between (traefik_pull.go)
				main, traefik, err := s.withTraefik(host, main)
				if err != nil {
					return err
				}
				c := main
				read := !s.hostRead(host)
				if read {
					c = s.besideHostRead(host, main)
				}
				out, err := s.exec(ctx, host, c, false)
				if traefik {
					err = s.traefikInPullDone(host, out, err)
				}
				if err != nil {
					s.progressFailed(host, "", err)
					return err
				}
				if read {
					s.keepHostRead(host, out)
				}
				s.report(host, "", "pulled", version)
				return nil
			}))
		}
		return s.registryReach(s.onHosts(ctx, hosts, func(ctx context.Context, host string) error {
			if err := s.audit(ctx, host, "Pulled image with version "+version); err != nil {
				return err
			}
			if err := cmdline.IgnoreExit(s.run(ctx, host, b.Clean())); err != nil {
				return err
			}
			return s.run(ctx, host, b.Pull())
		}))
	})
}

// BuildCreate sets up the builder (`mrsk build create`).
func (s *Session) BuildCreate(ctx context.Context) error {
	return s.withLock(ctx, func(ctx context.Context) error {
		return s.createBuilder(ctx, commands.NewBuilder(s.Cfg))
	})
}

// BuildRemove removes the builder setup.
func (s *Session) BuildRemove(ctx context.Context) error {
	return s.withLock(ctx, func(ctx context.Context) error {
		rm := commands.NewBuilder(s.Cfg).Remove()
		if rm.Empty() {
			return nil
		}
		_, err := s.local(ctx, rm, false)
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
	out, err := s.local(ctx, info, false)
	if err != nil {
		return err
	}
	s.Out.Say("%s", out)
	return nil
}

// RegistryLogin logs in locally, then on every app host.
func (s *Session) RegistryLogin(ctx context.Context) error {
	s.standalone = true
	return s.registryLogin(ctx)
}

func (s *Session) registryLogin(ctx context.Context) error {
	if port, local := s.localRegistry(); local {
		s.Out.Info("No registry (registry.server is localhost:%d without credentials): nothing to log in to", port)
		return nil
	}
	login, err := commands.NewRegistry(s.Cfg).Login()
	if err != nil {
		return err
	}
	if _, err := s.local(ctx, login, false); err != nil {
		return s.registryReach(err)
	}
	if s.batched() && !s.standalone {
		// the hosts log in beside the build (MRSK too logs in everywhere
		// before building): the pull waits for its host's login; where
		// none was started (a dry run), the login goes into the pull's
		// exec
		//
		// Beside the login, the host's docker and its containers are read
		// for the boot (hostRead), off the pull's exec, where the docker
		// clients of the read slowed the pull's start by up to 0.9 s on a
		// loaded host; not with a pre-build hook, which runs meanwhile and
		// may change what runs
		read := !s.hookRuns("pre-build")
		for _, h := range s.Sel.Hosts() {
			host := h
			s.logins.start(host, func() error {
				if !read {
					return s.run(ctx, host, login)
				}
				out, err := s.exec(ctx, host, s.besideHostRead(host, login), false)
				if err == nil {
					s.keepHostRead(host, out)
				}
				return err
			})
		}
		return nil
	}
	return s.registryReach(s.onHosts(ctx, s.Sel.Hosts(), func(ctx context.Context, host string) error {
		return s.run(ctx, host, login)
	}))
}

// RegistryLogout logs out on every app host (not locally).
func (s *Session) RegistryLogout(ctx context.Context) error { return s.registryLogout(ctx) }

func (s *Session) registryLogout(ctx context.Context) error {
	if _, local := s.localRegistry(); local {
		return nil
	}
	logout := commands.NewRegistry(s.Cfg).Logout()
	return s.onHosts(ctx, s.Sel.Hosts(), func(ctx context.Context, host string) error {
		return s.run(ctx, host, logout)
	})
}

// unreachableMarks are what docker prints when the registry's address does
// not answer; an HTTP answer (401, manifest unknown) has none of them.
// Docker says so only in its output: there is no exit status for it.
var unreachableMarks = []string{
	"connection refused", "connection reset", "no such host", "i/o timeout",
	"no route to host", "network is unreachable", "TLS handshake timeout",
	"server gave HTTP response", ": EOF", "Client.Timeout exceeded",
	// a kept-alive connection the registry reset between two requests (the
	// push reuses the one its login check opened)
	"server closed idle connection", "broken pipe",
}

// registryReach turns a registry command's failure into a
// *RegistryUnreachableError when docker's output says the registry did not
// answer; other errors are returned unchanged.
func (s *Session) registryReach(err error) error {
	var ee *cmdline.ExitError
	if !errors.As(err, &ee) {
		return err
	}
	// the last matching line: docker prints the connection failure at the end
	var cause string
	for _, l := range strings.Split(ee.Stdout+"\n"+ee.Stderr, "\n") {
		for _, m := range unreachableMarks {
			if strings.Contains(l, m) {
				cause = strings.TrimSpace(l)
				break
			}
		}
	}
	if cause == "" {
		return err
	}
	server := s.Cfg.Registry().Server
	if server == "" {
		server = "Docker Hub"
	}
	return &RegistryUnreachableError{Registry: server, Host: ee.Host, Cause: cause, Err: err}
}
