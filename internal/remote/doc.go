// Package remote is mrsk's SSH engine: it runs the command lines built by the
// pure builders (cmdline.Command) on remote hosts over pooled, verified SSH
// connections.
//
// API in brief (everything else is detail):
//
//	p, err := remote.New(remote.Options{
//		User: cfg.SSH.User,            // "" = ~/.ssh/config User, else "root"
//		Proxy: cfg.SSH.Proxy,          // jump host "host" or "user@host[:port]"
//		ProxyCommand: cfg.SSH.ProxyCommand, // "%h"/"%p" expanded, used if Proxy == ""
//		StrictHostKeyChecking: cfg.SSH.StrictHostKeyChecking,
//		Redact: secrets,               // *redact.Set: scrubbed from every log line and error
//		Log: printer,                  // Logger (Info/Debug/Error); its verbosity filters
//	})
//	defer p.Close()
//	res, err := p.Run(ctx, host, cmd)                  // *cmdline.ExitError on non-zero exit
//	res, err := p.Run(ctx, host, cmd, remote.Quiet())  // captures/audit: logged at DEBUG
//	res, err := p.Run(ctx, host, cmd, remote.Stdin(r)) // feed stdin (uploads, --password-stdin)
//	out := res.Output()                                // stdout, whitespace-trimmed (raw: res.Stdout)
//	code, err := p.Interactive(ctx, host, cmd, os.Stdin, os.Stdout, os.Stderr) // PTY, raw tty
//
// Fanning out over hosts is not the pool's business: flows do it with the
// one host runner in package flow.
//
// Errors are package cmdline's: a non-zero exit is a *cmdline.ExitError
// (MRSK's "docker exit status: 1\ndocker stdout: …\ndocker stderr: …", tails
// only, naming the host); a host that cannot run the command is a
// *cmdline.HostError wrapping the cause: a refused host key is a
// *HostKeyError, a refused login an *AuthError (user, keys offered; Hint()
// says what to fix), a host that was not reached or does not speak SSH a
// *ConnectError with its Reason. Cancelling ctx (Ctrl-C) aborts every command
// and handshake in flight and returns ctx's error. A host that could not be
// reached keeps its error for the rest of the run (later steps fail at once
// instead of waiting again); a connection that dies later is redialled on
// next use.
//
// Behaviour: one connection per host per Pool, reused by every command; at
// most Options.MaxHandshakes (default 30) handshakes at once so many hosts do
// not trip sshd's MaxStartups; a connect timeout (default 10 s) that also
// covers a peer that accepts TCP but never speaks SSH; keepalives that turn a
// host that vanished mid-command into an error instead of a hang. Host keys are
// checked against known_hosts (hashed entries too): unknown keys are recorded
// (OpenSSH accept-new) unless StrictHostKeyChecking, changed keys are refused.
// ~/.ssh/config supplies HostName, User, Port, IdentityFile, ProxyJump and
// ProxyCommand for a host alias.
//
// Commands are sent as their words joined by spaces (cmdline.Command.String)
// to the login shell of the SSH user. MRSK's optional "/usr/bin/env " prefix
// is omitted (cli.md §2.1 allows it): it breaks shell builtins and adds an exec.
package remote
