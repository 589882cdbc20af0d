package config

import (
	"math"
	"reflect"
	"strings"
	"testing"
)

func TestYAML11Scalars(t *testing.T) {
	tests := []struct {
		in   string
		want any
	}{
		{"yes", true}, {"No", false}, {"ON", true}, {"off", false}, {"true", true}, {"y", "y"},
		{"~", nil}, {"null", nil}, {"", nil},
		{"010", 8}, {"0x1F", 31}, {"0b101", 5}, {"1_000", 1000}, {"1,000", 1000}, {"-42", -42}, {"09", "09"},
		{"12:30", 45000}, {"1:2:3", 3723}, {"2222:22", 8000520},
		{"80:80", "80:80"}, {"6379:6379", "6379:6379"}, {"1:2:3:4", "1:2:3:4"},
		{"1.0", 1.0}, {"1.5e+3", 1500.0}, {".5", 0.5},
		{"'yes'", "yes"}, {`"010"`, "010"}, {"!!str 10", "10"},
		{"1.2.3.4", "1.2.3.4"}, {"3306", 3306}, {"10%", "10%"},
	}
	for _, tt := range tests {
		v, err := ParseYAML("t", []byte("k: "+tt.in+"\n"))
		if err != nil {
			t.Errorf("%q: %v", tt.in, err)
			continue
		}
		got := v.(*OMap).Value("k")
		if !reflect.DeepEqual(got, tt.want) {
			t.Errorf("%q = %#v, want %#v", tt.in, got, tt.want)
		}
	}
	v, _ := ParseYAML("t", []byte("a: .inf\nb: .nan\n"))
	if f := v.(*OMap).Value("a").(float64); !math.IsInf(f, 1) {
		t.Errorf(".inf = %v", f)
	}
}

func TestYAMLRejects(t *testing.T) {
	tests := []struct{ src, want string }{
		{"a: &x 1\nb: *x\n", "t:2: Unknown alias: x"},
		{"a: 2023-04-14\n", "t:1: Tried to load unspecified class: Date"},
		{"a: 2023-04-14 10:00:00\n", "t:1: Tried to load unspecified class: Time"},
		{"a: !ruby/object:Foo {}\n", "t:1: Tried to load unspecified class"},
		{"a:\n  b: [1\n", "t:"},
	}
	for _, tt := range tests {
		_, err := ParseYAML("t", []byte(tt.src))
		if err == nil || !strings.HasPrefix(err.Error(), tt.want) {
			t.Errorf("%q: err = %v, want prefix %q", tt.src, err, tt.want)
		}
	}
}

func TestYAMLKeepsOrderAndLines(t *testing.T) {
	v, err := ParseYAML("t", []byte("z: 1\na: 2\nm:\n  y: 1\n  b: 2\n"))
	if err != nil {
		t.Fatal(err)
	}
	m := v.(*OMap)
	if !reflect.DeepEqual(m.Keys(), []string{"z", "a", "m"}) || !reflect.DeepEqual(m.Map("m").Keys(), []string{"y", "b"}) {
		t.Errorf("order lost: %v %v", m.Keys(), m.Map("m").Keys())
	}
	if m.Line("a") != 2 || m.Map("m").Line("b") != 5 {
		t.Errorf("lines: a=%d b=%d", m.Line("a"), m.Map("m").Line("b"))
	}
}
