package cli

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strconv"

	"github.com/spf13/cobra"
	"go.yaml.in/yaml/v3"

	"github.com/mrsk-go/mrsk/internal/config"
)

func configCommand(a *App) *cobra.Command {
	c := leaf("config", "Print the configuration as mrsk resolves it, secrets redacted (--json for machines)", noArgs(), func(*cobra.Command, []string) error {
		return runConfig(a, a.JSON)
	})
	c.Long = "Show the configuration as mrsk resolves it: roles, hosts, primary host,\n" +
		"version, image, env and volume arguments, ssh, builder, accessories, logging\n" +
		"and healthcheck. Secret values are shown as [REDACTED]."
	a.jsonFlag(c)
	c.Flags().Lookup("json").Usage = "Print JSON instead of YAML (keys without the leading colon)"
	return c
}

// runConfig prints the resolved configuration summary. The config package
// builds it with secret env values already redacted; builder and accessories
// are echoed raw, which holds secret names only, never resolved values.
func runConfig(a *App, asJSON bool) error {
	cfg, err := a.Config()
	if err != nil {
		return err
	}
	// The summary shows the version, so like MRSK fail when it cannot be
	// derived instead of printing an image without a tag.
	if _, err := cfg.ResolveVersion(); err != nil {
		return err
	}
	summary := cfg.ToMap(true)
	var out []byte
	if asJSON {
		var b bytes.Buffer
		writeJSON(&b, summary)
		b.WriteByte('\n')
		out = b.Bytes()
	} else {
		out, err = rubyYAML(summary)
		if err != nil {
			return err
		}
	}
	if asJSON {
		a.Out.Document(out)
		return nil
	}
	a.Out.Print(string(out))
	return nil
}

// rubyYAML renders the summary the way MRSK's `config` prints it: a YAML
// document whose top-level keys are Ruby symbols (`:roles:`), in order.
func rubyYAML(m *config.OMap) ([]byte, error) {
	root := &yaml.Node{Kind: yaml.MappingNode}
	for _, k := range m.Keys() {
		v := yamlNode(m.Value(k))
		// MRSK's ssh options are a Ruby hash with symbol keys too.
		if ssh, ok := m.Value(k).(*config.OMap); ok && k == "ssh_options" {
			v = &yaml.Node{Kind: yaml.MappingNode}
			for _, sk := range ssh.Keys() {
				v.Content = append(v.Content, strNode(":"+sk), yamlNode(ssh.Value(sk)))
			}
		}
		root.Content = append(root.Content, strNode(":"+k), v)
	}
	var b bytes.Buffer
	b.WriteString("---\n")
	enc := yaml.NewEncoder(&b)
	enc.SetIndent(2)
	if err := enc.Encode(root); err != nil {
		return nil, fmt.Errorf("cannot render the configuration as YAML: %w", err)
	}
	if err := enc.Close(); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

func strNode(s string) *yaml.Node { return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: s} }

func yamlNode(v any) *yaml.Node {
	switch t := v.(type) {
	case *config.OMap:
		n := &yaml.Node{Kind: yaml.MappingNode}
		for _, k := range t.Keys() {
			n.Content = append(n.Content, strNode(k), yamlNode(t.Value(k)))
		}
		return n
	case []any:
		n := &yaml.Node{Kind: yaml.SequenceNode}
		for _, e := range t {
			n.Content = append(n.Content, yamlNode(e))
		}
		return n
	case []string:
		n := &yaml.Node{Kind: yaml.SequenceNode}
		for _, e := range t {
			n.Content = append(n.Content, strNode(e))
		}
		return n
	case nil:
		return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!null", Value: "null"}
	case string:
		return strNode(t)
	case bool:
		return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!bool", Value: strconv.FormatBool(t)}
	case int:
		return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!int", Value: strconv.Itoa(t)}
	case float64:
		return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!float", Value: strconv.FormatFloat(t, 'g', -1, 64)}
	}
	return strNode(fmt.Sprint(v))
}

// writeJSON encodes the ordered map with its key order kept, which
// encoding/json cannot do for a Go map.
func writeJSON(b *bytes.Buffer, v any) {
	switch t := v.(type) {
	case *config.OMap:
		b.WriteByte('{')
		for i, k := range t.Keys() {
			if i > 0 {
				b.WriteByte(',')
			}
			writeJSONScalar(b, k)
			b.WriteByte(':')
			writeJSON(b, t.Value(k))
		}
		b.WriteByte('}')
	case []any:
		b.WriteByte('[')
		for i, e := range t {
			if i > 0 {
				b.WriteByte(',')
			}
			writeJSON(b, e)
		}
		b.WriteByte(']')
	case []string:
		list := make([]any, len(t))
		for i, e := range t {
			list[i] = e
		}
		writeJSON(b, list)
	default:
		writeJSONScalar(b, t)
	}
}

func writeJSONScalar(b *bytes.Buffer, v any) {
	enc, err := json.Marshal(v)
	if err != nil {
		enc, _ = json.Marshal(fmt.Sprint(v))
	}
	b.Write(enc)
}
