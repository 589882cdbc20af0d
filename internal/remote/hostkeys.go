package remote

import (
	"crypto/ed25519"
	"errors"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"sync"

	"golang.org/x/crypto/ssh"
	"golang.org/x/crypto/ssh/knownhosts"
)

// hostKeys checks server keys against known_hosts with OpenSSH's accept-new
// policy: a known host must present a known key, an unknown host is recorded
// (or refused when strict).
type hostKeys struct {
	path   string
	strict bool

	mu      sync.Mutex
	check   ssh.HostKeyCallback // nil when the file does not exist yet
	learned map[string]ssh.PublicKey
}

func newHostKeys(path string, strict bool) (*hostKeys, error) {
	h := &hostKeys{path: path, strict: strict, learned: map[string]ssh.PublicKey{}}
	cb, err := knownhosts.New(path)
	switch {
	case err == nil:
		h.check = cb
	case errors.Is(err, os.ErrNotExist):
	default:
		return nil, fmt.Errorf("known hosts file %s: %w (fix or remove the bad line)", path, err)
	}
	return h, nil
}

// HostKeyError reports a refused host key.
type HostKeyError struct {
	Host        string // as configured
	Addr        string // the address dialled, "host:port"
	Fingerprint string
	Path        string
	Changed     bool // false: unknown host under strict checking
}

// Entry is the host's name in known_hosts: "host" for port 22, else
// "[host]:port" (what ssh-keygen -R needs).
func (e *HostKeyError) Entry() string { return knownhosts.Normalize(e.Addr) }

func (e *HostKeyError) Error() string {
	if e.Changed {
		return fmt.Sprintf("host key for %s has CHANGED (server offered %s, which does not match %s); "+
			"if the host was reinstalled, remove its old entry with: ssh-keygen -R %s -f %s",
			e.who(), e.Fingerprint, e.Path, shellWord(e.Entry()), shellWord(e.Path))
	}
	return fmt.Sprintf("host %s is not in %s (server key %s) and strict host key checking is on; "+
		"verify the key and add it, e.g. with: %s >> %s", e.who(), e.Path, e.Fingerprint, e.keyscan(), shellWord(e.Path))
}

// who names the host as configured, and its address when that differs (an
// alias from ~/.ssh/config).
func (e *HostKeyError) who() string {
	if e.Addr == "" || e.Addr == e.Host || knownhosts.Normalize(e.Host) == e.Entry() {
		return e.Host
	}
	return fmt.Sprintf("%s (%s)", e.Host, e.Addr)
}

func (e *HostKeyError) keyscan() string {
	host, port, err := net.SplitHostPort(e.Addr)
	if err != nil {
		return "ssh-keyscan " + shellWord(e.Addr)
	}
	if port == "22" {
		return "ssh-keyscan " + shellWord(host)
	}
	return fmt.Sprintf("ssh-keyscan -p %s %s", shellWord(port), shellWord(host))
}

// callback returns the HostKeyCallback for a connection to name (shown in
// errors); hostname/remote come from the SSH library.
func (h *hostKeys) callback(name string) ssh.HostKeyCallback {
	return func(hostname string, remote net.Addr, key ssh.PublicKey) error {
		h.mu.Lock()
		defer h.mu.Unlock()
		norm := knownhosts.Normalize(hostname)
		if k, ok := h.learned[norm]; ok {
			if string(k.Marshal()) == string(key.Marshal()) {
				return nil
			}
			return &HostKeyError{Host: name, Addr: hostname, Fingerprint: ssh.FingerprintSHA256(key), Path: h.path, Changed: true}
		}
		if h.check != nil {
			err := h.check(hostname, remote, key)
			var ke *knownhosts.KeyError
			switch {
			case err == nil:
				return nil
			case errors.As(err, &ke) && len(ke.Want) > 0:
				return &HostKeyError{Host: name, Addr: hostname, Fingerprint: ssh.FingerprintSHA256(key), Path: h.path, Changed: true}
			case !errors.As(err, &ke):
				return fmt.Errorf("host key for %s: %w", name, err)
			}
		}
		if h.strict {
			return &HostKeyError{Host: name, Addr: hostname, Fingerprint: ssh.FingerprintSHA256(key), Path: h.path}
		}
		if err := h.record(norm, key); err != nil {
			return fmt.Errorf("recording the host key of %s in %s: %w", name, h.path, err)
		}
		h.learned[norm] = key
		return nil
	}
}

func (h *hostKeys) record(norm string, key ssh.PublicKey) error {
	if err := os.MkdirAll(filepath.Dir(h.path), 0o700); err != nil {
		return err
	}
	f, err := os.OpenFile(h.path, os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o600)
	if err != nil {
		return err
	}
	// Start on a fresh line even if the file lacks a final newline.
	if st, err := f.Stat(); err == nil && st.Size() > 0 {
		buf := make([]byte, 1)
		if r, err := os.Open(h.path); err == nil {
			if _, err := r.ReadAt(buf, st.Size()-1); err == nil && buf[0] != '\n' {
				_, _ = f.WriteString("\n")
			}
			r.Close()
		}
	}
	if _, err := f.WriteString(knownhosts.Line([]string{norm}, key) + "\n"); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// algorithms lists the host key algorithms already known for hostname, so
// the server is asked for a key type we can verify: otherwise a host known by
// its ed25519 key that offers RSA first would look "changed". Nil means any.
func (h *hostKeys) algorithms(hostname string) []string {
	h.mu.Lock()
	defer h.mu.Unlock()
	if k, ok := h.learned[knownhosts.Normalize(hostname)]; ok {
		return algosFor(k.Type())
	}
	if h.check == nil {
		return nil
	}
	// Probing with a throwaway key makes knownhosts list the known keys.
	err := h.check(hostname, &net.TCPAddr{IP: net.IPv4zero}, probeKey)
	var ke *knownhosts.KeyError
	if !errors.As(err, &ke) || len(ke.Want) == 0 {
		return nil
	}
	var out []string
	seen := map[string]bool{}
	for _, w := range ke.Want {
		for _, a := range algosFor(w.Key.Type()) {
			if !seen[a] {
				seen[a] = true
				out = append(out, a)
			}
		}
	}
	return out
}

func algosFor(keyType string) []string {
	if keyType == ssh.KeyAlgoRSA {
		return []string{ssh.KeyAlgoRSASHA512, ssh.KeyAlgoRSASHA256, ssh.KeyAlgoRSA}
	}
	return []string{keyType}
}

// probeKey is a fixed ed25519 public key nobody uses as a host key.
var probeKey = func() ssh.PublicKey {
	k, err := ssh.NewPublicKey(make(ed25519.PublicKey, ed25519.PublicKeySize))
	if err != nil {
		panic(err)
	}
	return k
}()
