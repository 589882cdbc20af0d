// Package sshtest starts real OpenSSH servers for integration tests and
// benchmarks: on loopback ports, or each in its own network namespace on a
// private bridge (10.201.0.0/16, names prefixed "mrt"). Every sshd runs in a
// private mount namespace with an empty home bound over /root, so sessions
// never read this machine's shell start-up files. It needs root,
// /usr/sbin/sshd, unshare and (for namespaces) iproute2; a missing part is a
// test failure, never a skip. Everything started is torn down through T's
// Cleanup.
package sshtest

// T is what the helpers need from a test; *testing.T and *testing.B satisfy
// it, and so does the benchmark's Runner.
type T interface {
	Helper()
	Fatalf(format string, args ...any)
	Cleanup(func())
	TempDir() string
}
