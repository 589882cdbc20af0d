package remote

import (
	"errors"
	"fmt"
	"net"
	"os"
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

	agentOnce sync.Once
	agent     agent.ExtendedAgent

	mu    sync.Mutex
	files map[string]ssh.Signer // nil value: unusable (missing, encrypted)
}

func newKeyring(agentSock string, warn func(string)) *keyring {
	return &keyring{agentSock: agentSock, warn: warn, files: map[string]ssh.Signer{}}
}

func (k *keyring) agentClient() agent.ExtendedAgent {
	k.agentOnce.Do(func() {
		if k.agentSock == "" || k.agentSock == "none" {
			return
		}
		c, err := net.Dial("unix", k.agentSock)
		if err != nil {
			return // like OpenSSH: a dead agent is skipped, key files still apply
		}
		k.agent = agent.NewClient(c)
	})
	return k.agent
}

func (k *keyring) fileSigner(path string) ssh.Signer {
	k.mu.Lock()
	defer k.mu.Unlock()
	if s, ok := k.files[path]; ok {
		return s
	}
	var signer ssh.Signer
	if pem, err := os.ReadFile(path); err == nil {
		s, err := ssh.ParsePrivateKey(pem)
		var missing *ssh.PassphraseMissingError
		if err == nil {
			signer = s
		} else if !errors.As(err, &missing) {
			k.warn(fmt.Sprintf("ignoring SSH key %s: %v", path, err))
		}
		// Encrypted keys are only usable through the agent.
	}
	k.files[path] = signer
	return signer
}

// authMethod offers the agent's keys first, then the key files; signers whose
// public key the agent already offered are skipped.
func (k *keyring) authMethod(files []string) ssh.AuthMethod {
	return ssh.PublicKeysCallback(func() ([]ssh.Signer, error) {
		var out []ssh.Signer
		seen := map[string]bool{}
		if a := k.agentClient(); a != nil {
			if signers, err := a.Signers(); err == nil {
				for _, s := range signers {
					seen[string(s.PublicKey().Marshal())] = true
					out = append(out, s)
				}
			}
		}
		for _, f := range files {
			if s := k.fileSigner(f); s != nil && !seen[string(s.PublicKey().Marshal())] {
				seen[string(s.PublicKey().Marshal())] = true
				out = append(out, s)
			}
		}
		return out, nil
	})
}
