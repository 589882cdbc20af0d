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
//		Secrets: cfg.SecretValues(),   // scrubbed from everything logged or in errors
//		Log: os.Stderr, Level: remote.LevelInfo, // -v: LevelDebug, -q: LevelError
//	})
//	defer p.Close()
//	res, err := p.Run(ctx, host, cmd)              // err: *ExitError on non-zero exit
//	res, err := p.Run(ctx, host, cmd, remote.Debug()) // captures/audit: logged at DEBUG
//	res, err := p.Run(ctx, host, cmd, remote.Stdin(r)) // feed stdin
//	err = remote.IgnoreExit(err)                   // MRSK's "ignore failure": keeps connection errors
//	out := res.Output()                            // stdout, whitespace-trimmed (raw: res.Stdout)
//	err = p.Upload(ctx, host, strings.NewReader(s), "path", 0o600)
//	code, err := p.Interactive(ctx, host, cmd, os.Stdin, os.Stdout, os.Stderr) // PTY, raw tty
//	err = remote.OnHosts(ctx, hosts, func(ctx context.Context, host string) error {...})
//	err = remote.InGroups(ctx, hosts, limit, wait, fn)  // boot.limit / boot.wait
//	p.Redact(s)                                    // scrub secrets before printing captured output
//
// Errors: a failing host's error is a *HostError ("Exception while executing on
// host H: …"); fan-out returns *FanoutError listing every failed host in host
// order (errors.As works for both). A non-zero exit is an *ExitError whose
// message has MRSK's shape ("docker exit status: 1\ndocker stdout: …\ndocker
// stderr: …", tails only). Cancelling ctx (Ctrl-C) aborts every command and
// handshake in flight; the caller exits non-zero. A refused host key is a
// *HostKeyError, a refused login an *AuthError (user, keys offered; Hint()
// says what to fix), a host that was not reached or does not speak SSH a
// *ConnectError with its Reason. A host that could not be reached keeps its error for the
// rest of the run (later steps fail at once instead of waiting again); a
// connection that dies later is redialled on next use.
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
