package render

import (
	"io"

	"github.com/loopdoctor/loopdoctor/analyze"
	"github.com/loopdoctor/loopdoctor/parse"
)

// Schema names the JSON document layout; it changes only when a field
// changes meaning or disappears. v2 made findings' evidence facts (data
// with a rendered sentence) instead of sentences.
const Schema = "loopdoctor/v2"

// JSON writes the report as one indented JSON document.
func JSON(w io.Writer, r *analyze.Report) error {
	return writeReport(newJSONWriter(w, true), r)
}

// JSONLine writes the report as one JSON document on a single line, the
// form used when many files are reported at once (NDJSON).
func JSONLine(w io.Writer, r *analyze.Report) error {
	return writeReport(newJSONWriter(w, false), r)
}

// JSONError writes the NDJSON line that stands for an input that could not
// be read, so a script reading one line per file still sees every file.
func JSONError(out io.Writer, source string, err error) error {
	w := newJSONWriter(out, false)
	w.open('{')
	w.key("schema").str(Schema)
	w.key("source").str(source)
	w.key("error").str(err.Error())
	w.close('}')
	return w.finish()
}

// writeReport writes the JSON form of a report, the layout the README's
// JSON section documents: every function and edge whatever the table
// options were, numbers exactly as recorded, unknown values as null, and
// the keys in a fixed order. Optional keys are left out where they are
// zero, as encoding/json's omitempty did when the document was a struct
// (json_oracle_test.go keeps that struct and checks every byte against it).
func writeReport(w *jsonWriter, r *analyze.Report) error {
	p := r.Profile
	w.memoFloats(len(p.Funcs) + len(p.Edges))
	w.open('{')
	w.key("schema").str(Schema)
	w.key("source").str(p.Source)
	w.key("format").str(string(p.Format))
	w.key("dialect").str(p.Dialect)
	w.key("unit").str(p.Unit)
	if p.SampleType != "" {
		w.key("sample_type").str(p.SampleType)
	}
	if len(p.SampleTypes) > 0 {
		w.key("sample_types").strs(p.SampleTypes)
	}
	w.key("total").float(p.Total)
	w.key("notes").strs(p.Notes)
	w.key("functions").open('[')
	keys := w.keys(funcKeys...)
	var funcs [jsonBlock]parse.Func
	for start := 0; start < len(p.Funcs); start += jsonBlock {
		block := funcs[:copyFuncs(funcs[:], p.Funcs[start:])]
		for k := range block {
			w.elem()
			writeFunc(w, &block[k], keys)
		}
	}
	w.close(']')
	w.key("edges").open('[')
	keys = w.keys(edgeKeys...)
	var edges [jsonBlock]edgeRow
	for start := 0; start < len(p.Edges); start += jsonBlock {
		block := edges[:copyEdges(edges[:], p.Edges[start:])]
		for k := range block {
			w.elem()
			writeEdge(w, &block[k], keys)
		}
	}
	w.close(']')
	w.key("findings").open('[')
	for _, f := range r.Findings {
		w.elem()
		writeFinding(w, f, p.Unit)
	}
	w.close(']')
	w.key("loop")
	if r.Loop != nil {
		writeLoop(w, r.Loop, r.Findings)
	} else {
		w.null()
	}
	w.close('}')
	return w.finish()
}

// funcKeys are the members of a function, in writeFunc's order.
var funcKeys = []string{"id", "name", "file", "line", "calls", "primitive_calls", "own", "cum", "synthetic"}

// jsonBlock is how many functions or edges writeReport copies out of
// the profile before writing them. Functions and edges lie scattered in
// memory, away from their ID order, and writing one at a time waited on
// each one's cache misses (its Func, an edge's two ends) in turn; copying
// a block first lets those misses overlap, as nothing in the copy depends
// on the one before.
const jsonBlock = 64

// copyFuncs copies the first functions of fs into dst and returns how
// many.
func copyFuncs(dst []parse.Func, fs []*parse.Func) int {
	n := min(len(dst), len(fs))
	for i, f := range fs[:n] {
		dst[i] = *f
	}
	return n
}

// edgeRow is what writeEdge writes of an edge: its fields, with its
// ends' IDs in place of the pointers to them.
type edgeRow struct {
	caller, callee   int
	calls, primitive int64
	own, cum         float64
	estimated        bool
}

// copyEdges copies the first edges of es into dst as rows and returns
// how many.
func copyEdges(dst []edgeRow, es []*parse.Edge) int {
	n := min(len(dst), len(es))
	for i, e := range es[:n] {
		dst[i] = edgeRow{e.Caller.ID, e.Callee.ID, e.Calls, e.Primitive, e.Own, e.Cum, e.Estimated}
	}
	return n
}

func writeFunc(w *jsonWriter, f *parse.Func, k jsonKeys) {
	w.open('{')
	w.member(k[0]).int(int64(f.ID))
	w.member(k[1]).str(f.Name)
	w.member(k[2]).file(f.File)
	w.member(k[3]).int(int64(f.Line))
	w.member(k[4]).count(f.Calls)
	w.member(k[5]).count(f.Primitive)
	w.member(k[6]).float(f.Own)
	w.member(k[7]).float(f.Cum)
	if f.Synthetic {
		w.member(k[8]).bool(true)
	}
	w.close('}')
}

// edgeKeys are the members of an edge, in writeEdge's order.
var edgeKeys = []string{"caller", "callee", "calls", "primitive_calls", "own", "cum", "estimated"}

func writeEdge(w *jsonWriter, e *edgeRow, k jsonKeys) {
	w.open('{')
	w.member(k[0]).int(int64(e.caller))
	w.member(k[1]).int(int64(e.callee))
	w.member(k[2]).count(e.calls)
	w.member(k[3]).count(e.primitive)
	w.member(k[4]).float(e.own)
	w.member(k[5]).float(e.cum)
	if e.estimated {
		w.member(k[6]).bool(true)
	}
	w.close('}')
}

func writeFinding(w *jsonWriter, f analyze.Finding, unit string) {
	w.open('{')
	w.key("kind").str(f.Kind)
	w.key("pattern").str(f.Pattern)
	w.key("severity").str(string(f.Severity))
	w.key("function").int(int64(f.Func.ID))
	w.key("call_site").funcID(f.CallSite)
	w.key("chain").ids(f.Chain)
	w.key("calls").count(f.Calls)
	w.key("cost").float(f.Cost)
	// Without a call count there is no cost per call.
	if w.key("per_call"); f.Calls >= 0 {
		w.float(f.PerCall)
	} else {
		w.null()
	}
	w.key("share").float(f.Share)
	w.key("saving").float(f.Saving)
	w.key("title").str(Title(f))
	w.key("evidence").facts(f.Evidence, unit)
	w.key("fix").str(fix(f))
	w.close('}')
}

// facts writes a finding's proof, each fact with the sentence the other
// reports print for it; the keys a kind of fact does not use are zero and
// left out.
func (w *jsonWriter) facts(facts []analyze.Fact, unit string) {
	w.open('[')
	for _, x := range facts {
		w.elem().open('{')
		w.key("kind").str(string(x.Kind))
		w.optFunc("function", x.Func)
		w.optFunc("site", x.Site)
		w.optFunc("via", x.Via)
		w.optFunc("other", x.Other)
		if len(x.Funcs) > 0 {
			w.key("functions").ids(x.Funcs)
		}
		w.optInt("calls", x.Calls)
		w.optInt("multiple", x.Multiple)
		w.optInt("of", x.Of)
		w.optInt("count", int64(x.Count))
		w.optInt("among", int64(x.Among))
		w.optInt("distinct", int64(x.Distinct))
		w.optFloat("cost", x.Cost)
		w.optFloat("share", x.Share)
		w.optFloat("ratio", x.Ratio)
		if len(x.Parts) > 0 {
			w.key("parts").facts(x.Parts, unit)
		}
		w.optStr("catalog", x.Text)
		w.key("text").str(sentence(x, unit))
		w.close('}')
	}
	w.close(']')
}

func writeLoop(w *jsonWriter, l *analyze.Loop, findings []analyze.Finding) {
	w.open('{')
	w.key("runtime").str(l.Runtime)
	w.key("wall").float(l.Wall)
	w.key("idle").float(l.Idle)
	w.key("busy").float(l.Busy)
	w.key("steps").int(l.Steps)
	w.key("mean_step").float(l.MeanStep)
	w.key("slow_threshold").float(l.SlowThreshold)
	w.key("blockers").open('[')
	for _, b := range l.Blockers {
		w.elem()
		writeBlocker(w, l, b, findings)
	}
	w.close(']')
	w.key("notes").open('[')
	for _, n := range l.Notes {
		w.elem().open('{')
		w.key("kind").str(string(n.Kind))
		w.optStr("writer", n.Writer)
		w.optFunc("function", n.Func)
		w.optFloat("mean", n.Mean)
		w.key("text").str(noteText(l, n))
		w.close('}')
	}
	w.close(']')
	w.close('}')
}

func writeBlocker(w *jsonWriter, l *analyze.Loop, b analyze.Blocker, findings []analyze.Finding) {
	w.open('{')
	w.key("function").int(int64(b.Func.ID))
	w.key("call_site").funcID(b.CallSite)
	w.key("finding").finding(b.Finding)
	w.key("calls").int(b.Calls)
	w.key("cost").float(b.Cost)
	w.key("per_call").float(b.PerCall)
	w.key("worst_call_min").float(b.WorstCallMin)
	w.key("worst_call_max").float(b.WorstCallMax)
	w.key("share_of_busy").float(b.ShareOfBusy)
	w.key("calls_per_step").float(b.CallsPerStep)
	w.key("probably_slow").bool(b.ProbablySlow)
	w.key("fix")
	writeAdvice(w, b.Advice)
	w.key("advice").str(adviceText(l, b, findings))
	w.close('}')
}

// writeAdvice writes a blocker's fix as data (analyze.Advice); the keys a
// kind of advice does not use are zero and left out.
func writeAdvice(w *jsonWriter, a analyze.Advice) {
	w.open('{')
	w.key("kind").str(string(a.Kind))
	w.key("function").int(int64(a.Func.ID))
	if a.Body {
		w.key("body").bool(true)
	}
	if a.Finding >= 0 {
		w.key("finding").int(int64(a.Finding))
	}
	w.optInt("calls", a.Calls)
	w.optStr("waits", a.Waits)
	w.key("per_call").float(a.PerCall)
	w.optFloat("handoff", a.Handoff)
	w.optStr("worker", a.Worker)
	w.optFloat("c_share", a.CShare)
	w.close('}')
}

// strs writes a list of strings; a nil list is written [].
func (w *jsonWriter) strs(ss []string) {
	w.open('[')
	for _, s := range ss {
		w.elem().str(s)
	}
	w.close(']')
}

// ids writes functions as the list of their IDs.
func (w *jsonWriter) ids(fs []*parse.Func) {
	w.open('[')
	for _, f := range fs {
		w.elem().int(int64(f.ID))
	}
	w.close(']')
}

// count writes a call count, null when unknown (-1).
func (w *jsonWriter) count(n int64) {
	if n < 0 {
		w.null()
		return
	}
	w.int(n)
}

// finding writes the index of a finding in the report, null for none (-1).
func (w *jsonWriter) finding(i int) { w.count(int64(i)) }

// funcID writes a function's ID, null for none.
func (w *jsonWriter) funcID(f *parse.Func) {
	if f == nil {
		w.null()
		return
	}
	w.int(int64(f.ID))
}

// The opt methods write a member only when its value is not zero (nil, 0,
// ""), as omitempty did.

func (w *jsonWriter) optFunc(key string, f *parse.Func) {
	if f != nil {
		w.key(key).int(int64(f.ID))
	}
}

func (w *jsonWriter) optInt(key string, n int64) {
	if n != 0 {
		w.key(key).int(n)
	}
}

func (w *jsonWriter) optFloat(key string, v float64) {
	if v != 0 {
		w.key(key).float(v)
	}
}

func (w *jsonWriter) optStr(key, s string) {
	if s != "" {
		w.key(key).str(s)
	}
}
