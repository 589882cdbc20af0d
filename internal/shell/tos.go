package shell

import (
	"fmt"
	"math"
	"strconv"
	"strings"
)

// Pair is one key/value entry of an ordered map.
type Pair struct {
	Key   string
	Value any
}

// Pairer is implemented by ordered maps (config.OMap) so this package can
// render them without importing the config package.
type Pairer interface {
	Pairs() []Pair
}

// ToS converts a YAML value to a string the way Ruby's `to_s` does:
// nil → "", true → "true", 4 → "4", 1.0 → "1.0", lists and maps → their
// Ruby inspect form.
func ToS(v any) string {
	switch x := v.(type) {
	case nil:
		return ""
	case string:
		return x
	case []any, []string, Pairer, []Pair:
		return Inspect(x)
	}
	return scalarToS(v)
}

func scalarToS(v any) string {
	switch x := v.(type) {
	case bool:
		return strconv.FormatBool(x)
	case int:
		return strconv.Itoa(x)
	case int64:
		return strconv.FormatInt(x, 10)
	case uint64:
		return strconv.FormatUint(x, 10)
	case float64:
		return FloatToS(x)
	case fmt.Stringer:
		return x.String()
	}
	return fmt.Sprint(v)
}

// FloatToS is Ruby's Float#to_s: fixed notation with at least one decimal
// between 1e-4 and 1e16, scientific ("1.0e+20") outside.
func FloatToS(f float64) string {
	switch {
	case math.IsNaN(f):
		return "NaN"
	case math.IsInf(f, 1):
		return "Infinity"
	case math.IsInf(f, -1):
		return "-Infinity"
	}
	abs := math.Abs(f)
	if abs == 0 || (abs >= 1e-4 && abs < 1e16) {
		s := strconv.FormatFloat(f, 'f', -1, 64)
		if !strings.Contains(s, ".") {
			s += ".0"
		}
		return s
	}
	s := strconv.FormatFloat(f, 'e', -1, 64) // e.g. 1e+20, 1.5e-05
	mant, exp, _ := strings.Cut(s, "e")
	if !strings.Contains(mant, ".") {
		mant += ".0"
	}
	return mant + "e" + exp
}

// Inspect is Ruby's `inspect` for YAML values (used when a list or map ends
// up where a string is expected, e.g. `["a", "b"]`).
func Inspect(v any) string {
	switch x := v.(type) {
	case nil:
		return "nil"
	case string:
		return inspectString(x)
	case []string:
		parts := make([]string, len(x))
		for i, e := range x {
			parts[i] = inspectString(e)
		}
		return "[" + strings.Join(parts, ", ") + "]"
	case []any:
		parts := make([]string, len(x))
		for i, e := range x {
			parts[i] = Inspect(e)
		}
		return "[" + strings.Join(parts, ", ") + "]"
	case Pairer:
		return inspectPairs(x.Pairs())
	case []Pair:
		return inspectPairs(x)
	}
	return scalarToS(v)
}

func inspectPairs(ps []Pair) string {
	parts := make([]string, len(ps))
	for i, p := range ps {
		parts[i] = inspectString(p.Key) + "=>" + Inspect(p.Value)
	}
	return "{" + strings.Join(parts, ", ") + "}"
}

// inspectString approximates String#inspect, which unlike dump keeps
// printable non-ASCII characters as they are.
func inspectString(s string) string {
	var b strings.Builder
	b.WriteByte('"')
	for _, r := range s {
		if r >= 0x80 && strconv.IsPrint(r) {
			b.WriteRune(r)
			continue
		}
		d := Dump(string(r))
		b.WriteString(d[1 : len(d)-1])
	}
	b.WriteByte('"')
	return b.String()
}
