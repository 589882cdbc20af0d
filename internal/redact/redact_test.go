package redact

import (
	"strings"
	"sync"
	"testing"

	"github.com/mrsk-go/mrsk/internal/cmdline"
)

// warnings collects what a set reports about skipped values.
func warnings(s *Set) *[]string {
	var got []string
	s.OnSkip(func(msg string) { got = append(got, msg) })
	return &got
}

func TestMarkersNameTheSecret(t *testing.T) {
	var s Set
	s.Add("RAILS_MASTER_KEY", "0123456789abcdef")
	s.Add("", "unnamed-value")
	got := s.Apply("key=0123456789abcdef x=unnamed-value")
	if got != "key=[REDACTED:RAILS_MASTER_KEY] x=[REDACTED]" {
		t.Errorf("got %q", got)
	}
}

func TestFirstNameStaysAndBlankNameIsFilled(t *testing.T) {
	var s Set
	s.Add("FIRST", "shared-value")
	s.Add("SECOND", "shared-value")
	s.Add("", "word-value")
	s.Add("LATER", "word-value")
	if got := s.Apply("shared-value word-value"); got != "[REDACTED:FIRST] [REDACTED:LATER]" {
		t.Errorf("got %q", got)
	}
}

func TestLongestFirst(t *testing.T) {
	var s Set
	s.AddAll(cmdline.SecretValue{Name: "SHORT", Value: "s3cret"},
		cmdline.SecretValue{Name: "LONG", Value: "s3cret-long"},
		cmdline.SecretValue{Name: "LONGEST", Value: "xs3cret-longer"})
	got := s.Apply("s3cret-long s3cret xs3cret-longer")
	if got != "[REDACTED:LONG] [REDACTED:SHORT] [REDACTED:LONGEST]" {
		t.Errorf("got %q", got)
	}
}

// A value shorter than MinLen is not scrubbed (it would garble ports, ids,
// words) and the user is told once, by name, never by value.
func TestShortValuesSkippedWithOneWarning(t *testing.T) {
	var s Set
	w := warnings(&s)
	s.Add("MRSK_REGISTRY_PASSWORD", "pw12")
	s.Add("MRSK_REGISTRY_PASSWORD", "pw12")
	s.Add("OTHER", "pw12") // the same value again: already reported
	s.Add("BLANK", "   ")  // nothing to hide, nothing to say
	if got := s.Apply("port 5000 pw12"); got != "port 5000 pw12" {
		t.Errorf("a short value was scrubbed: %q", got)
	}
	if len(*w) != 1 || !strings.Contains((*w)[0], "secret MRSK_REGISTRY_PASSWORD is shorter than 6 characters") {
		t.Fatalf("warnings = %q", *w)
	}
	if strings.Contains((*w)[0], "pw12") {
		t.Errorf("the warning shows the value: %q", (*w)[0])
	}
	if len("123456") != MinLen {
		t.Fatal("MinLen changed: review the test")
	}
	s.Add("SIX", "123456")
	if got := s.Apply("x123456x"); got != "x[REDACTED:SIX]x" {
		t.Errorf("a value of MinLen characters must be scrubbed: %q", got)
	}
}

// A value equal to a name the output uses, or part of one, stays visible:
// scrubbing it would garble every line that names the service and give the
// value away anyway.
func TestPublicNamesAreNotScrubbed(t *testing.T) {
	var s Set
	w := warnings(&s)
	s.Public("bars", "bars/app", "10.77.0.3", "registry.example.com")
	s.Add("MRSK_REGISTRY_PASSWORD", "bars")        // equal to the service (and short)
	s.Add("DB_PASSWORD", "bars/app")               // equal to the image
	s.Add("API_HOST_KEY", "registry.example")      // part of the registry server
	s.Add("REAL_SECRET", "bars-s3cret-long-value") // contains a public name: scrubbed whole
	line := "docker start bars-web-2640bcb on 10.77.0.3: bars/app registry.example.com bars-s3cret-long-value"
	want := "docker start bars-web-2640bcb on 10.77.0.3: bars/app registry.example.com [REDACTED:REAL_SECRET]"
	if got := s.Apply(line); got != want {
		t.Errorf("got  %q\nwant %q", got, want)
	}
	if len(*w) != 3 {
		t.Fatalf("want one warning per skipped secret, got %q", *w)
	}
	for i, name := range []string{"MRSK_REGISTRY_PASSWORD", "DB_PASSWORD", "API_HOST_KEY"} {
		if !strings.HasPrefix((*w)[i], "secret "+name+" ") {
			t.Errorf("warning %d = %q, want it to name %s", i, (*w)[i], name)
		}
	}
}

// A weak secret that is one of mrsk's own words would garble every line
// that uses the word (`--password-stdin` on each login).
func TestOwnWordsAreNotScrubbed(t *testing.T) {
	var s Set
	w := warnings(&s)
	s.Add("MRSK_REGISTRY_PASSWORD", "password")
	if got := s.Apply("docker login -u bars --password-stdin"); got != "docker login -u bars --password-stdin" {
		t.Errorf("got %q", got)
	}
	if len(*w) != 1 {
		t.Errorf("warnings = %q", *w)
	}
}

// Names registered after a value take it out again, with the warning.
func TestPublicAfterAdd(t *testing.T) {
	var s Set
	w := warnings(&s)
	s.Add("KEY", "myservice")
	s.Public("myservice")
	if got := s.Apply("myservice-web"); got != "myservice-web" {
		t.Errorf("got %q", got)
	}
	if len(*w) != 1 {
		t.Errorf("warnings = %q", *w)
	}
}

// Build args are secret by default, not by declaration: one that cannot be
// scrubbed (RUBY_VERSION=3.2.2) is skipped without a warning.
func TestQuietValuesSkippedSilently(t *testing.T) {
	var s Set
	w := warnings(&s)
	s.AddAll(cmdline.SecretValue{Name: "RUBY_VERSION", Value: "3.2.2", Quiet: true})
	if len(*w) != 0 {
		t.Errorf("warnings = %q", *w)
	}
}

// The warning callback runs outside the set's lock, so it may use the set.
func TestWarningMayUseTheSet(t *testing.T) {
	var s Set
	s.Add("OK", "long-enough-value")
	s.OnSkip(func(msg string) { _ = s.Apply(msg) })
	s.Add("X", "abc")
}

func TestNilAndCommand(t *testing.T) {
	var none *Set
	if none.Apply("x") != "x" {
		t.Error("a nil set must change nothing")
	}
	none.Add("A", "value-of-a")
	var s Set
	s.Add("TOKEN", "tok-tok-tok")
	cmd := append(cmdline.New("echo", "tok-tok-tok"), cmdline.Word{Text: `K="v"`, Sensitive: true, Shown: "K=[REDACTED]", Name: "K"})
	if got := s.Command(cmd); got != "echo [REDACTED:TOKEN] K=[REDACTED]" {
		t.Errorf("got %q", got)
	}
}

func TestConcurrentUse(t *testing.T) {
	var s Set
	var wg sync.WaitGroup
	for i := 0; i < 8; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			s.Add("K", "concurrent-secret")
			_ = s.Apply("a concurrent-secret b")
		}()
	}
	wg.Wait()
	if got := s.Apply("concurrent-secret"); got != "[REDACTED:K]" {
		t.Errorf("got %q", got)
	}
}
