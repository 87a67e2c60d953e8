package analyze

import (
	"testing"

	"github.com/loopdoctor/loopdoctor/parse"
)

// TestUseRatioWeighsBuiltins checks the build-versus-use comparison on
// testdata/setup/report_sum.pstats: report() compiles a Jinja2 template per
// batch, and its heaviest other call is the built-in sum over the batch,
// not the template's render, so the comparison quotes sum and its time.
func TestUseRatioWeighsBuiltins(t *testing.T) {
	p, err := parse.File("../testdata/setup/report_sum.pstats", parse.Options{})
	if err != nil {
		t.Fatal(err)
	}
	var sum, build *parse.Edge
	for _, f := range p.Funcs {
		if f.Name != "report" {
			continue
		}
		for _, e := range f.Out {
			switch e.Callee.Name {
			case "<built-in method builtins.sum>":
				sum = e
			case "from_string":
				build = e
			}
		}
	}
	if sum == nil || build == nil {
		t.Fatal("report's calls of sum and from_string are not in the dump")
	}
	got := findSetup(p)
	if len(got) == 0 || got[0].Func.Name != "from_string" {
		t.Fatalf("findings %v, want the template compile first", got)
	}
	want := Fact{Kind: FactUseRatio, Func: named("from_string"), Site: named("report"),
		Other: named("<built-in method builtins.sum>"), Ratio: build.Cum / sum.Cum, Cost: sum.Cum}
	if !hasFact(got[0].Evidence, want) {
		t.Errorf("evidence lacks %+v:\n%+v", want, got[0].Evidence)
	}
}
