package remote

import "strings"

// shellWord quotes s for a POSIX shell, for commands shown to the user to
// copy (ssh-keygen -R '[host]:2222'); plain words stay as they are.
func shellWord(s string) string {
	const plain = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_./:@%+=,"
	if s != "" && strings.Trim(s, plain) == "" {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}
