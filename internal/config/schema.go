package config

import (
	"slices"
	"strconv"
	"strings"

	yaml "go.yaml.in/yaml/v3"
)

// The schema of config/deploy.yml: MRSK 0.13.2's keys (config.md §1, §4)
// plus mrsk's own ssh.connect_timeout, ssh.strict_host_key_checking and
// boot.on_failure.
// MRSK checked none of these types and gave wrong ones another meaning
// (`servers: 1.1.1.1` meant no hosts, `logging: json-file` dropped every log
// option); here a wrong type is an error naming file:line, and an unknown
// key is a warning.

// checkSchema checks one parsed file (before the destination merge, so
// every position is in the file that holds the value).
func checkSchema(file string, doc *yaml.Node) (*SchemaError, []Warning) {
	c := &checker{file: file}
	if doc != nil && doc.Kind == yaml.DocumentNode && len(doc.Content) > 0 {
		if root := doc.Content[0]; root.Kind == yaml.MappingNode {
			deployRule.check(c, "", root)
		}
	}
	return c.err, c.warnings
}

// Scalars.
var (
	text = scalarRule{what: "a string"}

	hostName = scalarRule{what: "a host name or address", ok: func(v any) bool {
		s, ok := v.(string)
		if !ok {
			return isNumber(v) // e.g. a bare number resolving through DNS or ssh config
		}
		return strings.TrimSpace(s) != "" && !strings.ContainsAny(s, " \t\r\n")
	}}

	wholeNumber = scalarRule{what: "a whole number of seconds", ok: isWholeNumber}

	attempts = scalarRule{what: "a whole number", ok: isWholeNumber}

	seconds = scalarRule{what: "a number of seconds", ok: func(v any) bool {
		f, ok := numberValue(v)
		return ok && f >= 0
	}}

	positiveSeconds = scalarRule{what: "a number of seconds above 0", ok: func(v any) bool {
		f, ok := numberValue(v)
		return ok && f > 0
	}}

	boolean = scalarRule{what: "true or false", ok: func(v any) bool { _, ok := v.(bool); return ok }}

	port = scalarRule{what: "a port number", ok: isWholeNumber}

	bootLimit = scalarRule{what: `a number or a percentage like "25%"`, ok: func(v any) bool {
		if isWholeNumber(v) {
			return true
		}
		s, ok := v.(string)
		return ok && percentRe().MatchString(strings.TrimSpace(s))
	}}

	// envName is a variable name in env.secret or a registry credential.
	envName = scalarRule{what: "a variable name", ok: func(v any) bool {
		s, ok := v.(string)
		return ok && strings.TrimSpace(s) != ""
	}}

	// value is what ends up as one word of a docker option or an env
	// variable: any scalar.
	value = scalarRule{what: "a value (string, number or true/false)"}
)

// oneOf accepts exactly one of words (a setting's fixed choices).
func oneOf(words ...string) scalarRule {
	return scalarRule{what: strings.Join(words, " or "), ok: func(v any) bool {
		s, ok := v.(string)
		return ok && slices.Contains(words, s)
	}}
}

// textList is a list of strings.
func textList(what string) listRule { return listRule{what: what, elem: text} }

var percentRe = lazyRegexp(`^[0-9]+%$`)

func isNumber(v any) bool {
	_, ok := numberValue(v)
	return ok
}

func numberValue(v any) (float64, bool) {
	switch x := v.(type) {
	case int:
		return float64(x), true
	case float64:
		return x, true
	case string:
		f, err := strconv.ParseFloat(strings.TrimSpace(x), 64)
		return f, err == nil
	}
	return 0, false
}

// isWholeNumber accepts 0, 30 and "30" (a quoted number means the same).
func isWholeNumber(v any) bool {
	switch x := v.(type) {
	case int:
		return x >= 0
	case string:
		n, err := strconv.Atoi(strings.TrimSpace(x))
		return err == nil && n >= 0
	}
	return false
}

// Collections.
var (
	hosts = listRule{what: "a list of hosts", elem: hostName}

	labelsRule = dictRule{what: "a map of labels (name: value)", value: value}

	// optionsRule is optionize's input: each value a scalar or a list of
	// scalars (repeated options).
	optionsRule = dictRule{what: "a map of options (name: value)", value: kindRule{
		what:   "a value or a list of values",
		scalar: value,
		list:   listRule{what: "a list of values", elem: value},
	}}

	env = envRule{}

	// credential is a registry username/password: the value itself, or a
	// list whose first item names an environment variable.
	credential = kindRule{
		what:   "a string, or a list naming an environment variable like [MRSK_REGISTRY_PASSWORD]",
		scalar: text,
		list:   listRule{what: "a list naming an environment variable", elem: envName},
	}

	healthcheckRule = fieldsRule{
		what: "a map (path, port, max_attempts, interval, cmd)",
		fields: []field{
			{"path", text},
			{"port", port},
			{"max_attempts", attempts},
			{"interval", text},
			{"cmd", text},
		},
		later: map[string]string{"log_lines": laterKamal},
	}

	roleRule = kindRule{
		what: "a list of hosts or a role map (hosts, cmd, env, labels, options, healthcheck, traefik)",
		list: hosts,
		dict: fieldsRule{
			what: "a role map",
			fields: []field{
				{"hosts", listRule{what: "a list of hosts", elem: hostName, single: true}},
				{"cmd", text},
				{"env", env},
				{"labels", labelsRule},
				{"options", optionsRule},
				{"healthcheck", healthcheckRule},
				// any value but false/null turns Traefik on (even "false")
				{"traefik", value},
			},
			later: map[string]string{"proxy": laterKamal},
		},
	}

	accessoryRule = fieldsRule{
		what: "an accessory map (image, host/hosts/roles, port, env, files, directories, volumes, options, labels, cmd)",
		fields: []field{
			{"image", text},
			// A wrong host shape is MRSK's own use-time error
			// ("Hosts should be an Array…"), kept as it is.
			{"host", kindRule{what: "a host name or address", scalar: hostName}},
			{"hosts", kindRule{what: "a list of hosts", list: hosts, passScalar: true, passMap: true}},
			{"roles", listRule{what: "a list of role names", elem: text, single: true}},
			{"port", value},
			{"env", env},
			{"files", textList(`a list of "local:remote" files`)},
			{"directories", textList(`a list of "host:container" directories`)},
			{"volumes", textList(`a list of "host:container" volumes`)},
			{"options", optionsRule},
			{"labels", labelsRule},
			{"cmd", text},
		},
		later: map[string]string{"proxy": laterKamal, "registry": laterKamal},
	}
)

// laterKamal explains a key of later Kamal versions.
const laterKamal = "a setting of later Kamal versions; MRSK 0.13 does not have it"

var deployRule = fieldsRule{
	what: "a map",
	fields: []field{
		{"service", text},
		{"image", text},
		{"servers", kindRule{
			what: "a list of hosts or a map of roles (role: [hosts])",
			list: hosts,
			dict: dictRule{what: "a map of roles", value: roleRule},
		}},
		{"registry", fieldsRule{
			what: "a map (server, username, password)",
			fields: []field{
				{"server", text},
				{"username", credential},
				{"password", credential},
			},
		}},
		{"env", env},
		{"volumes", textList(`a list of volumes like "/host/path:/container/path"`)},
		{"labels", labelsRule},
		{"logging", fieldsRule{
			what: "a map with driver and options (e.g. driver: json-file)",
			fields: []field{
				{"driver", text},
				{"options", dictRule{what: "a map of log options (name: value)", value: value}},
			},
		}},
		{"ssh", fieldsRule{
			what: "a map (user, proxy, proxy_command)",
			fields: []field{
				{"user", text},
				{"proxy", text},
				{"proxy_command", text},
				{"strict_host_key_checking", boolean},
				{"connect_timeout", positiveSeconds},
			},
			later: map[string]string{
				"port":      "MRSK 0.13 has no ssh.port: give the port with each host, e.g. 192.168.0.1:2222",
				"log_level": laterKamal, "keys": laterKamal, "keys_only": laterKamal,
				"key_data": laterKamal, "config": laterKamal,
			},
		}},
		{"builder", fieldsRule{
			what: "a map (multiarch, local, remote, args, secrets, dockerfile, context)",
			fields: []field{
				{"multiarch", boolean},
				{"local", builderHost},
				{"remote", builderHost},
				{"args", dictRule{what: "a map of build args (NAME: value)", value: value}},
				{"secrets", listRule{what: "a list of secret names", elem: envName}},
				{"dockerfile", text},
				{"context", text},
			},
			later: map[string]string{
				"arch": laterKamal, "cache": laterKamal, "ssh": laterKamal, "driver": laterKamal,
				"provenance": laterKamal, "sbom": laterKamal,
			},
		}},
		{"accessories", dictRule{what: "a map of accessories (name: settings)", value: accessoryRule}},
		{"traefik", fieldsRule{
			what: "a map (image, host_port, args, labels, options, env)",
			fields: []field{
				{"image", text},
				{"host_port", value},
				{"args", dictRule{what: "a map of arguments (name: value)", value: optionsRule.value}},
				{"labels", labelsRule},
				{"options", optionsRule},
				{"env", env},
			},
		}},
		{"healthcheck", healthcheckRule},
		{"boot", fieldsRule{
			what: "a map (limit, wait, on_failure)",
			fields: []field{
				{"limit", bootLimit},
				{"wait", seconds},
				{"on_failure", oneOf(BootRollback, BootStay)},
			},
		}},
		{"stop_wait_time", wholeNumber},
		{"readiness_delay", wholeNumber},
		{"hooks_path", text},
	},
	later: map[string]string{
		"proxy":               "Kamal 2's proxy replaces Traefik; MRSK 0.13 configures Traefik under traefik:",
		"primary_web_host":    "MRSK 0.13 has no such key: the primary host is the first host of the web role",
		"primary_role":        laterKamal,
		"minimum_version":     laterKamal,
		"asset_path":          laterKamal,
		"require_destination": laterKamal,
		"sshkit":              laterKamal,
		"aliases":             laterKamal,
		"retain_containers":   laterKamal,
		"deploy_timeout":      laterKamal,
		"drain_timeout":       laterKamal,
		"readiness_timeout":   laterKamal,
		"run_directory":       laterKamal,
		"allow_empty_roles":   laterKamal,
		"error_pages_path":    laterKamal,
	},
}

var builderHost = fieldsRule{
	what:   "a map (arch, host)",
	fields: []field{{"arch", text}, {"host", text}},
}
