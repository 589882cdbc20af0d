package config

import (
	yaml "go.yaml.in/yaml/v3"

	"github.com/mrsk-go/mrsk/internal/shell"
)

// OMap is an ordered map with string keys, the shape every YAML mapping is
// parsed into. MRSK's output depends on YAML key order (env, labels, options,
// args, accessories), so a Go map would not do. Values are *OMap, []any,
// string, int, float64, bool or nil.
//
// A nil *OMap behaves as an empty map for every read method.
type OMap struct {
	keys []string
	vals map[string]any
	pos  map[string]Pos
}

// Pos is where a key was written: the file (as named in messages) and its
// 1-based line. After a destination merge it is the file that set the key.
type Pos struct {
	File string
	Line int
}

// NewOMap returns an empty map.
func NewOMap() *OMap { return &OMap{vals: map[string]any{}} }

// Len is the number of keys.
func (m *OMap) Len() int {
	if m == nil {
		return 0
	}
	return len(m.keys)
}

// Keys returns the keys in insertion (YAML) order.
func (m *OMap) Keys() []string {
	if m == nil {
		return nil
	}
	return append([]string(nil), m.keys...)
}

// Get returns the value stored under k.
func (m *OMap) Get(k string) (any, bool) {
	if m == nil {
		return nil, false
	}
	v, ok := m.vals[k]
	return v, ok
}

// Value returns the value under k, nil when absent.
func (m *OMap) Value(k string) any {
	v, _ := m.Get(k)
	return v
}

// Has reports whether k is present (even with a nil value).
func (m *OMap) Has(k string) bool {
	_, ok := m.Get(k)
	return ok
}

// Map returns the value under k if it is a map, else nil.
func (m *OMap) Map(k string) *OMap {
	v, _ := m.Value(k).(*OMap)
	return v
}

// Str returns the value under k converted with Ruby's to_s ("" when absent).
func (m *OMap) Str(k string) string { return shell.ToS(m.Value(k)) }

// Line is the 1-based source line of key k, 0 when unknown.
func (m *OMap) Line(k string) int { return m.Pos(k).Line }

// Pos is where key k was written (zero when unknown).
func (m *OMap) Pos(k string) Pos {
	if m == nil {
		return Pos{}
	}
	return m.pos[k]
}

// Set stores v under k. Like a Ruby Hash, an existing key keeps its
// position; a new key is appended.
func (m *OMap) Set(k string, v any) {
	if m.vals == nil {
		m.vals = map[string]any{}
	}
	if _, ok := m.vals[k]; !ok {
		m.keys = append(m.keys, k)
	}
	m.vals[k] = v
}

func (m *OMap) setPos(k string, p Pos) {
	if m.pos == nil {
		m.pos = map[string]Pos{}
	}
	m.pos[k] = p
}

// Pairs returns the entries in order; it makes *OMap a shell.Pairer.
func (m *OMap) Pairs() []shell.Pair {
	if m == nil {
		return nil
	}
	out := make([]shell.Pair, len(m.keys))
	for i, k := range m.keys {
		out[i] = shell.Pair{Key: k, Value: m.vals[k]}
	}
	return out
}

// Clone returns a deep copy (nested maps and lists are copied too).
func (m *OMap) Clone() *OMap {
	if m == nil {
		return nil
	}
	out := &OMap{keys: append([]string(nil), m.keys...), vals: make(map[string]any, len(m.vals))}
	for k, v := range m.vals {
		out.vals[k] = cloneValue(v)
	}
	if m.pos != nil {
		out.pos = make(map[string]Pos, len(m.pos))
		for k, p := range m.pos {
			out.pos[k] = p
		}
	}
	return out
}

// Merge returns a copy of m with other's entries set over it (Ruby
// Hash#merge: shallow, existing keys keep their position).
func (m *OMap) Merge(other *OMap) *OMap {
	out := m.Clone()
	if out == nil {
		out = NewOMap()
	}
	for _, p := range other.Pairs() {
		out.Set(p.Key, cloneValue(p.Value))
	}
	return out
}

func cloneValue(v any) any {
	switch x := v.(type) {
	case *OMap:
		return x.Clone()
	case []any:
		out := make([]any, len(x))
		for i, e := range x {
			out[i] = cloneValue(e)
		}
		return out
	}
	return v
}

// deepMerge merges over into base the way MRSK merges a destination file:
// maps merge recursively, anything else in over replaces the base value.
func deepMerge(base, over *OMap) *OMap {
	out := base.Clone()
	if out == nil {
		out = NewOMap()
	}
	for _, k := range over.Keys() {
		ov := over.Value(k)
		if bm, ok := out.Value(k).(*OMap); ok {
			if om, ok := ov.(*OMap); ok {
				out.Set(k, deepMerge(bm, om))
				out.setPos(k, over.Pos(k))
				continue
			}
		}
		out.Set(k, cloneValue(ov))
		out.setPos(k, over.Pos(k))
	}
	return out
}

// MarshalYAML keeps key order when the map is written with yaml.v3 (e.g.
// by `mrsk config`).
func (m *OMap) MarshalYAML() (any, error) {
	n := &yaml.Node{Kind: yaml.MappingNode, Tag: "!!map"}
	for _, p := range m.Pairs() {
		k, v := &yaml.Node{}, &yaml.Node{}
		if err := k.Encode(p.Key); err != nil {
			return nil, err
		}
		if err := v.Encode(p.Value); err != nil {
			return nil, err
		}
		n.Content = append(n.Content, k, v)
	}
	return n, nil
}
