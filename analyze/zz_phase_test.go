package analyze

import (
	"os"
	"strconv"
	"testing"

	"github.com/loopdoctor/loopdoctor/parse"
)

func TestZZPhase(t *testing.T) {
	ph := os.Getenv("PHASE")
	if ph == "" {
		t.Skip()
	}
	reps, _ := strconv.Atoi(os.Getenv("REPS"))
	p, err := parse.File("../testdata/pstats/large.pstats", parse.Options{})
	if err != nil {
		t.Fatal(err)
	}
	p.CallGraph()
	lim := DefaultLimits()
	if ph == "none" {
		return
	}
	for range reps {
		ix := newProfileIndex(p, builtinCatalog, &lim, newRanking(p, Options{Top: 30}).add)
		if ph == "index" {
			continue
		}
		g := newCallGraph(ix)
		if ph == "callgraph" {
			continue
		}
		g.pythonMajor = pythonMajor(p)
		cat := g.catalogCandidates()
		if ph == "catalog" {
			continue
		}
		var findings []Finding
		for _, c := range cat {
			findings = g.accept(findings, c)
		}
		sh := g.shapeCandidates()
		if ph == "shape" {
			continue
		}
		for _, c := range sh {
			findings = g.accept(findings, c)
		}
		if ph == "setup" {
			continue
		}
		rt := findRuntime(ix)
		if ph == "runtime" {
			continue
		}
		threadNotes(ix)
		if ph == "threads" {
			continue
		}
		w := newLoopWalk(ix, rt, &lim)
		if ph == "walk" {
			continue
		}
		l := &Loop{Busy: 1, Wall: 1, SlowThreshold: 0.1}
		l.Blockers = w.blockers(l, findings)
		w.slowSteps(l)
	}
}
