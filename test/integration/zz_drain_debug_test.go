//go:build integration

package integration

import (
	"testing"
)

func TestZZDrainDebug(t *testing.T) {
	p := newProject(t, "zz-dbg", projectOptions{})
	v1 := p.git("rev-parse", "HEAD")
	p.must("deploy")
	p.waitServing(p.hosts, "v1", switchTimeout)
	p.release("v2")
	for _, args := range [][]string{{"deploy", "-v"}, {"rollback", v1, "-v"}} {
		r := p.must(args...)
		for _, l := range r.lines {
			t.Logf("%6.2fs %s", l.at.Seconds(), l.text)
		}
	}
}
