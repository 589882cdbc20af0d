package remote

import (
	"errors"
	"fmt"
	"net"
	"os"
	"slices"
	"sync"

	"golang.org/x/crypto/ssh"
	"golang.org/x/crypto/ssh/agent"
)

// keyring holds the client's identities: the agent (one shared connection;
// the agent client serialises its own calls) and parsed key files, each file
// read once per run however many hosts use it.
type keyring struct {
	agentSock string
	warn      func(string)

	agentOnce  sync.Once
	agent      agent.ExtendedAgent
	agentState AgentState // why there is no agent, for authentication errors
	agentErr   error

	mu    sync.Mutex
	files map[string]keyFile
}

// keyFile is one identity file as read: a signer, or why there is none.
type keyFile struct {
	signer    ssh.Signer
	missing   bool
	encrypted bool          // usable only through the agent
	public    ssh.PublicKey // of an encrypted key, when its format carries it
	problem   string        // unreadable or not a key
}

func newKeyring(agentSock string, warn func(string)) *keyring {
	return &keyring{agentSock: agentSock, warn: warn, files: map[string]keyFile{}}
}

func (k *keyring) agentClient() agent.ExtendedAgent {
	k.agentOnce.Do(func() {
		switch k.agentSock {
		case "":
			k.agentState = AgentNotSet
			return
		case "none":
			k.agentState = AgentDisabled
			return
		}
		c, err := net.Dial("unix", k.agentSock)
		if err != nil {
			// Like OpenSSH: a dead agent is skipped, key files still apply.
			k.agentState, k.agentErr = AgentUnreachable, err
			return
		}
		k.agent = agent.NewClient(c)
	})
	return k.agent
}

func (k *keyring) file(path string) keyFile {
	k.mu.Lock()
	defer k.mu.Unlock()
	if f, ok := k.files[path]; ok {
		return f
	}
	var f keyFile
	pem, err := os.ReadFile(path)
	switch {
	case errors.Is(err, os.ErrNotExist):
		f.missing = true
	case err != nil:
		f.problem = err.Error()
	default:
		s, err := ssh.ParsePrivateKey(pem)
		var pass *ssh.PassphraseMissingError
		switch {
		case err == nil:
			f.signer = s
		case errors.As(err, &pass):
			f.encrypted, f.public = true, pass.PublicKey
		default:
			f.problem = err.Error()
			k.warn(fmt.Sprintf("ignoring SSH key %s: %v", path, err))
		}
	}
	k.files[path] = f
	return f
}

// authAttempt is the authentication of one connection. It offers the
// agent's keys first, then the key files (skipping those the agent already
// offered), and remembers what it offered and what it could not use, so a
// refusal can say so.
type authAttempt struct {
	k        *keyring
	explicit []string // IdentityFile from ~/.ssh/config: a missing one is worth a word
	defaults []string // the usual ~/.ssh/id_* files: missing ones are normal

	method ssh.AuthMethod

	started    bool // the server got as far as asking for credentials
	offered    []offeredSigner
	agentState AgentState
	agentErr   error
	allowed    []string // methods the server accepts, from its last answer
	partial    []string // methods that succeeded while more were required
}

type offeredSigner struct {
	pub  ssh.PublicKey
	file string // "" for an agent key
}

func (k *keyring) attempt(explicit, defaults []string) *authAttempt {
	a := &authAttempt{k: k, explicit: explicit, defaults: defaults}
	a.method = ssh.PublicKeysCallback(a.signers)
	return a
}

// configure sets c's authentication: keys only, chosen by next so that the
// end of the road is a typed error rather than the library's text.
func (a *authAttempt) configure(c *ssh.ClientConfig) {
	c.Auth = []ssh.AuthMethod{a.method}
	c.AuthCallback = a.next
}

// errAuthExhausted ends authentication when no method is left; dial turns it
// into an *AuthError that knows the host.
var errAuthExhausted = errors.New("no authentication method left")

func (a *authAttempt) next(ctx *ssh.ClientAuthContext) (ssh.AuthMethod, error) {
	a.started = true
	a.allowed = ctx.AllowedMethods
	a.partial = ctx.PartialSuccessMethods
	if slices.Contains(ctx.AllowedMethods, "publickey") && !slices.Contains(ctx.TriedMethods, "publickey") {
		return a.method, nil
	}
	return nil, errAuthExhausted
}

func (a *authAttempt) signers() ([]ssh.Signer, error) {
	a.offered = a.offered[:0]
	var out []ssh.Signer
	seen := map[string]bool{}
	if ag := a.k.agentClient(); ag == nil {
		a.agentState, a.agentErr = a.k.agentState, a.k.agentErr
	} else if signers, err := ag.Signers(); err != nil {
		a.agentState, a.agentErr = AgentFailed, err
	} else {
		a.agentState = AgentOffered
		if len(signers) == 0 {
			a.agentState = AgentEmpty
		}
		for _, s := range signers {
			seen[string(s.PublicKey().Marshal())] = true
			out = append(out, s)
			a.offered = append(a.offered, offeredSigner{pub: s.PublicKey()})
		}
	}
	for _, f := range a.files() {
		s := a.k.file(f).signer
		if s == nil || seen[string(s.PublicKey().Marshal())] {
			continue
		}
		seen[string(s.PublicKey().Marshal())] = true
		out = append(out, s)
		a.offered = append(a.offered, offeredSigner{pub: s.PublicKey(), file: f})
	}
	return out, nil
}

func (a *authAttempt) files() []string { return append(slices.Clip(a.explicit), a.defaults...) }

// failure describes the refusal for t; cause is set when the server ended
// the connection during authentication instead of answering.
func (a *authAttempt) failure(t target, configName string, cause error) *AuthError {
	e := &AuthError{
		Addr:          t.addr(),
		User:          t.user,
		Agent:         a.agentState,
		AgentSocket:   a.k.agentSock,
		AgentErr:      a.agentErr,
		ServerMethods: slices.Clone(a.allowed),
		Partial:       slices.Clone(a.partial),
		Cause:         cause,
		source:        t.userFrom,
		jump:          t.jump,
		configName:    configName,
	}
	var comments map[string]string
	offeredKeys := map[string]bool{}
	for _, o := range a.offered {
		offeredKeys[string(o.pub.Marshal())] = true
		k := OfferedKey{File: o.file, Type: o.pub.Type(), Fingerprint: ssh.FingerprintSHA256(o.pub)}
		if o.file == "" {
			if comments == nil {
				comments = a.agentComments()
			}
			k.Comment = comments[string(o.pub.Marshal())]
		}
		e.Offered = append(e.Offered, k)
	}
	listed := map[string]bool{}
	for _, f := range a.files() {
		if listed[f] {
			continue
		}
		listed[f] = true
		kf := a.k.file(f)
		switch {
		case kf.encrypted && (kf.public == nil || !offeredKeys[string(kf.public.Marshal())]):
			e.Encrypted = append(e.Encrypted, f)
		case kf.problem != "":
			e.Unusable = append(e.Unusable, f+": "+kf.problem)
		case kf.missing && (slices.Contains(a.explicit, f) || len(a.offered) == 0):
			e.Missing = append(e.Missing, f)
		}
	}
	return e
}

// agentComments maps the agent's public keys to their comments (usually the
// file they were loaded from). Only asked on failure.
func (a *authAttempt) agentComments() map[string]string {
	out := map[string]string{}
	ag := a.k.agentClient()
	if ag == nil {
		return out
	}
	keys, err := ag.List()
	if err != nil {
		return out
	}
	for _, k := range keys {
		out[string(k.Marshal())] = k.Comment
	}
	return out
}
