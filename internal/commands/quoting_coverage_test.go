package commands

import (
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"regexp"
	"sort"
	"strings"
	"testing"
)

// placesNoValue are the builders that put no free string from the command
// line, the config or a host on a line: only constants, or names the config
// has already checked (package names: service, destination, accessory).
var placesNoValue = map[string]bool{
	"Accessory.RemoveEnvFile": true, "Accessory.RemoveServiceDirectory": true, "Auditor.Reveal": true,
	"Docker.Installed": true, "Docker.Running": true, "Docker.Superuser": true, "Docker.Install": true,
	"Docker.InstallPackages": true, "Lock.Release": true, "Lock.Status": true, "Lock.Held": true,
	"RemoveUnusedCords": true, "HostTime": true, "EngineAPI": true, "Builder.LocalDocker": true, "Builder.LocalBuildx": true,
	"Builder.EnsureLocalDependenciesInstalled": true, "Traefik.Start": true, "Traefik.Stop": true,
	"Traefik.Info": true, "Traefik.RemoveContainer": true, "Traefik.RemoveImage": true,
	"Traefik.RemoveEnvFile": true, "Traefik.RemoveByName": true, "Traefik.Running": true,
	"Traefik.StartIfStopped": true, "Traefik.InfoJSON": true, "Lock.AwaitRelease": true, "OrElse": true, "Beside": true,
	// combinators: their pid is a constant shell name, checked by shellName
	"Background": true, "Await": true, "Niced": true,
}

// TestQuotingCoversEveryBuilder: every function of the package that builds
// a command line is driven by the quoting tests, or places no value.
func TestQuotingCoversEveryBuilder(t *testing.T) {
	var covered strings.Builder
	for _, f := range []string{"quoting_cases_test.go", "switch_quoting_test.go", "injection_test.go"} {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		covered.Write(b)
	}
	pkgs, err := parser.ParseDir(token.NewFileSet(), ".", func(fi os.FileInfo) bool {
		return !strings.HasSuffix(fi.Name(), "_test.go")
	}, 0)
	if err != nil {
		t.Fatal(err)
	}
	var missing []string
	for _, pkg := range pkgs {
		for _, file := range pkg.Files {
			for _, d := range file.Decls {
				fn, ok := d.(*ast.FuncDecl)
				if !ok || !fn.Name.IsExported() || !buildsLine(fn) {
					continue
				}
				name := fn.Name.Name
				if fn.Recv != nil {
					name = recvName(fn.Recv.List[0].Type) + "." + name
				}
				called := regexp.MustCompile(`\b` + fn.Name.Name + `\(`).MatchString(covered.String())
				if !called && !placesNoValue[name] {
					missing = append(missing, name)
				}
			}
		}
	}
	sort.Strings(missing)
	if len(missing) > 0 {
		t.Errorf("builders not driven by the quoting tests (add them to quotingCases, or to placesNoValue when they place no value): %s",
			strings.Join(missing, ", "))
	}
}

// buildsLine reports whether fn returns a Cmd or a HookRun.
func buildsLine(fn *ast.FuncDecl) bool {
	if fn.Type.Results == nil {
		return false
	}
	for _, r := range fn.Type.Results.List {
		if id, ok := r.Type.(*ast.Ident); ok && (id.Name == "Cmd" || id.Name == "HookRun") {
			return true
		}
	}
	return false
}

func recvName(e ast.Expr) string {
	if s, ok := e.(*ast.StarExpr); ok {
		e = s.X
	}
	if id, ok := e.(*ast.Ident); ok {
		return id.Name
	}
	return "?"
}
