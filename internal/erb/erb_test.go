package erb

import (
	"errors"
	"strings"
	"testing"
)

func env(vars map[string]string) Env {
	var environ []string
	for k, v := range vars {
		environ = append(environ, k+"="+v)
	}
	environ = append(environ, "PATH=/usr/bin:/bin")
	return Env{
		Lookup:  func(k string) (string, bool) { v, ok := vars[k]; return v, ok },
		Environ: environ,
	}
}

func render(t *testing.T, src string, vars map[string]string) string {
	t.Helper()
	out, err := Render("test.yml", []byte(src), env(vars))
	if err != nil {
		t.Fatalf("Render(%q): %v", src, err)
	}
	return string(out)
}

func TestRender(t *testing.T) {
	vars := map[string]string{"USER_NAME": "dhh", "EMPTY": "", "PADDED": "  x \n"}
	tests := []struct{ src, want string }{
		{"plain: text\n", "plain: text\n"},
		{`a: <%= "my-user" %>`, "a: my-user"},
		{`a: <%= 'single' %>`, "a: single"},
		{`a: <%= "tab\there \"q\" \\ #{ENV["USER_NAME"]}" %>`, "a: tab\there \"q\" \\ dhh"},
		{`<%= ENV["USER_NAME"] %>|<%= ENV['MISSING'] %>|`, "dhh||"},
		{`<%= ENV.fetch("USER_NAME") %>`, "dhh"},
		{`<%= ENV.fetch("MISSING", "fallback") %>`, "fallback"},
		{`<%= ENV.fetch('MISSING', ENV["USER_NAME"]) %>`, "dhh"},
		{`<%= ENV["MISSING"] || "default" %>`, "default"},
		{`<%= ENV["PADDED"].strip %>|<%= ENV["PADDED"].chomp %>|`, "x|  x |"},
		{"<%= `echo hi` %>", "hi\n"},
		{"<%= `echo hi`.strip %>", "hi"},
		{"<%= %x(echo $USER_NAME).chomp %>", "dhh"},
		{"<%= %x{printf 'a b'} %>", "a b"},
		{"<%# a comment %>x", "x"},
		{"<%% literal %>", "<% literal %>"},
		{"<% if ENV[\"USER_NAME\"] %>yes<% else %>no<% end %>", "yes"},
		{"<% if ENV[\"MISSING\"] %>yes<% else %>no<% end %>", "no"},
		{"<% if ENV[\"EMPTY\"] %>empty is truthy<% end %>", "empty is truthy"},
		{"<% unless ENV[\"MISSING\"] %>unset<% end %>", "unset"},
		{`<% if ENV["USER_NAME"] == "dhh" %>a<% elsif ENV["X"] %>b<% else %>c<% end %>`, "a"},
		{`<% if ENV["USER_NAME"] != "dhh" %>a<% elsif !ENV["X"] %>b<% else %>c<% end %>`, "b"},
		{`<% if nil %>a<% elsif false %>b<% else %>c<% end %>`, "c"},
		{"<% if true %>\nkeep newline\n<% end %>\n", "\nkeep newline\n\n"},
		{"a:\n  <%- if true -%>\n  b: 1\n  <%- end -%>\n", "a:\n  b: 1\n"},
		{"<%= nil %>|<%= true %>", "|true"},
	}
	for _, tt := range tests {
		if got := render(t, tt.src, vars); got != tt.want {
			t.Errorf("Render(%q) = %q, want %q", tt.src, got, tt.want)
		}
	}
}

func TestFetchMissingIsKeyError(t *testing.T) {
	_, err := Render("config/deploy.yml", []byte("a: 1\nb: <%= ENV.fetch(\"NOPE\") %>"), env(nil))
	var ke *KeyError
	if !errors.As(err, &ke) {
		t.Fatalf("err = %v, want *KeyError", err)
	}
	if err.Error() != `key not found: "NOPE"` || ke.Line != 2 || ke.File != "config/deploy.yml" {
		t.Errorf("err = %q at %s:%d", err, ke.File, ke.Line)
	}
}

func TestErrors(t *testing.T) {
	tests := []struct{ src, want string }{
		{"a\n<%= File.read('x') %>", `test.yml:2: unsupported ERB expression "File.read('x')"`},
		{"<%= ENV['X'].upcase %>", `test.yml:1: unsupported ERB expression "ENV['X'].upcase"`},
		{"<% x = 1 %>", "test.yml:1: unsupported ERB code <% x = 1 %>"},
		{"<%= \"open %>", "test.yml:1: unterminated string"},
		{"<%= 'x'", "test.yml:1: unterminated ERB tag"},
		{"<% if true %>a", "test.yml:1: `if` without a matching <% end %>"},
		{"a\n\n<% end %>", "test.yml:3: unexpected `end` without a matching `if`"},
		{"<%= %>", "test.yml:1: empty ERB expression"},
		{"<%= ENV['MISSING'].strip %>", "test.yml:1: undefined method `strip' for nil"},
		{"<% if true %>a<% else %>b<% else %>c<% end %>", "`else` after `else`"},
	}
	for _, tt := range tests {
		_, err := Render("test.yml", []byte(tt.src), env(nil))
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("Render(%q) error = %v, want containing %q", tt.src, err, tt.want)
		}
	}
}

func TestShellSeesEnvAndDir(t *testing.T) {
	dir := t.TempDir()
	e := env(map[string]string{"FROM_DOTENV": "v1"})
	e.Dir = dir
	out, err := Render("x", []byte("<%= `echo $FROM_DOTENV; pwd` %>"), e)
	if err != nil {
		t.Fatal(err)
	}
	if got := string(out); got != "v1\n"+dir+"\n" {
		t.Errorf("got %q", got)
	}
}
