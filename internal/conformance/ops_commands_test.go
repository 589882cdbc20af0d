package conformance

import (
	"os"
	"testing"

	"github.com/mrsk-go/mrsk/internal/commands"
	"github.com/mrsk-go/mrsk/internal/config"
	"github.com/mrsk-go/mrsk/internal/shell"
)

// Ops of the pure command builders (internal/commands): app.*, accessory.*,
// builder.*, traefik.*, healthcheck.*, prune.*, registry.*, lock.*,
// auditor.*, hook.*, docker.*.
func init() {
	register(appOps())
	register(accessoryOps())
	register(builderOps())
	register(traefikOps())
	register(healthcheckOps())
	register(miscCommandOps())
}

// withConfig adapts a builder call that needs only the loaded config.
func withConfig(f func(c *Case, cfg *config.Config) (commands.Cmd, error)) opFunc {
	return func(t *testing.T, c *Case) (any, error) {
		cfg, err := c.Config()
		if err != nil {
			return nil, err
		}
		cmd, err := f(c, cfg)
		if err != nil {
			return nil, err
		}
		if cmd.Empty() {
			return nil, nil
		}
		return cmd.Command, nil
	}
}

// plain adapts a builder call that cannot fail.
func plain(f func(c *Case, cfg *config.Config) commands.Cmd) opFunc {
	return withConfig(func(c *Case, cfg *config.Config) (commands.Cmd, error) { return f(c, cfg), nil })
}

func sshTarget(cfg *config.Config) commands.SSHTarget {
	s := cfg.SSH()
	return commands.SSHTarget{User: s.User, Proxy: s.Proxy}
}

func who(c *Case) commands.Who { return commands.Who{Now: c.Now(), Performer: c.Performer()} }

func appOps() map[string]opFunc {
	app := func(f func(c *Case, cfg *config.Config, a commands.App) commands.Cmd) opFunc {
		return plain(func(c *Case, cfg *config.Config) commands.Cmd {
			return f(c, cfg, commands.NewApp(cfg, c.ArgString("role")))
		})
	}
	// appE is app for builders that can fail (secret env files).
	appE := func(f func(c *Case, cfg *config.Config, a commands.App) (commands.Cmd, error)) opFunc {
		return withConfig(func(c *Case, cfg *config.Config) (commands.Cmd, error) {
			return f(c, cfg, commands.NewApp(cfg, c.ArgString("role")))
		})
	}
	return map[string]opFunc{
		"app.run": appE(func(c *Case, _ *config.Config, a commands.App) (commands.Cmd, error) {
			return withCord(a).Run(c.ArgString("hostname"))
		}),
		"app.start": app(func(_ *Case, _ *config.Config, a commands.App) commands.Cmd { return a.Start() }),
		"app.start_or_run": appE(func(c *Case, _ *config.Config, a commands.App) (commands.Cmd, error) {
			return withCord(a).StartOrRun(c.ArgString("hostname"))
		}),
		"app.stop": app(func(c *Case, _ *config.Config, a commands.App) commands.Cmd {
			return a.Stop(c.ArgString("version"))
		}),
		"app.status": app(func(c *Case, _ *config.Config, a commands.App) commands.Cmd {
			return a.Status(c.ArgString("version"))
		}),
		"app.info": app(func(_ *Case, _ *config.Config, a commands.App) commands.Cmd { return a.Info() }),
		"app.logs": app(func(c *Case, _ *config.Config, a commands.App) commands.Cmd {
			return a.Logs(c.ArgString("since"), c.ArgString("lines"), c.ArgString("grep"))
		}),
		"app.follow_logs": app(func(c *Case, cfg *config.Config, a commands.App) commands.Cmd {
			return a.FollowLogs(sshTarget(cfg), c.ArgString("host"), c.ArgString("grep"))
		}),
		"app.execute_in_existing_container": app(func(c *Case, _ *config.Config, a commands.App) commands.Cmd {
			return a.ExecuteInExistingContainer(c.ArgStrings("cmd"), false)
		}),
		"app.execute_in_new_container": appE(func(c *Case, _ *config.Config, a commands.App) (commands.Cmd, error) {
			return a.ExecuteInNewContainer(c.ArgStrings("cmd"), false)
		}),
		"app.execute_in_existing_container_over_ssh": app(func(c *Case, cfg *config.Config, a commands.App) commands.Cmd {
			return a.ExecuteInExistingContainerOverSSH(sshTarget(cfg), c.ArgString("host"), c.ArgStrings("cmd"))
		}),
		"app.execute_in_new_container_over_ssh": appE(func(c *Case, cfg *config.Config, a commands.App) (commands.Cmd, error) {
			return a.ExecuteInNewContainerOverSSH(sshTarget(cfg), c.ArgString("host"), c.ArgStrings("cmd"))
		}),
		"app.run_over_ssh": app(func(c *Case, cfg *config.Config, a commands.App) commands.Cmd {
			return a.RunOverSSH(sshTarget(cfg), c.ArgString("host"), c.ArgStrings("command"))
		}),
		"app.current_running_container_id": app(func(_ *Case, _ *config.Config, a commands.App) commands.Cmd {
			return a.CurrentRunningContainerID()
		}),
		"app.container_id_for": app(func(c *Case, _ *config.Config, a commands.App) commands.Cmd {
			return a.ContainerIDFor(c.ArgString("container_name"), c.ArgBool("only_running"))
		}),
		"app.container_id_for_version": app(func(c *Case, _ *config.Config, a commands.App) commands.Cmd {
			return a.ContainerIDForVersion(c.ArgString("version"), c.ArgBool("only_running"))
		}),
		"app.current_running_version": app(func(_ *Case, _ *config.Config, a commands.App) commands.Cmd {
			return a.CurrentRunningVersion()
		}),
		"app.list_versions": app(func(c *Case, _ *config.Config, a commands.App) commands.Cmd {
			return a.ListVersions(c.ArgStrings("docker_args"), c.ArgStrings("statuses"))
		}),
		"app.list_containers": app(func(_ *Case, _ *config.Config, a commands.App) commands.Cmd {
			return a.ListContainers()
		}),
		"app.list_container_names": app(func(_ *Case, _ *config.Config, a commands.App) commands.Cmd {
			return a.ListContainerNames()
		}),
		"app.remove_container": app(func(c *Case, _ *config.Config, a commands.App) commands.Cmd {
			return a.RemoveContainer(c.ArgString("version"))
		}),
		"app.rename_container": app(func(c *Case, _ *config.Config, a commands.App) commands.Cmd {
			return a.RenameContainer(c.ArgString("version"), c.ArgString("new_version"))
		}),
		"app.remove_containers": app(func(_ *Case, _ *config.Config, a commands.App) commands.Cmd {
			return a.RemoveContainers()
		}),
		"app.list_images": app(func(_ *Case, _ *config.Config, a commands.App) commands.Cmd {
			return a.ListImages()
		}),
		"app.remove_images": app(func(_ *Case, _ *config.Config, a commands.App) commands.Cmd {
			return a.RemoveImages()
		}),
		"app.tag_current_as_latest": app(func(_ *Case, _ *config.Config, a commands.App) commands.Cmd {
			return a.TagCurrentAsLatest()
		}),
	}
}

func accessoryOps() map[string]opFunc {
	acc := func(f func(c *Case, cfg *config.Config, a commands.Accessory) (commands.Cmd, error)) opFunc {
		return withConfig(func(c *Case, cfg *config.Config) (commands.Cmd, error) {
			a, err := commands.NewAccessory(cfg, c.ArgString("name"))
			if err != nil {
				return commands.Cmd{}, err
			}
			return f(c, cfg, a)
		})
	}
	ok := func(cmd commands.Cmd) (commands.Cmd, error) { return cmd, nil }
	return map[string]opFunc{
		"accessory.run": acc(func(_ *Case, _ *config.Config, a commands.Accessory) (commands.Cmd, error) {
			return a.Run()
		}),
		"accessory.start": acc(func(_ *Case, _ *config.Config, a commands.Accessory) (commands.Cmd, error) {
			return ok(a.Start())
		}),
		"accessory.stop": acc(func(_ *Case, _ *config.Config, a commands.Accessory) (commands.Cmd, error) {
			return ok(a.Stop())
		}),
		"accessory.info": acc(func(_ *Case, _ *config.Config, a commands.Accessory) (commands.Cmd, error) {
			return ok(a.Info())
		}),
		"accessory.logs": acc(func(c *Case, _ *config.Config, a commands.Accessory) (commands.Cmd, error) {
			return ok(a.Logs(c.ArgString("since"), c.ArgString("lines"), c.ArgString("grep")))
		}),
		"accessory.follow_logs": acc(func(c *Case, cfg *config.Config, a commands.Accessory) (commands.Cmd, error) {
			return a.FollowLogs(sshTarget(cfg), c.ArgString("grep"))
		}),
		"accessory.execute_in_existing_container": acc(func(c *Case, _ *config.Config, a commands.Accessory) (commands.Cmd, error) {
			return ok(a.ExecuteInExistingContainer(c.ArgStrings("cmd"), false))
		}),
		"accessory.execute_in_new_container": acc(func(c *Case, _ *config.Config, a commands.Accessory) (commands.Cmd, error) {
			return a.ExecuteInNewContainer(c.ArgStrings("cmd"), false)
		}),
		"accessory.execute_in_existing_container_over_ssh": acc(func(c *Case, cfg *config.Config, a commands.Accessory) (commands.Cmd, error) {
			return a.ExecuteInExistingContainerOverSSH(sshTarget(cfg), c.ArgStrings("cmd"))
		}),
		"accessory.execute_in_new_container_over_ssh": acc(func(c *Case, cfg *config.Config, a commands.Accessory) (commands.Cmd, error) {
			return a.ExecuteInNewContainerOverSSH(sshTarget(cfg), c.ArgStrings("cmd"))
		}),
		"accessory.make_directory": acc(func(c *Case, _ *config.Config, a commands.Accessory) (commands.Cmd, error) {
			return ok(a.MakeDirectory(c.ArgString("path")))
		}),
		"accessory.make_directory_for": acc(func(c *Case, _ *config.Config, a commands.Accessory) (commands.Cmd, error) {
			return ok(a.MakeDirectoryFor(c.ArgString("remote_file")))
		}),
		"accessory.remove_service_directory": acc(func(_ *Case, _ *config.Config, a commands.Accessory) (commands.Cmd, error) {
			return ok(a.RemoveServiceDirectory())
		}),
		"accessory.remove_container": acc(func(_ *Case, _ *config.Config, a commands.Accessory) (commands.Cmd, error) {
			return ok(a.RemoveContainer())
		}),
		"accessory.remove_image": acc(func(_ *Case, _ *config.Config, a commands.Accessory) (commands.Cmd, error) {
			return ok(a.RemoveImage())
		}),
	}
}

// fileExists is the local Dockerfile test; cases run in their own cwd.
func fileExists(path string) bool {
	_, err := os.Stat(path)
	return err == nil
}

func builderOps() map[string]opFunc {
	b := func(f func(b commands.Builder) commands.Cmd) opFunc {
		return plain(func(_ *Case, cfg *config.Config) commands.Cmd { return f(commands.NewBuilder(cfg)) })
	}
	// MRSK checks the Dockerfile while rendering the build options.
	checked := func(f func(b commands.Builder) commands.Cmd) opFunc {
		return withConfig(func(_ *Case, cfg *config.Config) (commands.Cmd, error) {
			bld := commands.NewBuilder(cfg)
			if err := bld.CheckDockerfile(fileExists); err != nil {
				return commands.Cmd{}, err
			}
			return f(bld), nil
		})
	}
	return map[string]opFunc{
		"builder.name": func(t *testing.T, c *Case) (any, error) {
			cfg, err := c.Config()
			if err != nil {
				return nil, err
			}
			return commands.NewBuilder(cfg).Name(), nil
		},
		"builder.build_options": checked(func(b commands.Builder) commands.Cmd { return b.BuildOptions() }),
		"builder.push":          checked(func(b commands.Builder) commands.Cmd { return b.Push() }),
		"builder.create":        b(func(b commands.Builder) commands.Cmd { return b.Create() }),
		"builder.remove":        b(func(b commands.Builder) commands.Cmd { return b.Remove() }),
		"builder.info":          b(func(b commands.Builder) commands.Cmd { return b.Info() }),
		"builder.pull":          b(func(b commands.Builder) commands.Cmd { return b.Pull() }),
		"builder.clean":         b(func(b commands.Builder) commands.Cmd { return b.Clean() }),
		"builder.ensure_local_dependencies_installed": b(func(b commands.Builder) commands.Cmd {
			return b.EnsureLocalDependenciesInstalled()
		}),
	}
}

func traefikOps() map[string]opFunc {
	tr := func(f func(c *Case, cfg *config.Config, t commands.Traefik) commands.Cmd) opFunc {
		return plain(func(c *Case, cfg *config.Config) commands.Cmd { return f(c, cfg, commands.NewTraefik(cfg)) })
	}
	return map[string]opFunc{
		"traefik.run": withConfig(func(_ *Case, cfg *config.Config) (commands.Cmd, error) {
			return commands.NewTraefik(cfg).Run()
		}),
		"traefik.start": tr(func(_ *Case, _ *config.Config, t commands.Traefik) commands.Cmd { return t.Start() }),
		"traefik.stop":  tr(func(_ *Case, _ *config.Config, t commands.Traefik) commands.Cmd { return t.Stop() }),
		"traefik.info":  tr(func(_ *Case, _ *config.Config, t commands.Traefik) commands.Cmd { return t.Info() }),
		"traefik.logs": tr(func(c *Case, _ *config.Config, t commands.Traefik) commands.Cmd {
			return t.Logs(c.ArgString("since"), c.ArgString("lines"), c.ArgString("grep"))
		}),
		"traefik.follow_logs": tr(func(c *Case, cfg *config.Config, t commands.Traefik) commands.Cmd {
			return t.FollowLogs(sshTarget(cfg), c.ArgString("host"), c.ArgString("grep"))
		}),
		"traefik.remove_container": tr(func(_ *Case, _ *config.Config, t commands.Traefik) commands.Cmd {
			return t.RemoveContainer()
		}),
		"traefik.remove_image": tr(func(_ *Case, _ *config.Config, t commands.Traefik) commands.Cmd {
			return t.RemoveImage()
		}),
	}
}

func healthcheckOps() map[string]opFunc {
	hc := func(f func(h commands.Healthcheck) commands.Cmd) opFunc {
		return plain(func(_ *Case, cfg *config.Config) commands.Cmd { return f(commands.NewHealthcheck(cfg)) })
	}
	return map[string]opFunc{
		"healthcheck.run": withConfig(func(_ *Case, cfg *config.Config) (commands.Cmd, error) {
			return commands.NewHealthcheck(cfg).Run()
		}),
		"healthcheck.status":               hc(func(h commands.Healthcheck) commands.Cmd { return h.Status() }),
		"healthcheck.container_health_log": hc(func(h commands.Healthcheck) commands.Cmd { return h.ContainerHealthLog() }),
		"healthcheck.logs":                 hc(func(h commands.Healthcheck) commands.Cmd { return h.Logs() }),
		"healthcheck.stop":                 hc(func(h commands.Healthcheck) commands.Cmd { return h.Stop() }),
		"healthcheck.remove":               hc(func(h commands.Healthcheck) commands.Cmd { return h.Remove() }),
	}
}

func miscCommandOps() map[string]opFunc {
	return map[string]opFunc{
		"prune.containers": plain(func(_ *Case, cfg *config.Config) commands.Cmd {
			return commands.NewPrune(cfg).Containers()
		}),
		"prune.dangling_images": plain(func(_ *Case, cfg *config.Config) commands.Cmd {
			return commands.NewPrune(cfg).DanglingImages()
		}),
		"prune.tagged_images": plain(func(_ *Case, cfg *config.Config) commands.Cmd {
			return commands.NewPrune(cfg).TaggedImages()
		}),
		"registry.login": withConfig(func(_ *Case, cfg *config.Config) (commands.Cmd, error) {
			return commands.NewRegistry(cfg).Login()
		}),
		"registry.logout": plain(func(_ *Case, cfg *config.Config) commands.Cmd {
			return commands.NewRegistry(cfg).Logout()
		}),
		"lock.acquire": plain(func(c *Case, _ *config.Config) commands.Cmd {
			return commands.Lock{LockedBy: c.Performer(), Now: c.Now()}.Acquire(c.ArgString("message"), c.ArgString("version"))
		}),
		"lock.release": plain(func(*Case, *config.Config) commands.Cmd { return commands.Lock{}.Release() }),
		"lock.status":  plain(func(*Case, *config.Config) commands.Cmd { return commands.Lock{}.Status() }),
		"auditor.record": plain(func(c *Case, cfg *config.Config) commands.Cmd {
			var bound, extra []commands.Tag
			for _, p := range c.Args.Map("auditor_details").Pairs() {
				bound = append(bound, commands.Tag{Name: p.Key, Value: shell.ToS(p.Value)})
			}
			for _, k := range c.Args.Keys() {
				if k != "line" && k != "auditor_details" {
					extra = append(extra, commands.Tag{Name: k, Value: c.ArgString(k)})
				}
			}
			return commands.NewAuditor(cfg, who(c), bound...).Record(c.ArgString("line"), extra...)
		}),
		"auditor.reveal": plain(func(c *Case, cfg *config.Config) commands.Cmd {
			return commands.NewAuditor(cfg, who(c)).Reveal()
		}),
		"hook.run": func(t *testing.T, c *Case) (any, error) {
			cfg, err := c.Config()
			if err != nil {
				return nil, err
			}
			details := c.Args.Map("details")
			var tags []commands.Tag
			for _, k := range details.Keys() {
				tags = append(tags, commands.Tag{Name: k, Value: details.Str(k)})
			}
			run := commands.NewHook(cfg, who(c)).Run(c.ArgString("hook"), tags...)
			env := config.NewOMap()
			for _, e := range run.Env {
				env.Set(e.Name, e.Value)
			}
			out := config.NewOMap()
			out.Set("command", run.Path)
			out.Set("env", env)
			return out, nil
		},
		"docker.installed?": plain(func(*Case, *config.Config) commands.Cmd { return commands.Docker{}.Installed() }),
		"docker.running?":   plain(func(*Case, *config.Config) commands.Cmd { return commands.Docker{}.Running() }),
		"docker.superuser?": plain(func(*Case, *config.Config) commands.Cmd { return commands.Docker{}.Superuser() }),
		"docker.install":    plain(func(*Case, *config.Config) commands.Cmd { return commands.Docker{}.Install() }),
	}
}

// withCord gives a docker run builder the cord that app boot gives web
// containers (docs/zero-downtime.md), so the vectors check the line mrsk
// really runs; roles that do not drain are unchanged.
func withCord(a commands.App) commands.App {
	return a.WithCord(commands.CordDir(a.ContainerName(""), "ffffffffffff"))
}
