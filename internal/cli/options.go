package cli

import (
	"strings"
	"time"

	"github.com/spf13/pflag"

	"github.com/mrsk-go/mrsk/internal/names"
)

// GlobalOptions are the class options MRSK accepts on every command.
type GlobalOptions struct {
	Verbose     bool
	Quiet       bool
	Version     string
	Primary     bool
	Hosts       string
	Roles       string
	ConfigFile  string
	Destination string
	SkipHooks   bool
	// LockWait is --lock-wait (an mrsk extension): how long a command that
	// takes the deploy lock waits for another run to release it.
	LockWait time.Duration
}

// defaultConfigFile is where MRSK looks for the config unless -c is given.
const defaultConfigFile = "config/deploy.yml"

func (o *GlobalOptions) register(fs *pflag.FlagSet) {
	fs.BoolVarP(&o.Verbose, "verbose", "v", false, "Show every command run on every host, and its output")
	fs.BoolVarP(&o.Quiet, "quiet", "q", false, "Show only errors from the hosts")
	fs.StringVar(&o.Version, "version", "", "Use this app version instead of the git commit")
	fs.BoolVarP(&o.Primary, "primary", "p", false, "Only the primary host (the first web host; with --hosts/--roles it must be among them)")
	fs.StringVarP(&o.Hosts, "hosts", "h", "", "Only these hosts (comma-separated; each must be in the config)")
	fs.StringVarP(&o.Roles, "roles", "r", "", "Only these roles (comma-separated; each must be in the config)")
	fs.StringVarP(&o.ConfigFile, "config-file", "c", defaultConfigFile, "The config file")
	fs.StringVarP(&o.Destination, "destination", "d", "", "Merge config/deploy.NAME.yml over the config and load .env.NAME")
	fs.BoolVarP(&o.SkipHooks, "skip-hooks", "H", false, "Do not run the hooks in .mrsk/hooks")
	fs.DurationVar(&o.LockWait, "lock-wait", 0, "When another run holds the deploy lock, wait up to this long (e.g. 2m) for it instead of failing")
}

// checkNames refuses a --version or -d that can never be valid (package
// names) before anything else happens.
func (o *GlobalOptions) checkNames() error {
	if strings.TrimSpace(o.Version) != "" {
		if err := names.Version.Check(o.Version, "--version"); err != nil {
			return err
		}
	}
	if o.Destination != "" {
		return names.Destination.Check(o.Destination, "-d/--destination")
	}
	return nil
}

// filtering reports whether a host/role filter was given; MRSK then loads the
// config eagerly, so a broken config fails even local commands.
func (o *GlobalOptions) filtering() bool {
	return o.Primary || o.Hosts != "" || o.Roles != ""
}

// HostList and RoleList split the comma-separated filter values, dropping
// blanks so "a,,b" and trailing commas behave.
func (o *GlobalOptions) HostList() []string { return splitList(o.Hosts) }

// RoleList: see HostList.
func (o *GlobalOptions) RoleList() []string { return splitList(o.Roles) }

func splitList(s string) []string {
	var out []string
	for _, p := range strings.Split(s, ",") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

// normalizeFlagName lets `--skip_push` mean `--skip-push`, as Thor accepts both.
func normalizeFlagName(_ *pflag.FlagSet, name string) pflag.NormalizedName {
	return pflag.NormalizedName(strings.ReplaceAll(name, "_", "-"))
}

// negation is the value of a hidden `--no-<name>` flag: setting it stores
// false into the boolean flag it negates (Thor accepts `--no-<bool>`).
type negation struct{ target *pflag.Flag }

func (n negation) String() string { return "false" }
func (n negation) Type() string   { return "bool" }
func (n negation) IsBoolFlag() bool {
	return true
}
func (n negation) Set(s string) error {
	if s == "false" {
		return nil
	}
	return n.target.Value.Set("false")
}

// addNegations adds `--no-X` for every boolean flag X in fs that lacks one.
func addNegations(fs *pflag.FlagSet) {
	var bools []*pflag.Flag
	fs.VisitAll(func(f *pflag.Flag) {
		if f.Value.Type() == "bool" && f.Name != "help" && !strings.HasPrefix(f.Name, "no-") {
			bools = append(bools, f)
		}
	})
	for _, f := range bools {
		name := "no-" + f.Name
		if fs.Lookup(name) != nil {
			continue
		}
		nf := fs.VarPF(negation{target: f}, name, "", "")
		nf.NoOptDefVal = "true"
		nf.Hidden = true
	}
}
