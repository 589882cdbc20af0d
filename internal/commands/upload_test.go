package commands

import "testing"

func TestWriteFileQuotesThePath(t *testing.T) {
	got := WriteFile(".mrsk/env/it's here.env", 0o600).String()
	want := `umask 077 && cat > '.mrsk/env/it'\''s here.env' && chmod 0600 '.mrsk/env/it'\''s here.env'`
	if got != want {
		t.Errorf("got  %s\nwant %s", got, want)
	}
}

func TestQueriesAreMarked(t *testing.T) {
	if !(Lock{}).Status().Query || (Lock{}).Release().Query {
		t.Error("lock status is a query, lock release is not")
	}
}
