package remote

import (
	"fmt"
	"slices"
	"strings"
)

// AuthError is an SSH login the server did not let through: which user and
// which keys were tried, and (Hint) what usually fixes it. It holds
// fingerprints and file names, never key material.
type AuthError struct {
	Addr string // the address logged in to
	User string
	// Offered lists the keys offered, in order (agent keys first).
	Offered []OfferedKey
	// Agent is what the agent did; AgentSocket is where it was looked for
	// and AgentErr why it could not be used.
	Agent       AgentState
	AgentSocket string
	AgentErr    error
	// Encrypted are passphrase-protected key files whose key the agent did
	// not offer: mrsk cannot ask for passphrases, so only the agent can use them.
	Encrypted []string
	// Missing are key files that do not exist: those named by IdentityFile,
	// and the default ~/.ssh/id_* files when no key at all was offered.
	Missing []string
	// Unusable are key files that could not be read, as "path: why".
	Unusable []string
	// ServerMethods are the methods the server still accepted at the end.
	ServerMethods []string
	// Partial lists methods that succeeded while the server wanted more
	// (a second factor).
	Partial []string
	// Cause is set when the server closed the connection during
	// authentication instead of refusing.
	Cause error

	source     userSource
	jump       bool
	configName string
}

// AgentState is what the SSH agent contributed to a login.
type AgentState int

const (
	AgentOffered     AgentState = iota // it offered its keys
	AgentEmpty                         // it runs but holds no keys
	AgentNotSet                        // SSH_AUTH_SOCK is not set
	AgentDisabled                      // Options.AgentSocket is "none"
	AgentUnreachable                   // nothing answers at the socket
	AgentFailed                        // it answered but listing its keys failed
)

// agentText says why the agent offered nothing ("" when it offered keys).
func (e *AuthError) agentText() string {
	switch e.Agent {
	case AgentEmpty:
		return fmt.Sprintf("the agent at %s holds no keys", e.AgentSocket)
	case AgentNotSet:
		return "no agent (SSH_AUTH_SOCK is not set)"
	case AgentDisabled:
		return "agent disabled"
	case AgentUnreachable:
		return fmt.Sprintf("no agent answers at %s (%v)", e.AgentSocket, e.AgentErr)
	case AgentFailed:
		return fmt.Sprintf("the agent at %s failed (%v)", e.AgentSocket, e.AgentErr)
	}
	return ""
}

// OfferedKey is one key offered to the server.
type OfferedKey struct {
	File        string // "" for a key held by the agent
	Comment     string // the agent's comment for its key (often the file it came from)
	Type        string // e.g. "ssh-ed25519"
	Fingerprint string // SHA256:…
}

func (k OfferedKey) String() string {
	id := fmt.Sprintf("%s %s", k.Type, k.Fingerprint)
	switch {
	case k.File != "":
		return fmt.Sprintf("%s (%s)", k.File, id)
	case k.Comment != "":
		return fmt.Sprintf("agent key %q (%s)", k.Comment, id)
	default:
		return fmt.Sprintf("agent key %s", id)
	}
}

func (e *AuthError) Unwrap() error { return e.Cause }

func (e *AuthError) Error() string {
	who := fmt.Sprintf("SSH login as %s to %s failed: ", e.User, e.Addr)
	switch {
	case e.Cause != nil:
		return who + fmt.Sprintf("the server closed the connection during authentication (%v); offered: %s",
			e.Cause, e.offeredText())
	case len(e.Partial) > 0:
		return who + fmt.Sprintf("a key was accepted, but the server also requires %s, which mrsk does not support",
			strings.Join(e.ServerMethods, " or "))
	case !slices.Contains(e.ServerMethods, "publickey"):
		return who + fmt.Sprintf("the server does not accept SSH keys for %s (it offers: %s)",
			e.User, orNone(strings.Join(e.ServerMethods, ", ")))
	case len(e.Offered) == 0:
		return who + "no SSH key to offer: " + e.noKeysText()
	default:
		msg := who + "the server refused every key offered: " + e.offeredText()
		if t := e.agentText(); t != "" && e.Agent != AgentDisabled {
			msg += "; " + t
		}
		return msg
	}
}

func (e *AuthError) offeredText() string {
	if len(e.Offered) == 0 {
		return "no key"
	}
	parts := make([]string, len(e.Offered))
	for i, k := range e.Offered {
		parts[i] = k.String()
	}
	return strings.Join(parts, ", ")
}

func (e *AuthError) noKeysText() string {
	var parts []string
	if t := e.agentText(); t != "" {
		parts = append(parts, t)
	}
	for _, f := range e.Encrypted {
		parts = append(parts, f+" is passphrase-protected and not in the agent")
	}
	if len(e.Missing) > 0 {
		parts = append(parts, "no key file at "+strings.Join(e.Missing, ", "))
	}
	parts = append(parts, e.Unusable...)
	return orNone(strings.Join(parts, "; "))
}

// Hint is what usually fixes the refusal, one item per line.
func (e *AuthError) Hint() string {
	var items []string
	switch {
	case len(e.Partial) > 0:
		items = append(items, fmt.Sprintf("mrsk logs in with SSH keys only: exempt %s from the second factor on the host (sshd's AuthenticationMethods)", e.User))
	case e.Cause == nil && !slices.Contains(e.ServerMethods, "publickey"):
		items = append(items, fmt.Sprintf("mrsk logs in with SSH keys only: enable PubkeyAuthentication in the host's sshd_config and add your public key to ~/.ssh/authorized_keys of %s there", e.User))
	case len(e.Offered) == 0:
		items = append(items, e.loadKeyHint())
		items = append(items, "or name your key with IdentityFile in ~/.ssh/config")
	default:
		items = append(items, e.userHint())
		items = append(items, fmt.Sprintf("~/.ssh/authorized_keys of %s on the host must hold your public key (%s)", e.User, e.publicKeyHint()))
		if len(e.Encrypted) > 0 || e.Agent != AgentOffered {
			items = append(items, "if your key for this host is not among those offered: "+e.loadKeyHint())
		}
		if e.Cause != nil && len(e.Offered) >= 6 {
			items = append(items, "sshd stops after MaxAuthTries keys (6 by default): offer fewer, e.g. remove unrelated keys from the agent with ssh-add -d")
		}
	}
	return "Check:\n  - " + strings.Join(items, "\n  - ")
}

func (e *AuthError) userHint() string {
	switch {
	case e.source == userDefault && e.jump:
		return "the jump host's login user: root is the default; give another as user@host in ssh.proxy (or ProxyJump)"
	case e.source == userDefault:
		return fmt.Sprintf("the login user: root is used because %s sets no ssh.user; set it if the servers expect another user (e.g. ubuntu), or allow root logins there (PermitRootLogin)", e.configName)
	case e.source == userFromOption:
		return fmt.Sprintf("the login user: %s comes from ssh.user in %s; is that the account on this host?", e.User, e.configName)
	case e.source == userFromSSHConfig:
		return fmt.Sprintf("the login user: %s comes from User in ~/.ssh/config; is that the account on this host?", e.User)
	case e.jump:
		return fmt.Sprintf("the jump host's login user: %s is given in ssh.proxy (or ProxyJump) as %s@…; is that the account there?", e.User, e.User)
	default:
		return fmt.Sprintf("the login user: %s is given in the host as %s@…; is that the account on this host?", e.User, e.User)
	}
}

func (e *AuthError) publicKeyHint() string {
	for _, k := range e.Offered {
		if k.File != "" {
			return "e.g. the line in " + shellWord(k.File+".pub")
		}
	}
	return "ssh-add -L prints the agent's"
}

func (e *AuthError) loadKeyHint() string {
	var add string
	if len(e.Encrypted) > 0 {
		words := make([]string, len(e.Encrypted))
		for i, f := range e.Encrypted {
			words[i] = shellWord(f)
		}
		add = "ssh-add " + strings.Join(words, " ")
	} else {
		add = "ssh-add ~/.ssh/<your key>"
	}
	if e.Agent == AgentOffered || e.Agent == AgentEmpty {
		return "load your key into the agent: " + add
	}
	return `start an agent and load your key: eval "$(ssh-agent)" && ` + add
}

func orNone(s string) string {
	if s == "" {
		return "none"
	}
	return s
}
