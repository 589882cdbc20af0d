package config

import (
	"github.com/mrsk-go/mrsk/internal/cmdline"
	"github.com/mrsk-go/mrsk/internal/shell"
)

// EnvArgs renders an env map the way MRSK's argumentize_env_with_secrets
// does (config.md §4.4): with a non-empty `secret` list, each secret is
// resolved through lookup and rendered first as a sensitive `-e NAME="v"`
// (de-duplicated by name), followed by the `clear` pairs; otherwise the
// `clear` map if the key exists, else the whole map, all in clear.
// A missing secret is a *KeyError.
func EnvArgs(env *OMap, lookup func(string) (string, bool)) (cmdline.Command, error) {
	return envArgs(env, lookup)
}

func envArgs(env *OMap, lookup func(string) (string, bool)) (cmdline.Command, error) {
	out := cmdline.Command{}
	if secrets := env.Value("secret"); shell.Present(secrets) {
		var pairs []shell.Pair
		seen := map[string]bool{}
		for _, name := range stringList(secrets) {
			v, ok := lookup(name)
			if !ok {
				return nil, &KeyError{Key: name}
			}
			if !seen[name] {
				seen[name] = true
				pairs = append(pairs, shell.Pair{Key: name, Value: v})
			}
		}
		out = out.Append(shell.Argumentize("-e", pairs, true))
		return out.Append(shell.Argumentize("-e", clearPairs(env.Value("clear")), false)), nil
	}
	if env.Has("clear") {
		return out.Append(shell.Argumentize("-e", clearPairs(env.Value("clear")), false)), nil
	}
	return out.Append(shell.Argumentize("-e", env.Pairs(), false)), nil
}

// clearPairs is Ruby's Array(value) for a clear env: a map gives its pairs,
// a list of [key, value] pairs (merged role env) gives those, anything else
// becomes bare keys.
func clearPairs(v any) []shell.Pair {
	switch x := v.(type) {
	case nil:
		return nil
	case *OMap:
		return x.Pairs()
	case []any:
		out := make([]shell.Pair, 0, len(x))
		for _, e := range x {
			if kv, ok := e.([]any); ok && len(kv) == 2 {
				out = append(out, shell.Pair{Key: shell.ToS(kv[0]), Value: kv[1]})
			} else {
				out = append(out, shell.Pair{Key: shell.ToS(e)})
			}
		}
		return out
	}
	return []shell.Pair{{Key: shell.ToS(v)}}
}

// secretValues resolves the secret names of env (missing ones are
// skipped), each named for its variable.
func secretValues(env *OMap, lookup func(string) (string, bool)) []cmdline.SecretValue {
	var out []cmdline.SecretValue
	for _, name := range stringList(env.Value("secret")) {
		if v, ok := lookup(name); ok && v != "" {
			out = append(out, cmdline.SecretValue{Name: name, Value: v})
		}
	}
	return out
}
