package analyze

import (
	"fmt"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/loopdoctor/loopdoctor/parse"
)

// graph builds a small normalized profile: funcs are "name own cum calls
// primitive" specs in file a.py, edges "caller>callee calls cum".
func graph(t *testing.T, funcs []string, edges []string) *parse.Profile {
	t.Helper()
	p := &parse.Profile{Format: parse.Pstats, Unit: "seconds"}
	byName := map[string]*parse.Func{}
	for i, spec := range funcs {
		var f parse.Func
		var name string
		if _, err := fmt.Sscan(spec, &name, &f.Own, &f.Cum, &f.Calls, &f.Primitive); err != nil {
			t.Fatalf("func spec %q: %v", spec, err)
		}
		f.Name, f.File, f.Line = name, "a.py", i+1
		byName[name] = &f
		p.Funcs = append(p.Funcs, &f)
		p.Total += f.Own
	}
	for _, spec := range edges {
		var pair string
		e := &parse.Edge{}
		if _, err := fmt.Sscan(spec, &pair, &e.Calls, &e.Cum); err != nil {
			t.Fatalf("edge spec %q: %v", spec, err)
		}
		caller, callee, _ := strings.Cut(pair, ">")
		e.Caller, e.Callee, e.Primitive = byName[caller], byName[callee], e.Calls
		p.Edges = append(p.Edges, e)
	}
	if err := p.Normalize(); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestRank(t *testing.T) {
	p := graph(t, []string{
		"main 0.1 10 1 1",
		"parse 1 8 40 40",
		"walk 3 4 400 4",
		"leaf 4 4 8000 8000",
		"tiny 0.5 0.5 1 1",
	}, []string{"main>parse 40 8", "parse>walk 4 4", "walk>walk 396 3.9", "walk>leaf 8000 4"})

	names := func(rows []Row) string {
		var s []string
		for _, r := range rows {
			s = append(s, r.Func.Name)
		}
		return strings.Join(s, " ")
	}
	tests := []struct {
		name    string
		opts    Options
		want    string
		matched int
	}{
		{"cum is the default", Options{}, "main parse leaf walk tiny", 5},
		{"own", Options{Sort: ByOwn}, "leaf walk parse tiny main", 5},
		{"calls", Options{Sort: ByCalls}, "leaf walk parse main tiny", 5},
		{"own per call", Options{Sort: ByOwnPerCall}, "tiny main parse walk leaf", 5},
		{"cum per call uses primitive calls", Options{Sort: ByCumPerCall}, "main walk tiny parse leaf", 5},
		{"name", Options{Sort: ByName}, "main parse walk leaf tiny", 5},
		{"top cuts after ranking", Options{Sort: ByOwn, Top: 2}, "leaf walk", 5},
		{"focus", Options{Focus: regexp.MustCompile(`\((walk|leaf)\)`)}, "leaf walk", 2},
		{"ignore", Options{Ignore: regexp.MustCompile(`main|tiny`), Top: 1}, "parse", 3},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := Analyze(p, tt.opts)
			if got := names(r.Rows); got != tt.want {
				t.Errorf("rows %q, want %q", got, tt.want)
			}
			if r.Matched != tt.matched {
				t.Errorf("matched %d, want %d", r.Matched, tt.matched)
			}
		})
	}

	r := Analyze(p, Options{})
	walk := r.Rows[3]
	if walk.Func.Name != "walk" || walk.OwnPerCall != 3.0/400 || walk.CumPerCall != 4.0/4 || walk.OwnShare != 3/p.Total {
		t.Errorf("walk row ratios: %+v", walk)
	}
	if r.Calls != 1+40+400+8000+1 {
		t.Errorf("total calls %d", r.Calls)
	}
}

// TestBestMatchesFullSort checks the top-N window against a full sort on a
// real dump, for every key.
func TestBestMatchesFullSort(t *testing.T) {
	p, err := parse.File("../testdata/webhook/webhook.pstats", parse.Options{})
	if err != nil {
		t.Fatal(err)
	}
	for k := ByCum; k <= ByName; k++ {
		all := Analyze(p, Options{Sort: k}).Rows
		top := Analyze(p, Options{Sort: k, Top: 25}).Rows
		if !slices.Equal(funcsOf(top), funcsOf(all[:25])) {
			t.Errorf("%s: top 25 differs from the first 25 of the full ranking", k)
		}
	}
}

func funcsOf(rows []Row) []*parse.Func {
	out := make([]*parse.Func, len(rows))
	for i, r := range rows {
		out[i] = r.Func
	}
	return out
}

func TestRelations(t *testing.T) {
	p := graph(t, []string{"a 1 5 1 1", "b 1 5 1 1", "c 3 3 2 2"}, []string{"a>c 1 1", "b>c 1 2"})
	r := Analyze(p, Options{Callers: regexp.MustCompile(`\(c\)`), Callees: regexp.MustCompile(`\(nothing\)`)})
	if len(r.Callers) != 1 || r.Callers[0].Func.Name != "c" {
		t.Fatalf("callers: %+v", r.Callers)
	}
	if e := r.Callers[0].Edges; len(e) != 2 || e[0].Caller.Name != "b" || e[1].Caller.Name != "a" {
		t.Errorf("callers of c not ordered by edge cum: %v", e)
	}
	if r.Callees == nil || len(r.Callees) != 0 {
		t.Errorf("callees for a pattern matching nothing: %+v, want empty", r.Callees)
	}
}

func TestParseKey(t *testing.T) {
	for in, want := range map[string]Key{"cum": ByCum, "cumulative": ByCum, "tottime": ByOwn, "OWN": ByOwn, "ncalls": ByCalls, "own-per-call": ByOwnPerCall, "cum-per-call": ByCumPerCall, "name": ByName} {
		if got, err := ParseKey(in); err != nil || got != want {
			t.Errorf("ParseKey(%q) = %v, %v; want %v", in, got, err, want)
		}
	}
	if _, err := ParseKey("fast"); err == nil || !strings.Contains(err.Error(), "cum, own, calls") {
		t.Errorf("ParseKey(fast) error %v should list the keys", err)
	}
}
