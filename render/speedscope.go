package render

import (
	"encoding/json"
	"io"

	"github.com/loopdoctor/loopdoctor/analyze"
	"github.com/loopdoctor/loopdoctor/internal/location"
)

// speedscopeSchema is the URL speedscope's file-format-spec.ts names as the
// $schema of its files.
const speedscopeSchema = "https://www.speedscope.app/file-format-schema.json"

type speedscopeFile struct {
	Schema             string              `json:"$schema"`
	Shared             speedscopeShared    `json:"shared"`
	Profiles           []speedscopeProfile `json:"profiles"`
	Name               string              `json:"name"`
	ActiveProfileIndex int                 `json:"activeProfileIndex"`
	Exporter           string              `json:"exporter"`
}

type speedscopeShared struct {
	Frames []speedscopeFrame `json:"frames"`
}

type speedscopeFrame struct {
	Name string `json:"name"`
	File string `json:"file,omitempty"`
	Line int    `json:"line,omitempty"`
}

type speedscopeProfile struct {
	Type       string    `json:"type"`
	Name       string    `json:"name"`
	Unit       string    `json:"unit"`
	StartValue float64   `json:"startValue"`
	EndValue   float64   `json:"endValue"`
	Samples    [][]int   `json:"samples"`
	Weights    []float64 `json:"weights"`
}

// Speedscope writes the report's samples (Options.Samples) as a speedscope JSON file: one sampled profile whose
// samples are the stacks, root first, weighted by their values, over
// frames shared by index. A profile without a timeline (pstats) has no
// order of events, so each stack is one sample.
func Speedscope(w io.Writer, r *analyze.Report) error {
	p, s := r.Profile, r.Samples
	if s == nil {
		return errNotComputed("samples", "Samples")
	}
	unit := "none"
	switch p.Unit {
	case "seconds", "bytes":
		unit = p.Unit
	}
	sp := speedscopeProfile{Type: "sampled", Name: p.Source, Unit: unit,
		Samples: make([][]int, len(s.Stacks)), Weights: make([]float64, len(s.Stacks))}
	file := speedscopeFile{Schema: speedscopeSchema, Name: p.Source, Exporter: "loopdoctor",
		Shared: speedscopeShared{Frames: []speedscopeFrame{}}}
	frame := make([]int, len(p.Funcs))
	for i := range frame {
		frame[i] = -1
	}
	for i, st := range s.Stacks {
		sample := make([]int, len(st.Funcs))
		for j, id := range st.Funcs {
			if frame[id] < 0 {
				f := p.Funcs[id]
				frame[id] = len(file.Shared.Frames)
				fr := speedscopeFrame{Name: f.Name, File: f.File, Line: f.Line}
				if f.File == "~" || f.File == "" {
					fr = speedscopeFrame{Name: location.Label(f)} // {built-in method builtins.len}
				}
				file.Shared.Frames = append(file.Shared.Frames, fr)
			}
			sample[j] = frame[id]
		}
		sp.Samples[i] = sample
		sp.Weights[i] = st.Value
		sp.EndValue += st.Value
	}
	file.Profiles = []speedscopeProfile{sp}
	return json.NewEncoder(w).Encode(file)
}
