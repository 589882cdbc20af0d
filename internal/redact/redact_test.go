package redact

import "testing"

func TestApplyLongestFirstAndShortIgnored(t *testing.T) {
	var s Set
	s.Add("secret", "secret-long", "abc", "")
	if got := s.Apply("abc secret-long secret"); got != "abc [REDACTED] [REDACTED]" {
		t.Errorf("got %q", got)
	}
	var none *Set
	if none.Apply("x") != "x" {
		t.Error("a nil set must change nothing")
	}
}
