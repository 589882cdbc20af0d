package remote

import (
	"os"
	"path/filepath"
	"time"

	"github.com/mrsk-go/mrsk/internal/redact"
)

// Options configure a Pool. The zero value works: root (or the ssh config's
// User), agent + default key files, ~/.ssh/config and ~/.ssh/known_hosts.
type Options struct {
	// User is the login user. Empty means the ~/.ssh/config User for the host,
	// else "root". The CLI passes deploy.yml's ssh.user when it is set.
	User string
	// ConfigName names the deploy config in hints about ssh.user (default
	// "config/deploy.yml"); the CLI passes the file given with -c.
	ConfigName string
	// Proxy is a jump host: "host", "host:port" or "user@host[:port]" (user
	// defaults to root, like MRSK). It wins over ProxyCommand.
	Proxy string
	// ProxyCommand is run with sh -c; %h and %p are the target's host and port
	// and its stdin/stdout carry the SSH stream.
	ProxyCommand string
	// StrictHostKeyChecking refuses hosts missing from known_hosts instead of
	// recording them.
	StrictHostKeyChecking bool

	// ConfigPath is the ssh client config (default ~/.ssh/config; a missing
	// file is fine). KnownHostsPath defaults to ~/.ssh/known_hosts.
	ConfigPath     string
	KnownHostsPath string
	// IdentityFiles are tried after the agent and the config's IdentityFile.
	// Default: ~/.ssh/id_ed25519, id_ecdsa, id_rsa (those that exist).
	IdentityFiles []string
	// AgentSocket defaults to $SSH_AUTH_SOCK; "none" disables the agent.
	AgentSocket string

	// ConnectTimeout bounds TCP connect + SSH handshake + auth (default 10 s).
	ConnectTimeout time.Duration
	// KeepAlive is the interval of keepalive probes on open connections
	// (default 15 s); a connection that misses KeepAliveMax (default 3) answers
	// in a row is closed, failing whatever runs on it.
	KeepAlive    time.Duration
	KeepAliveMax int
	// MaxHandshakes caps concurrent new connections (default 30).
	MaxHandshakes int
	// EngineSocket is the hosts' docker socket EngineGet reads (default
	// EngineSocket, the one the docker CLI uses).
	EngineSocket string

	// Redact scrubs secrets from every log line and error (nil: none).
	Redact *redact.Set
	// Log receives the execution log (nil: discarded).
	Log Logger
}

func (o Options) withDefaults() Options {
	home, _ := os.UserHomeDir()
	if o.ConfigName == "" {
		o.ConfigName = "config/deploy.yml"
	}
	if o.ConfigPath == "" {
		o.ConfigPath = filepath.Join(home, ".ssh", "config")
	}
	if o.KnownHostsPath == "" {
		o.KnownHostsPath = filepath.Join(home, ".ssh", "known_hosts")
	}
	if o.IdentityFiles == nil {
		for _, n := range []string{"id_ed25519", "id_ecdsa", "id_rsa"} {
			o.IdentityFiles = append(o.IdentityFiles, filepath.Join(home, ".ssh", n))
		}
	}
	if o.AgentSocket == "" {
		o.AgentSocket = os.Getenv("SSH_AUTH_SOCK")
	}
	if o.EngineSocket == "" {
		o.EngineSocket = EngineSocket
	}
	if o.ConnectTimeout <= 0 {
		o.ConnectTimeout = 10 * time.Second
	}
	if o.KeepAlive <= 0 {
		o.KeepAlive = 15 * time.Second
	}
	if o.KeepAliveMax <= 0 {
		o.KeepAliveMax = 3
	}
	if o.MaxHandshakes <= 0 {
		o.MaxHandshakes = 30
	}
	if o.Log == nil {
		o.Log = discard{}
	}
	if o.Redact == nil {
		o.Redact = &redact.Set{}
	}
	return o
}
