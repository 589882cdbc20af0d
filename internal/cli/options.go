package cli

import (
	"strings"

	"github.com/spf13/pflag"
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
}

// defaultConfigFile is where MRSK looks for the config unless -c is given.
const defaultConfigFile = "config/deploy.yml"

func (o *GlobalOptions) register(fs *pflag.FlagSet) {
	fs.BoolVarP(&o.Verbose, "verbose", "v", false, "Detailed logging")
	fs.BoolVarP(&o.Quiet, "quiet", "q", false, "Minimal logging")
	fs.StringVar(&o.Version, "version", "", "Run commands against a specific app version")
	fs.BoolVarP(&o.Primary, "primary", "p", false, "Run commands only on primary host instead of all")
	fs.StringVarP(&o.Hosts, "hosts", "h", "", "Run commands on these hosts instead of all (separate by comma)")
	fs.StringVarP(&o.Roles, "roles", "r", "", "Run commands on these roles instead of all (separate by comma)")
	fs.StringVarP(&o.ConfigFile, "config-file", "c", defaultConfigFile, "Path to config file")
	fs.StringVarP(&o.Destination, "destination", "d", "", "Specify destination to be used for config file (staging -> deploy.staging.yml)")
	fs.BoolVarP(&o.SkipHooks, "skip-hooks", "H", false, "Don't run hooks")
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
