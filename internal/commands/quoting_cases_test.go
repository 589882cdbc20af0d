package commands

import (
	"regexp"
	"strings"
	"time"

	"github.com/mrsk-go/mrsk/internal/cmdline"
	"github.com/mrsk-go/mrsk/internal/config"
)

// slot says how a value placed by a builder must reach the programs.
type slot int

const (
	// exact: every program gets exactly the words it gets for a plain value,
	// with the value in place of the plain one.
	exact slot = iota
	// escaped: a config value MRSK escapes (escape_shell_value). As in MRSK
	// a `${…}` in it is left to the remote shell; otherwise exact.
	escaped
	// bare: a word MRSK leaves unquoted (volume specs, accessory
	// directories). `$NAME`, `${NAME}` and a leading `~/` are left to the
	// remote shell; otherwise exact.
	bare
	// auditText: an audit line; MRSK's word splitting is part of the format,
	// so only the text matters (and that nothing runs).
	auditText
	// userLine: the user's own command line (app/accessory exec), which an
	// ssh invocation must hand to the remote shell unchanged.
	userLine
	// lockText: the lock details, which reach the host Base64 encoded.
	lockText
)

// quotingCase is one kind of value and every builder line it reaches.
type quotingCase struct {
	name string
	slot slot
	// config: the value goes through deploy.yml, so it must survive YAML.
	config bool
	// nonBlank: a blank value changes the line's shape on purpose (MRSK
	// renders `-e KEY` for a blank env value), so blank values are skipped.
	nonBlank bool
	// prep turns the value into one the slot can hold as such (e.g. a file
	// name without "/"); nil keeps it.
	prep func(string) string
	// skip says the value collides with something the builder adds itself
	// (a label named "service"); nil skips nothing.
	skip  func(string) bool
	dirs  []string
	build func(h *harness, v string) ([]unit, error)
	// userLines are, for userLine cases, the command each unit's ssh must
	// receive.
	userLines func(h *harness, v string) []string
}

// quotingBaseYAML is the config of the cases that take the value as an
// argument: a web role that drains (Traefik, health check) and an accessory.
const quotingBaseYAML = `service: app
image: dhh/app
registry:
  username: dhh
  password: secret
servers:
  web: [1.1.1.1]
accessories:
  db:
    image: mysql:8.0
    host: 1.1.1.5
`

var quotingNow = time.Date(2023, 4, 14, 17, 7, 31, 0, time.UTC)

// lines turns builder commands into units.
func lines(cmds ...Cmd) []unit {
	out := make([]unit, len(cmds))
	for i, c := range cmds {
		out[i] = unit{line: c.String()}
	}
	return out
}

// collect gathers commands from builders that can fail.
type collect struct {
	cmds []Cmd
	err  error
}

func (c *collect) add(cmd Cmd, err error) {
	if err != nil && c.err == nil {
		c.err = err
	}
	c.cmds = append(c.cmds, cmd)
}

func (c *collect) plain(cmds ...Cmd) { c.cmds = append(c.cmds, cmds...) }

func (c *collect) units() ([]unit, error) { return lines(c.cmds...), c.err }

// withConfig loads yml and hands the config to fn.
func withConfig(h *harness, yml string, fn func(cfg *config.Config, c *collect)) ([]unit, error) {
	cfg, err := h.load(yml)
	if err != nil {
		return nil, err
	}
	var c collect
	fn(cfg, &c)
	return c.units()
}

// std is a deploy.yml with the usual keys plus extra.
func std(extra string) string {
	return "service: app\nimage: dhh/app\nregistry:\n  username: dhh\n  password: secret\n" + extra
}

const webServers = "servers:\n  web: [1.1.1.1]\n"

func dbAccessory(extra string) string {
	return "accessories:\n  db:\n    image: mysql:8.0\n    host: 1.1.1.5\n" + extra
}

// appLines are the app lines that carry config values.
func appLines(cfg *config.Config, c *collect) {
	web := NewApp(cfg, "web")
	c.add(web.Run(""))
	c.add(web.WithCord(".mrsk/cords/x").Run(""))
	c.add(web.ExecuteInNewContainer([]string{"true"}, false))
	c.add(NewHealthcheck(cfg).Run())
}

func accessoryLines(cfg *config.Config, c *collect) {
	a, err := NewAccessory(cfg, "db")
	if err != nil {
		c.err = err
		return
	}
	c.add(a.Run())
	c.add(a.ExecuteInNewContainer([]string{"true"}, false))
}

func noSlash(s string) string { return strings.ReplaceAll(s, "/", "_") }

func noColon(s string) string { return strings.ReplaceAll(s, ":", "_") }

// fileName makes s one path component.
func fileName(s string) string {
	s = noSlash(s)
	if s == "." || s == ".." {
		s = "f" + s
	}
	return s
}

// defaultLabel reports whether a label key is one the builders set
// themselves (a custom one replaces it in place).
func defaultLabel(k string) bool {
	return k == "service" || k == "role" || k == "destination" || strings.HasPrefix(k, "traefik.http.")
}

var braceExpansion = regexp.MustCompile(`\$\{[^}]*\}`)

// relaxed reports whether part of v is expanded by the remote shell on
// purpose in this slot, so only harmlessness can be checked.
func (s slot) relaxed(v string) bool {
	switch s {
	case escaped:
		return braceExpansion.MatchString(v)
	case bare:
		return strings.Contains(v, "$") || strings.HasPrefix(v, "~")
	}
	return false
}

// The cases place the value in every string parameter of every builder;
// where a builder takes several, one line carries it in all of them (forks
// for pipelines are what the runs cost, so lines are not repeated).
var quotingCases = []quotingCase{
	{name: "version (--version, rollback VERSION, versions read from hosts)", slot: exact, build: func(h *harness, v string) ([]unit, error) {
		cfg := h.base()
		a := NewApp(cfg, "web").AtVersion(v)
		var c collect
		c.add(a.Run(""))
		c.add(a.StartOrRun(""))
		c.add(a.ExecuteInNewContainer([]string{"true"}, false))
		c.plain(a.Start(), a.TagCurrentAsLatest(), a.ExecuteInExistingContainer([]string{"true"}, false),
			MakeCord(CordDir(a.ContainerName(""), "0123")))
		web := NewApp(cfg, "web")
		c.plain(web.Stop(v), web.StopNamed(v), web.Status(v), web.HealthLog(v), web.LogTail(v, 50), web.ContainerIDForVersion(v, false), web.RemoveContainer(v),
			web.RenameContainer(v, v+"_replaced_0123"), Batch("batch", a.Start(), Tolerant(web.Stop(v))))
		return c.units()
	}},
	// SetVersion is how rollback sets the configured version; a blank one
	// restores the version found at load.
	{name: "configured version", slot: exact, nonBlank: true, build: func(h *harness, v string) ([]unit, error) {
		cfg, _ := h.load(quotingBaseYAML) // a fresh one: SetVersion changes it
		cfg.SetVersion(v)
		hc, b := NewHealthcheck(cfg), NewBuilder(cfg)
		var c collect
		c.add(hc.Run())
		c.plain(hc.Status(), hc.ContainerHealthLog(), hc.Logs(), hc.Stop(), hc.Remove(), b.Pull(), b.Clean(), b.Push())
		// A version with "_" is not abbreviated in MRSK_SERVICE_VERSION.
		cfg.SetVersion(v + "_0")
		c.plain(hookUnitCmd(NewHook(cfg, Who{Now: quotingNow, Performer: "dhh"}).Run("pre-deploy")))
		return c.units()
	}},
	{name: "role name (and list_versions words)", slot: exact, prep: noSlash, build: func(h *harness, v string) ([]unit, error) {
		cfg := h.base()
		a := NewApp(cfg, v)
		return lines(a.Info(), a.InfoJSON(), a.CurrentRunningVersion(), a.ListContainers(), a.ListContainersJSON(), a.ListContainerNames(),
			a.RemoveContainers(), a.RemoveImages(), a.Start(), a.Stop(""), a.RemoveEnvFiles(),
			a.ListVersions([]string{v}, []string{v}), a.CurrentRunningContainerID(), a.RoleState(), a.RoleStateOnEngine(), HostState(a)), nil
	}},
	{name: "container name (read from a host)", slot: exact, build: func(h *harness, v string) ([]unit, error) {
		cfg := h.base()
		a := NewApp(cfg, "web")
		return lines(a.ContainerIDFor(v, false), a.ContainerIDFor(v, true), CordInfo(v), HealthState(v)), nil
	}},
	{name: "logs --since/--lines/--grep, --follow over ssh (user, proxy, host)", slot: exact, build: func(h *harness, v string) ([]unit, error) {
		cfg := h.base()
		var c collect
		acc, err := NewAccessory(cfg, "db")
		c.err = err
		app, tr := NewApp(cfg, "web"), NewTraefik(cfg)
		t := SSHTarget{User: v, Proxy: v}
		// The ssh stub runs the remote line, so the follow forms also
		// check the FollowLogsOnHost lines mrsk runs itself.
		c.plain(app.Logs(v, v, v), acc.Logs(v, v, v), tr.Logs(v, v, v), TraefikConfigsSince(v),
			app.FollowLogs(t, v, v), tr.FollowLogs(t, v, v))
		c.add(acc.FollowLogs(t, v))
		return c.units()
	}},
	{name: "container hostname", slot: exact, build: func(h *harness, v string) ([]unit, error) {
		cfg := h.base()
		a := NewApp(cfg, "web")
		var c collect
		c.add(a.Run(v))
		c.add(a.StartOrRun(v))
		c.add(a.Run(ContainerHostname(v, "0123456789ab")))
		return c.units()
	}},
	{name: "interactive ssh user, proxy and host", slot: exact, build: func(h *harness, v string) ([]unit, error) {
		cfg := h.base()
		a := NewApp(cfg, "web")
		t := SSHTarget{User: v, Proxy: v}
		var c collect
		c.plain(a.ExecuteInExistingContainerOverSSH(t, v, []string{"true"}), a.RunOverSSH(t, v, []string{"true"}))
		c.add(a.ExecuteInNewContainerOverSSH(t, v, []string{"true"}))
		acc, err := NewAccessory(cfg, "db")
		if err != nil {
			return nil, err
		}
		c.add(acc.RunOverSSH(t, []string{"true"}))
		c.add(acc.ExecuteInExistingContainerOverSSH(t, []string{"true"}))
		c.add(acc.ExecuteInNewContainerOverSSH(t, []string{"true"}))
		return c.units()
	}},
	{name: "cord directory", slot: exact, build: func(h *harness, v string) ([]unit, error) {
		cfg := h.base()
		var c collect
		c.plain(MakeCord(v), CutCord(v), MakeCord(CordDir(v, "0123")))
		c.add(NewApp(cfg, "web").WithCord(v).Run(""))
		return c.units()
	}},
	{name: "uploaded file path", slot: exact, prep: fileName, build: func(h *harness, v string) ([]unit, error) {
		cfg := h.base()
		acc, err := NewAccessory(cfg, "db")
		return lines(WriteFile(v, 0o600), acc.ChmodUploaded(v), acc.MakeDirectoryFor("d/"+v+"/f"),
			EnvDirsCommand([]File{{Path: ".mrsk/env/" + v + "/x.env"}}),
			WithFileInline(Cmd{Command: cmdline.New("true"), Files: []File{{Path: v + ".env", Mode: 0o600}}})), err
	}},
	{name: "accessory directory ($PWD/…)", slot: bare, build: func(h *harness, v string) ([]unit, error) {
		cfg := h.base()
		acc, err := NewAccessory(cfg, "db")
		return lines(acc.MakeDirectory(v), acc.MakeDirectory("$PWD/app-db/"+v)), err
	}},
	{name: "audit line, performer and details", slot: auditText, build: func(h *harness, v string) ([]unit, error) {
		cfg := h.base()
		who := Who{Now: quotingNow, Performer: "dhh"}
		return lines(NewAuditor(cfg, who).Record(v),
			NewAuditor(cfg, who).Record("Executed cmd '"+v+"' on app version 1"),
			NewAuditor(cfg, Who{Now: quotingNow, Performer: v}).Record("app removed container"),
			NewAuditor(cfg, who, Tag{"role", v}).Record("x", Tag{"detail", v})), nil
	}},
	{name: "hook env and name", slot: exact, build: func(h *harness, v string) ([]unit, error) {
		cfg := h.base()
		return []unit{
			hookUnit(NewHook(cfg, Who{Now: quotingNow, Performer: v}).Run("pre-deploy", Tag{"hosts", v}, Tag{"command", v})),
			hookUnit(NewHook(cfg, Who{Now: quotingNow, Performer: "dhh"}).Run(v)),
		}, nil
	}},
	{name: "lock message, version and holder", slot: lockText, dirs: []string{LockDir}, build: func(h *harness, v string) ([]unit, error) {
		return lines(Lock{LockedBy: v, Now: quotingNow}.Acquire(v, v)), nil
	}},
	{name: "exec command (the user's own line) over ssh", slot: userLine, build: func(h *harness, v string) ([]unit, error) {
		cfg := h.base()
		app := NewApp(cfg, "web")
		acc, err := NewAccessory(cfg, "db")
		if err != nil {
			return nil, err
		}
		var c collect
		c.plain(app.ExecuteInExistingContainerOverSSH(SSHTarget{}, "1.1.1.1", []string{v}),
			app.RunOverSSH(SSHTarget{}, "1.1.1.1", []string{v}))
		c.add(app.ExecuteInNewContainerOverSSH(SSHTarget{}, "1.1.1.1", []string{v}))
		c.add(acc.ExecuteInExistingContainerOverSSH(SSHTarget{}, []string{v}))
		c.add(acc.ExecuteInNewContainerOverSSH(SSHTarget{}, []string{v}))
		c.add(acc.RunOverSSH(SSHTarget{}, []string{v}))
		u, err := c.units()
		for i := range u {
			u[i].noRemote = true
		}
		return u, err
	}, userLines: func(h *harness, v string) []string {
		cfg := h.base()
		app := NewApp(cfg, "web")
		acc, _ := NewAccessory(cfg, "db")
		appNew, _, _ := app.execNew([]string{v}, true)
		accNew, _, _ := acc.execNew([]string{v}, true)
		return []string{app.execExisting([]string{v}, true).String(), v, appNew.String(),
			acc.execExisting([]string{v}, true).String(), accNew.String(), v}
	}},

	// Values from deploy.yml.
	{name: "env clear value", slot: escaped, config: true, nonBlank: true, build: func(h *harness, v string) ([]unit, error) {
		return everywhere(h, "env:\n  clear:\n    K: "+js(v)+"\n", "")
	}},
	{name: "env key", slot: exact, config: true, build: func(h *harness, v string) ([]unit, error) {
		return everywhere(h, "env:\n  clear:\n    "+js(v)+": x\n", "")
	}},
	{name: "label value", slot: escaped, config: true, nonBlank: true, build: func(h *harness, v string) ([]unit, error) {
		return everywhere(h, "labels:\n  k: "+js(v)+"\n", "")
	}},
	{name: "label key", slot: exact, config: true, skip: defaultLabel, build: func(h *harness, v string) ([]unit, error) {
		return everywhere(h, "labels:\n  "+js(v)+": x\n", "")
	}},
	{name: "option and traefik arg value", slot: escaped, config: true, build: func(h *harness, v string) ([]unit, error) {
		return everywhere(h, "options:\n  k: "+js(v)+"\n", "args:\n  k: "+js(v)+"\n")
	}},
	{name: "option and traefik arg key", slot: exact, config: true, build: func(h *harness, v string) ([]unit, error) {
		return everywhere(h, "options:\n  "+js(v)+": x\n", "args:\n  "+js(v)+": x\n")
	}},
	{name: "volume", slot: bare, config: true, build: func(h *harness, v string) ([]unit, error) {
		yml := std(webServers + "volumes: [" + js(v) + "]\n" + dbAccessory("    volumes: ["+js(v)+"]\n"))
		return withConfig(h, yml, func(cfg *config.Config, c *collect) {
			appLines(cfg, c)
			accessoryLines(cfg, c)
		})
	}},
	{name: "accessory files and directories", slot: bare, config: true, prep: noColon, build: func(h *harness, v string) ([]unit, error) {
		yml := std(webServers + dbAccessory("    files: [\"my.cnf:/etc/"+js(v)[1:]+"]\n    directories: ["+js(v+":/data")+"]\n"))
		return withConfig(h, yml, func(cfg *config.Config, c *collect) {
			accessoryLines(cfg, c)
			a, _ := NewAccessory(cfg, "db")
			for _, d := range cfg.Accessories()[0].Directories() {
				c.plain(a.MakeDirectory(d.Host))
			}
		})
	}},
	{name: "logging driver and option value", slot: escaped, config: true, nonBlank: true, build: func(h *harness, v string) ([]unit, error) {
		yml := std(webServers + "logging:\n  driver: " + js(v) + "\n  options:\n    k: " + js(v) + "\n" + dbAccessory(""))
		return withConfig(h, yml, func(cfg *config.Config, c *collect) {
			appLines(cfg, c)
			accessoryLines(cfg, c)
			c.add(NewTraefik(cfg).Run())
		})
	}},
	{name: "logging option key", slot: exact, config: true, build: func(h *harness, v string) ([]unit, error) {
		yml := std(webServers + "logging:\n  options:\n    " + js(v) + ": x\n")
		return withConfig(h, yml, func(cfg *config.Config, c *collect) { appLines(cfg, c) })
	}},
	{name: "healthcheck cmd and interval", slot: escaped, config: true, nonBlank: true, build: func(h *harness, v string) ([]unit, error) {
		yml := std(webServers + "healthcheck:\n  cmd: " + js(v) + "\n  interval: " + js(v) + "\n")
		return withConfig(h, yml, func(cfg *config.Config, c *collect) { appLines(cfg, c) })
	}},
	{name: "healthcheck path", slot: escaped, config: true, build: func(h *harness, v string) ([]unit, error) {
		// URI.join puts a "/" before a relative path: keep the shape. (The
		// port is a number, checked by the config schema.)
		yml := std(webServers + "healthcheck:\n  path: " + js("/"+v) + "\n")
		return withConfig(h, yml, func(cfg *config.Config, c *collect) { appLines(cfg, c) })
	}},
	{name: "image and registry server", slot: exact, config: true, nonBlank: true, build: func(h *harness, v string) ([]unit, error) {
		yml := "service: app\nimage: " + js(v) + "\nregistry:\n  server: " + js(v) + "\n  username: dhh\n  password: secret\n" +
			webServers + "builder:\n  multiarch: false\n"
		return withConfig(h, yml, func(cfg *config.Config, c *collect) {
			appLines(cfg, c)
			a := NewApp(cfg, "web")
			b := NewBuilder(cfg)
			p := NewPrune(cfg)
			c.plain(a.TagCurrentAsLatest(), a.ListImages(), a.ListImagesJSON(), b.Push(), b.Pull(), b.Clean(), p.TaggedImages(),
				p.DanglingImages(), p.Containers(), NewRegistry(cfg).Logout())
			c.add(NewRegistry(cfg).Login())
		})
	}},
	{name: "registry username", slot: exact, config: true, nonBlank: true, build: func(h *harness, v string) ([]unit, error) {
		yml := "service: app\nimage: dhh/app\nregistry:\n  username: " + js(v) + "\n  password: secret\n" + webServers
		return withConfig(h, yml, func(cfg *config.Config, c *collect) { c.add(NewRegistry(cfg).Login()) })
	}},
	{name: "builder arg key, dockerfile and context", slot: exact, config: true, nonBlank: true, build: func(h *harness, v string) ([]unit, error) {
		yml := std(webServers + "builder:\n  multiarch: false\n  args:\n    " + js(v) + ": x\n  dockerfile: " + js(v) +
			"\n  context: " + js(v) + "\n")
		return withConfig(h, yml, func(cfg *config.Config, c *collect) {
			b := NewBuilder(cfg)
			opts := b.BuildOptions()
			opts.Command = docker("build").Append(opts.Command)
			build, push, _ := b.BuildThenPush()
			c.plain(b.Push(), opts, build, push)
		})
	}},
	{name: "builder secret", slot: escaped, config: true, nonBlank: true, build: func(h *harness, v string) ([]unit, error) {
		yml := std(webServers + "builder:\n  secrets: [" + js(v) + "]\n")
		return withConfig(h, yml, func(cfg *config.Config, c *collect) { c.plain(NewBuilder(cfg).Push()) })
	}},
	{name: "builder remote and local arch and host", slot: exact, config: true, nonBlank: true, build: func(h *harness, v string) ([]unit, error) {
		both := std(webServers + "builder:\n  local:\n    arch: " + js(v) + "\n    host: " + js(v) +
			"\n  remote:\n    arch: " + js(v) + "\n    host: " + js(v) + "\n")
		remote := std(webServers + "builder:\n  remote:\n    arch: " + js(v) + "\n    host: " + js(v) + "\n")
		var all []unit
		for _, yml := range []string{both, remote} {
			u, err := withConfig(h, yml, func(cfg *config.Config, c *collect) {
				b := NewBuilder(cfg)
				c.plain(b.Create(), b.Remove(), b.Push(), b.Exists(), b.Info())
			})
			if err != nil {
				return nil, err
			}
			all = append(all, u...)
		}
		return all, nil
	}},
	{name: "traefik image and host port", slot: exact, config: true, nonBlank: true, build: func(h *harness, v string) ([]unit, error) {
		yml := std(webServers + "traefik:\n  image: " + js(v) + "\n  host_port: " + js(v) + "\n")
		return withConfig(h, yml, func(cfg *config.Config, c *collect) { c.add(NewTraefik(cfg).Run()) })
	}},
	{name: "accessory image and port", slot: exact, config: true, nonBlank: true, build: func(h *harness, v string) ([]unit, error) {
		yml := std(webServers + "accessories:\n  db:\n    image: " + js(v) + "\n    host: 1.1.1.5\n    port: " + js(v+":80") + "\n")
		return withConfig(h, yml, func(cfg *config.Config, c *collect) {
			accessoryLines(cfg, c)
			a, _ := NewAccessory(cfg, "db")
			c.plain(a.RemoveImage(), a.InfoJSON())
		})
	}},
	{name: "accessory host (the schema refuses most)", slot: exact, config: true, nonBlank: true, build: func(h *harness, v string) ([]unit, error) {
		yml := std(webServers + "accessories:\n  db:\n    image: mysql\n    host: " + js(v) + "\n")
		return withConfig(h, yml, func(cfg *config.Config, c *collect) {
			a, _ := NewAccessory(cfg, "db")
			c.add(a.FollowLogs(SSHTarget{}, "x"))
			c.add(a.ExecuteInExistingContainerOverSSH(SSHTarget{}, []string{"true"}))
		})
	}},
	{name: "hooks path", slot: exact, config: true, build: func(h *harness, v string) ([]unit, error) {
		cfg, err := h.load(std(webServers + "hooks_path: " + js(v) + "\n"))
		if err != nil {
			return nil, err
		}
		return []unit{hookUnit(NewHook(cfg, Who{Now: quotingNow, Performer: "dhh"}).Run("pre-deploy"))}, nil
	}},
}

// everywhere puts a block (env, labels, options) into the web role (env and
// labels at the top level, which the role inherits), the accessory and
// Traefik, with traefikOnly added to Traefik, and builds their lines.
func everywhere(h *harness, block, traefikOnly string) ([]unit, error) {
	role := "servers:\n  web:\n    hosts: [1.1.1.1]\n" + ind(4, block)
	if !strings.HasPrefix(block, "options:") {
		role = webServers + block
	}
	yml := std(role + dbAccessory(ind(4, block)) + "traefik:\n" + ind(2, block) + ind(2, traefikOnly))
	return withConfig(h, yml, func(cfg *config.Config, c *collect) {
		appLines(cfg, c)
		accessoryLines(cfg, c)
		c.add(NewTraefik(cfg).Run())
	})
}

// ind indents every line of s by n spaces.
func ind(n int, s string) string {
	if s == "" {
		return ""
	}
	pad := strings.Repeat(" ", n)
	return pad + strings.ReplaceAll(strings.TrimSuffix(s, "\n"), "\n", "\n"+pad) + "\n"
}

// hookUnitCmd is hookUnit's line as a Cmd.
func hookUnitCmd(r HookRun) Cmd { return Cmd{Command: cmdline.New(hookUnit(r).line)} }

// hookUnit runs a hook's shell line with its `/usr/bin/env <path>` replaced
// by a stub that records the path and the exported values.
func hookUnit(r HookRun) unit {
	line := r.ShellLine()
	i := strings.LastIndex(line, " ; /usr/bin/env ")
	path := strings.TrimSuffix(line[i+len(" ; /usr/bin/env "):], " )")
	call := " ; hookrun " + path
	for _, t := range r.Env {
		call += ` "$` + t.Name + `"`
	}
	return unit{line: line[:i] + call + " )"}
}
