//go:build integration

package integration

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/mrsk-go/mrsk/test/integration/env"
)

// ptySession runs mrsk under a real pseudo-terminal (util-linux `script`
// allocates it and relays our pipe), the way a user at a terminal does:
// it writes each input line once the previous want appeared in the output
// and fails the test unless every want shows up in time.
func (p *project) ptySession(args []string, steps []ptyStep) string {
	p.t.Helper()
	bin := mrskBinary(p.t, p.e)
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	line := bin
	for _, a := range args {
		line += " '" + strings.ReplaceAll(a, "'", `'\''`) + "'"
	}
	cmd := exec.CommandContext(ctx, "script", "-qfec", line, "/dev/null")
	cmd.Dir = p.app.Dir
	cmd.Env = append(append(os.Environ(), p.e.Environ()...), "TERM=dumb")
	stdin, err := cmd.StdinPipe()
	if err != nil {
		p.t.Fatal(err)
	}
	var out syncBuffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Start(); err != nil {
		p.t.Fatalf("starting mrsk under a pty: %v", err)
	}
	for _, s := range steps {
		if s.send != "" {
			if _, err := io.WriteString(stdin, s.send); err != nil {
				p.t.Fatalf("writing %q: %v\noutput so far:\n%s", s.send, err, out.String())
			}
		}
		deadline := time.Now().Add(60 * time.Second)
		for !strings.Contains(out.String(), s.want) {
			if time.Now().After(deadline) {
				_ = cmd.Process.Kill()
				p.t.Fatalf("mrsk %v under a pty: no %q within 60s; output:\n%s", args, s.want, out.String())
			}
			time.Sleep(50 * time.Millisecond)
		}
	}
	_ = stdin.Close()
	if err := cmd.Wait(); err != nil {
		p.t.Fatalf("mrsk %v under a pty: %v; output:\n%s", args, err, out.String())
	}
	if strings.Contains(out.String(), p.app.Password) {
		p.t.Errorf("mrsk %v printed the registry password", args)
	}
	return out.String()
}

type ptyStep struct {
	send string // written to the terminal ("" = just wait)
	want string // text that must then appear in the output
}

type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// mustHave fails unless out contains every want.
func mustHave(t *testing.T, what, out string, wants ...string) {
	t.Helper()
	for _, w := range wants {
		if !strings.Contains(out, w) {
			t.Errorf("%s lacks %q:\n%s", what, w, out)
		}
	}
}

// hostOut runs cmd on h and returns its trimmed output, failing the test
// on error.
func hostOut(t *testing.T, h *env.Host, cmd string) string {
	t.Helper()
	return strings.TrimSpace(h.MustRun(t, cmd))
}

// gone fails unless cmd on h prints nothing (the thing is not there).
func gone(t *testing.T, h *env.Host, what, cmd string) {
	t.Helper()
	if out := hostOut(t, h, cmd+" 2>/dev/null; true"); out != "" {
		t.Errorf("%s: %s left behind: %q", h.Name, what, out)
	}
}

func uniqueMarker(prefix string) string { return fmt.Sprintf("%s-%d", prefix, time.Now().UnixNano()) }
