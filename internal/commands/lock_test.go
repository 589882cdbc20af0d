package commands

import (
	"encoding/base64"
	"strings"
	"testing"
	"time"
)

func TestEncode64WrapsLikeRuby(t *testing.T) {
	// Ruby: Base64.encode64("a" * 50) == "YWFh…(60)\nYWFh…\n"
	got := Encode64(strings.Repeat("a", 50))
	lines := strings.Split(got, "\n")
	if len(lines) != 3 || len(lines[0]) != 60 || lines[2] != "" {
		t.Fatalf("Encode64 = %q, want one 60-char line, a rest line and a trailing newline", got)
	}
	if Encode64("") != "" {
		t.Fatalf("Encode64(\"\") = %q, want empty (Ruby gives \"\")", Encode64(""))
	}
	if got := Encode64("abc"); got != "YWJj\n" {
		t.Fatalf("Encode64(abc) = %q", got)
	}
}

func TestLockAcquireRoundTrips(t *testing.T) {
	now := time.Date(2023, 4, 14, 17, 7, 31, 0, time.FixedZone("CEST", 7200))
	cmd := Lock{LockedBy: "DHH", Now: now}.Acquire("Automatic deploy lock", "999")
	s := cmd.String()
	prefix, suffix := `mkdir mrsk_lock && echo "`, `" > mrsk_lock/details`
	if !strings.HasPrefix(s, prefix) || !strings.HasSuffix(s, suffix) {
		t.Fatalf("acquire = %q", s)
	}
	payload := strings.ReplaceAll(strings.TrimSuffix(strings.TrimPrefix(s, prefix), suffix), "\n", "")
	raw, err := base64.StdEncoding.DecodeString(payload)
	if err != nil {
		t.Fatal(err)
	}
	want := "Locked by: DHH at 2023-04-14T15:07:31Z\nVersion: 999\nMessage: Automatic deploy lock"
	if string(raw) != want {
		t.Fatalf("details = %q, want %q", raw, want)
	}
	if cmd.Name != "lock.acquire" {
		t.Fatalf("name = %q", cmd.Name)
	}
}

func TestLockDetailsStripsLikeHeredoc(t *testing.T) {
	got := LockDetails("", time.Unix(0, 0), "v", "msg  \n")
	if got != "Locked by:  at 1970-01-01T00:00:00Z\nVersion: v\nMessage: msg" {
		t.Fatalf("got %q", got)
	}
}

func TestAbbreviateVersion(t *testing.T) {
	for in, want := range map[string]string{
		"6ef8a6a84c525b123c5245345a8483f86d05a123": "6ef8a6a",
		"6ef8a6a_uncommitted_0123456789abcdef":     "6ef8a6a_uncommitted_0123456789abcdef",
		"999":                                      "999",
		"":                                         "",
	} {
		if got := AbbreviateVersion(in); got != want {
			t.Errorf("AbbreviateVersion(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestParseLockDetailsRoundTrips(t *testing.T) {
	at := time.Date(2023, 4, 14, 17, 7, 31, 0, time.UTC)
	got := ParseLockDetails(LockDetails("Jane at Work", at, "abc123", "Hotfix in progress"))
	if got.By != "Jane at Work" || !got.At.Equal(at) || got.Version != "abc123" || got.Message != "Hotfix in progress" {
		t.Errorf("%+v", got)
	}
	if got := ParseLockDetails("Locked by: x at soon"); got.By != "x at soon" || !got.At.IsZero() {
		t.Errorf("unreadable time: %+v", got)
	}
}

func TestLockAwaitRelease(t *testing.T) {
	if got := (Lock{}).AwaitRelease(4200 * time.Millisecond).String(); got != `timeout 5 sh -c 'while [ -d mrsk_lock ]; do sleep 0.2; done'` {
		t.Errorf("got %s", got)
	}
	if got := (Lock{}).AwaitRelease(0).String(); !strings.HasPrefix(got, "timeout 1 ") {
		t.Errorf("a bound under a second waits one: %s", got)
	}
}
