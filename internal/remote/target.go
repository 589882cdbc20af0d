package remote

import (
	"fmt"
	"net"
	"os"
	"path/filepath"
	"strings"

	"github.com/kevinburke/ssh_config"
)

// target is where and how to reach one host, after ~/.ssh/config.
type target struct {
	name          string // the host as configured (what errors and logs show)
	hostName      string // the address to dial
	port          string
	user          string
	userFrom      userSource // where user came from, for authentication hints
	jump          bool       // a jump host, not a server of the app
	identityFiles []string
	proxyJump     string // "" or "[user@]host[:port]"
	proxyCommand  string // unexpanded
}

func (t target) addr() string { return net.JoinHostPort(t.hostName, t.port) }

// userSource is which setting chose the login user.
type userSource int

const (
	userDefault       userSource = iota // nothing set: root
	userFromHost                        // "user@host" in the host string
	userFromOption                      // Options.User (deploy.yml's ssh.user)
	userFromSSHConfig                   // User in ~/.ssh/config
)

// sshConfig wraps the parsed user config; nil means no file.
type sshConfig struct{ c *ssh_config.Config }

func loadSSHConfig(path string) (sshConfig, error) {
	f, err := os.Open(path)
	if os.IsNotExist(err) {
		return sshConfig{}, nil
	}
	if err != nil {
		return sshConfig{}, fmt.Errorf("ssh config %s: %w", path, err)
	}
	defer f.Close()
	c, err := ssh_config.Decode(f)
	if err != nil {
		return sshConfig{}, fmt.Errorf("ssh config %s: %w (fix or move the file)", path, err)
	}
	return sshConfig{c}, nil
}

func (s sshConfig) get(alias, key string) string {
	if s.c == nil {
		return ""
	}
	v, _ := s.c.Get(alias, key)
	return v
}

func (s sshConfig) getAll(alias, key string) []string {
	if s.c == nil {
		return nil
	}
	v, _ := s.c.GetAll(alias, key)
	return v
}

// splitUserHostPort splits "[user@]host[:port]" (IPv6 as "[::1]:22").
func splitUserHostPort(s string) (user, host, port string) {
	if i := strings.LastIndex(s, "@"); i >= 0 {
		user, s = s[:i], s[i+1:]
	}
	if h, p, err := net.SplitHostPort(s); err == nil {
		return user, h, p
	}
	return user, strings.Trim(s, "[]"), ""
}

// resolve combines the configured host string, Options and ~/.ssh/config.
// Explicit values win: a port in the host string, then Options.User; the
// config fills what is left; then OpenSSH's defaults (22, root for mrsk).
func resolve(host string, o Options, cfg sshConfig) target {
	user, alias, port := splitUserHostPort(host)
	t := target{name: host, hostName: alias, port: port, user: user}
	if user != "" {
		t.userFrom = userFromHost
	}
	if hn := cfg.get(alias, "HostName"); hn != "" {
		t.hostName = strings.ReplaceAll(hn, "%h", alias)
	}
	if t.port == "" {
		t.port = cfg.get(alias, "Port")
	}
	if t.port == "" {
		t.port = "22"
	}
	if t.user == "" && o.User != "" {
		t.user, t.userFrom = o.User, userFromOption
	}
	if t.user == "" {
		if t.user = cfg.get(alias, "User"); t.user != "" {
			t.userFrom = userFromSSHConfig
		}
	}
	if t.user == "" {
		t.user, t.userFrom = "root", userDefault
	}
	home, _ := os.UserHomeDir()
	for _, f := range cfg.getAll(alias, "IdentityFile") {
		t.identityFiles = append(t.identityFiles, expandTilde(f, home))
	}
	switch {
	case o.Proxy != "":
		t.proxyJump = o.Proxy
	case o.ProxyCommand != "":
		t.proxyCommand = o.ProxyCommand
	default:
		if pj := cfg.get(alias, "ProxyJump"); pj != "" && !strings.EqualFold(pj, "none") {
			// Only the first hop of a chain: multi-hop jumps are rare and
			// each hop would need its own config lookup.
			t.proxyJump = strings.SplitN(pj, ",", 2)[0]
		} else if pc := cfg.get(alias, "ProxyCommand"); pc != "" && !strings.EqualFold(pc, "none") {
			t.proxyCommand = pc
		}
	}
	return t
}

// jumpTarget resolves a jump host spec; MRSK's default user there is root
// unless the spec or the ssh config names one. Only one hop is followed.
func jumpTarget(spec string, cfg sshConfig) target {
	t := resolve(spec, Options{}, cfg)
	t.proxyJump, t.proxyCommand = "", ""
	t.jump = true
	return t
}

// expandProxyCommand substitutes OpenSSH's %h, %p, %r and %% tokens.
func expandProxyCommand(cmd string, t target) string {
	var b strings.Builder
	for i := 0; i < len(cmd); i++ {
		if cmd[i] != '%' || i+1 == len(cmd) {
			b.WriteByte(cmd[i])
			continue
		}
		i++
		switch cmd[i] {
		case 'h':
			b.WriteString(t.hostName)
		case 'p':
			b.WriteString(t.port)
		case 'r':
			b.WriteString(t.user)
		case '%':
			b.WriteByte('%')
		default:
			b.WriteByte('%')
			b.WriteByte(cmd[i])
		}
	}
	return b.String()
}

func expandTilde(p, home string) string {
	if p == "~" {
		return home
	}
	if strings.HasPrefix(p, "~/") {
		return filepath.Join(home, p[2:])
	}
	return p
}
