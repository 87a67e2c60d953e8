package render

import (
	"github.com/loopdoctor/loopdoctor/analyze"
	"github.com/loopdoctor/loopdoctor/parse"
)

// oracleDocument is the JSON form of a report as encoding/json wrote it
// before the document was streamed; it is kept as the oracle the streaming
// writer must match byte for byte. Every function and edge is
// included whatever the table options were, numbers exactly as recorded.
// Fields that can be unknown are pointers so they encode as null.
type oracleDocument struct {
	Schema      string        `json:"schema"`
	Source      string        `json:"source"`
	Format      string        `json:"format"`
	Dialect     string        `json:"dialect"`
	Unit        string        `json:"unit"`
	SampleType  string        `json:"sample_type,omitempty"`
	SampleTypes []string      `json:"sample_types,omitempty"`
	Total       float64       `json:"total"`
	Notes       []string      `json:"notes"`
	Functions   []jsonFunc    `json:"functions"`
	Edges       []jsonEdge    `json:"edges"`
	Findings    []jsonFinding `json:"findings"`
	Loop        *jsonLoop     `json:"loop"`
}

type jsonFunc struct {
	ID             int     `json:"id"`
	Name           string  `json:"name"`
	File           string  `json:"file"`
	Line           int     `json:"line"`
	Calls          *int64  `json:"calls"`
	PrimitiveCalls *int64  `json:"primitive_calls"`
	Own            float64 `json:"own"`
	Cum            float64 `json:"cum"`
	Synthetic      bool    `json:"synthetic,omitempty"`
}

type jsonEdge struct {
	Caller         int     `json:"caller"`
	Callee         int     `json:"callee"`
	Calls          *int64  `json:"calls"`
	PrimitiveCalls *int64  `json:"primitive_calls"`
	Own            float64 `json:"own"`
	Cum            float64 `json:"cum"`
	Estimated      bool    `json:"estimated,omitempty"`
}

type jsonFinding struct {
	Kind     string     `json:"kind"`
	Pattern  string     `json:"pattern"`
	Severity string     `json:"severity"`
	Function int        `json:"function"`
	CallSite *int       `json:"call_site"`
	Chain    []int      `json:"chain"`
	Calls    *int64     `json:"calls"`
	Cost     float64    `json:"cost"`
	PerCall  *float64   `json:"per_call"`
	Share    float64    `json:"share"`
	Saving   float64    `json:"saving"`
	Title    string     `json:"title"`
	Evidence []jsonFact `json:"evidence"`
	Fix      string     `json:"fix"`
}

// jsonFact is one fact of a finding's proof: its kind, the numbers and
// function IDs it rests on (fields left out are zero or do not apply to
// the kind), and the sentence the other reports print for it.
type jsonFact struct {
	Kind      string     `json:"kind"`
	Function  *int       `json:"function,omitempty"`
	Site      *int       `json:"site,omitempty"`
	Via       *int       `json:"via,omitempty"`
	Other     *int       `json:"other,omitempty"`
	Functions []int      `json:"functions,omitempty"`
	Calls     int64      `json:"calls,omitempty"`
	Multiple  int64      `json:"multiple,omitempty"`
	Of        int64      `json:"of,omitempty"`
	Count     int        `json:"count,omitempty"`
	Among     int        `json:"among,omitempty"`
	Distinct  int        `json:"distinct,omitempty"`
	Cost      float64    `json:"cost,omitempty"`
	Share     float64    `json:"share,omitempty"`
	Ratio     float64    `json:"ratio,omitempty"`
	Parts     []jsonFact `json:"parts,omitempty"`
	Catalog   string     `json:"catalog,omitempty"`
	Text      string     `json:"text"`
}

type jsonLoop struct {
	Runtime       string         `json:"runtime"`
	Wall          float64        `json:"wall"`
	Idle          float64        `json:"idle"`
	Busy          float64        `json:"busy"`
	Steps         int64          `json:"steps"`
	MeanStep      float64        `json:"mean_step"`
	SlowThreshold float64        `json:"slow_threshold"`
	Blockers      []jsonBlocker  `json:"blockers"`
	Notes         []jsonLoopNote `json:"notes"`
}

// jsonLoopNote is what the loop report could not measure: its kind, the
// data it rests on, and its sentence.
type jsonLoopNote struct {
	Kind     string  `json:"kind"`
	Writer   string  `json:"writer,omitempty"`
	Function *int    `json:"function,omitempty"`
	Mean     float64 `json:"mean,omitempty"`
	Text     string  `json:"text"`
}

type jsonBlocker struct {
	Function     int        `json:"function"`
	CallSite     *int       `json:"call_site"`
	Finding      *int       `json:"finding"`
	Calls        int64      `json:"calls"`
	Cost         float64    `json:"cost"`
	PerCall      float64    `json:"per_call"`
	WorstCallMin float64    `json:"worst_call_min"`
	WorstCallMax float64    `json:"worst_call_max"`
	ShareOfBusy  float64    `json:"share_of_busy"`
	CallsPerStep float64    `json:"calls_per_step"`
	ProbablySlow bool       `json:"probably_slow"`
	Fix          jsonAdvice `json:"fix"`
	Advice       string     `json:"advice"` // Fix in words
}

// jsonAdvice is a blocker's fix as data (analyze.Advice).
type jsonAdvice struct {
	Kind     string  `json:"kind"`
	Function int     `json:"function"`
	Body     bool    `json:"body,omitempty"`
	Finding  *int    `json:"finding,omitempty"`
	Calls    int64   `json:"calls,omitempty"`
	Waits    string  `json:"waits,omitempty"`
	PerCall  float64 `json:"per_call"`
	Handoff  float64 `json:"handoff,omitempty"`
	Worker   string  `json:"worker,omitempty"`
	CShare   float64 `json:"c_share,omitempty"`
}

// oracleJSON converts a report to its JSON form as render.JSON used to.
func oracleJSON(r *analyze.Report) *oracleDocument {
	p := r.Profile
	d := &oracleDocument{
		Schema: Schema, Source: p.Source, Format: string(p.Format), Dialect: p.Dialect,
		Unit: p.Unit, SampleType: p.SampleType, SampleTypes: p.SampleTypes, Total: p.Total,
		Notes:     oracleNonNil(p.Notes),
		Functions: make([]jsonFunc, len(p.Funcs)),
		Edges:     make([]jsonEdge, len(p.Edges)),
		Findings:  make([]jsonFinding, len(r.Findings)),
	}
	for i, f := range p.Funcs {
		d.Functions[i] = jsonFunc{ID: f.ID, Name: f.Name, File: f.File, Line: f.Line,
			Calls: count(f.Calls), PrimitiveCalls: count(f.Primitive), Own: f.Own, Cum: f.Cum, Synthetic: f.Synthetic}
	}
	for i, e := range p.Edges {
		d.Edges[i] = jsonEdge{Caller: e.Caller.ID, Callee: e.Callee.ID,
			Calls: count(e.Calls), PrimitiveCalls: count(e.Primitive), Own: e.Own, Cum: e.Cum, Estimated: e.Estimated}
	}
	for i, f := range r.Findings {
		jf := jsonFinding{Kind: f.Kind, Pattern: f.Pattern, Severity: string(f.Severity),
			Function: f.Func.ID, CallSite: oracleID(f.CallSite), Chain: oracleIDs(f.Chain), Calls: count(f.Calls),
			Cost: f.Cost, Share: f.Share, Saving: f.Saving, Title: Title(f), Evidence: oracleFacts(f.Evidence, p.Unit), Fix: fix(f)}
		if f.Calls >= 0 {
			jf.PerCall = &r.Findings[i].PerCall
		}
		d.Findings[i] = jf
	}
	if l := r.Loop; l != nil {
		jl := &jsonLoop{Runtime: l.Runtime, Wall: l.Wall, Idle: l.Idle, Busy: l.Busy, Steps: l.Steps,
			MeanStep: l.MeanStep, SlowThreshold: l.SlowThreshold, Notes: make([]jsonLoopNote, len(l.Notes)),
			Blockers: make([]jsonBlocker, len(l.Blockers))}
		for i, n := range l.Notes {
			jl.Notes[i] = jsonLoopNote{Kind: string(n.Kind), Writer: n.Writer, Function: oracleID(n.Func), Mean: n.Mean, Text: noteText(l, n)}
		}
		for i, b := range l.Blockers {
			jb := jsonBlocker{Function: b.Func.ID, CallSite: oracleID(b.CallSite), Calls: b.Calls, Cost: b.Cost,
				PerCall: b.PerCall, WorstCallMin: b.WorstCallMin, WorstCallMax: b.WorstCallMax,
				ShareOfBusy: b.ShareOfBusy, CallsPerStep: b.CallsPerStep, ProbablySlow: b.ProbablySlow,
				Fix: oracleFix(b.Advice), Advice: adviceText(l, b, r.Findings)}
			if b.Finding >= 0 {
				jb.Finding = &l.Blockers[i].Finding
			}
			if b.Advice.Finding >= 0 {
				jb.Fix.Finding = &l.Blockers[i].Advice.Finding
			}
			jl.Blockers[i] = jb
		}
		d.Loop = jl
	}
	return d
}

// oracleFix converts a blocker's advice to its JSON form; Finding is set by
// the caller, which can point into the report.
func oracleFix(a analyze.Advice) jsonAdvice {
	return jsonAdvice{Kind: string(a.Kind), Function: a.Func.ID, Body: a.Body, Calls: a.Calls, Waits: a.Waits,
		PerCall: a.PerCall, Handoff: a.Handoff, Worker: a.Worker, CShare: a.CShare}
}

// oracleFacts converts facts to their JSON form, each with its sentence;
// never nil.
func oracleFacts(facts []analyze.Fact, unit string) []jsonFact {
	out := make([]jsonFact, len(facts))
	for i, x := range facts {
		out[i] = jsonFact{Kind: string(x.Kind), Function: oracleID(x.Func), Site: oracleID(x.Site), Via: oracleID(x.Via),
			Other: oracleID(x.Other), Calls: x.Calls, Multiple: x.Multiple, Of: x.Of,
			Count: x.Count, Among: x.Among, Distinct: x.Distinct, Cost: x.Cost, Share: x.Share, Ratio: x.Ratio,
			Catalog: x.Text, Text: sentence(x, unit)}
		if x.Funcs != nil {
			out[i].Functions = oracleIDs(x.Funcs)
		}
		if x.Parts != nil {
			out[i].Parts = oracleFacts(x.Parts, unit)
		}
	}
	return out
}

// oracleID is a function's ID, nil (null) for no function.
func oracleID(f *parse.Func) *int {
	if f == nil {
		return nil
	}
	return &f.ID
}

func oracleIDs(fs []*parse.Func) []int {
	out := make([]int, len(fs))
	for i, f := range fs {
		out[i] = f.ID
	}
	return out
}

func oracleNonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}
