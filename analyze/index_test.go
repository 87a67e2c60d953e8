package analyze

import (
	"cmp"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"github.com/loopdoctor/loopdoctor/internal/location"
	"github.com/loopdoctor/loopdoctor/parse"
)

// randomProfile builds a profile of n functions with random call edges,
// cycles and self-calls included.
func randomProfile(t *testing.T, r *rand.Rand, n int) *parse.Profile {
	t.Helper()
	p := &parse.Profile{Format: parse.Pstats, Unit: "seconds"}
	for i := range n {
		p.Funcs = append(p.Funcs, &parse.Func{Name: fmt.Sprintf("f%d", i), File: "x.py", Line: i, Calls: 1, Primitive: 1, Cum: 1})
	}
	seen := map[[2]int]bool{}
	for range r.IntN(3 * n) {
		a, b := r.IntN(n), r.IntN(n)
		if !seen[[2]int{a, b}] {
			seen[[2]int{a, b}] = true
			p.Edges = append(p.Edges, &parse.Edge{Caller: p.Funcs[a], Callee: p.Funcs[b], Calls: 1, Primitive: 1})
		}
	}
	if err := p.Normalize(); err != nil {
		t.Fatal(err)
	}
	return p
}

// TestReachesAny checks the walk on the condensed graph against the walk
// over every function (reachable): for random graphs and random sets of
// targets, f reaches each target in one exactly when in the other. Each
// function's reach and funcSet are the previous function's, reused.
func TestReachesAny(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 13))
	for range 200 {
		p := randomProfile(t, r, 1+r.IntN(15))
		ix := newProfileIndex(p, nil, nil, nil)
		for _, f := range p.Funcs {
			want := ix.reachable(f)
			var targets []*parse.Func
			for range 1 + r.IntN(3) {
				targets = append(targets, p.Funcs[r.IntN(len(p.Funcs))])
			}
			got := ix.reachesAny(f, targets)
			for _, tg := range targets {
				if got.has(tg) != want.has(tg) {
					t.Fatalf("%d functions, edges %v: %s reaches %s: %v, want %v", len(p.Funcs), p.Edges, f, tg, got.has(tg), want.has(tg))
				}
			}
			ix.release(want)
		}
	}
}

// TestReachFloorsRise adds several sources to one reach with rising
// floors, as the catalog's outer-root filter does, and checks every
// function at or above the last floor against the union of the sources'
// reachable sets.
func TestReachFloorsRise(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 5))
	for range 200 {
		p := randomProfile(t, r, 1+r.IntN(15))
		ix := newProfileIndex(p, nil, nil, nil)
		got, want := ix.newReach(), ix.newFuncSet()
		floor := int32(0)
		for range 1 + r.IntN(4) {
			f := p.Funcs[r.IntN(len(p.Funcs))]
			floor = max(floor, int32(r.IntN(ix.cycles.Len())))
			got.add(f, floor)
			ix.addReachable(want, f, nil)
			for _, g := range p.Funcs {
				if ix.cycleOf(g) >= floor && got.has(g) != want.has(g) {
					t.Fatalf("edges %v: %s at floor %d: reached %v, want %v", p.Edges, g, floor, got.has(g), want.has(g))
				}
			}
		}
	}
}

// TestByFile checks the windows byFile yields against the files of a
// normalized profile: one per file, in order, covering every function.
func TestByFile(t *testing.T) {
	for _, files := range [][]string{nil, {"a.py"}, {"a.py", "a.py", "b.py", "c.py", "c.py", "c.py"}, {"~", "x.py", "~"}} {
		p := &parse.Profile{Format: parse.Pstats, Unit: "seconds"}
		for i, file := range files {
			p.Funcs = append(p.Funcs, &parse.Func{Name: fmt.Sprintf("f%d", i), File: file, Line: i + 1, Calls: 1, Primitive: 1})
		}
		if err := p.Normalize(); err != nil {
			t.Fatal(err)
		}
		var got []string
		n := 0
		for fp, fs := range newProfileIndex(p, nil, nil, nil).byFile() {
			if fp != splitPath(fs[0].File) {
				t.Fatalf("files %v: window of %s has path %+v", files, fs[0].File, fp)
			}
			got = append(got, fs[0].File)
			for _, f := range fs {
				if f != p.Funcs[n] || f.File != fs[0].File {
					t.Fatalf("files %v: window of %s holds %s, function %d of the profile", files, fs[0].File, f, n)
				}
				n++
			}
		}
		var want []string // the files in the order Normalize sorted them
		for _, f := range p.Funcs {
			want = append(want, f.File)
		}
		want = slices.Compact(want)
		if !slices.Equal(got, want) || n != len(files) || len(got) != len(slices.Compact(slices.Sorted(slices.Values(files)))) {
			t.Errorf("files %v: windows of %v covering %d functions, want %v covering %d", files, got, n, want, len(files))
		}
	}
}

// TestCallersGraph checks that the index's callers' graph lines up with
// each function's In edges, which the solver of the shares reads side
// by side, on random profiles.
func TestCallersGraph(t *testing.T) {
	r := rand.New(rand.NewPCG(21, 22))
	for range 200 {
		p := randomProfile(t, r, 1+r.IntN(30))
		ix := newProfileIndex(p, nil, nil, nil)
		for _, f := range p.Funcs {
			callers := ix.callerGraph().Succ(f.ID)
			if len(callers) != len(f.In) {
				t.Fatalf("%s: %d callers in the index, %d In edges", f, len(callers), len(f.In))
			}
			for k, e := range f.In {
				if int(callers[k]) != e.Caller.ID {
					t.Fatalf("%s: caller %d is %d; In edge from %s", f, k, callers[k], e.Caller)
				}
			}
		}
	}
}

// TestIndexPass checks what the index gathers in its one pass over the
// functions, a block at a time, against each function read on its own,
// on every pstats dump in testdata and with limits that keep more: the
// calls in all, the counts of functions called twice or more, the shape
// pre-filter's functions, each function's origin, where each file
// starts, the module bodies, and the ranking it is shown every function
// for.
func TestIndexPass(t *testing.T) {
	loose := DefaultLimits()
	loose.MinCalls, loose.MinShare, loose.MinCost = 2, 0.001, 1e-6
	for _, name := range pstatsDumps(t) {
		p := loadProfile(t, name)
		for _, lim := range []Limits{DefaultLimits(), loose} {
			rk := newRanking(p, Options{Top: 3})
			ix := newProfileIndex(p, builtinCatalog, &lim, rk.add)
			var calls int64
			var counts []int64
			var roots, starts, modules []int32
			// The origins last to first: each file's is found when
			// first asked, for its last function as for its first.
			for i, f := range slices.Backward(p.Funcs) {
				if got := ix.origin(i); got != location.OriginOf(f) {
					t.Errorf("%s: %s has origin %v, want %v", name, f, got, location.OriginOf(f))
				}
			}
			for i, f := range p.Funcs {
				if i == 0 || f.File != p.Funcs[i-1].File {
					starts = append(starts, int32(i))
				}
				if f.Name == "<module>" {
					modules = append(modules, int32(i))
				}
				calls += f.Calls
				if f.Calls >= max(2, lim.MinCalls) {
					counts = append(counts, f.Calls)
				}
				if !f.Synthetic && f.Primitive >= lim.MinCalls && location.OriginOf(f) != location.Native && lim.costly(p, max(f.Cum, 0)) {
					roots = append(roots, int32(f.ID))
				}
			}
			if ix.calls != calls || !slices.Equal(ix.callCounts, counts) || !slices.Equal(ix.shapeRoots, roots) {
				t.Errorf("%s: calls %d, %d counts, shape roots %v; want %d, %d, %v", name, ix.calls, len(ix.callCounts), ix.shapeRoots, calls, len(counts), roots)
			}
			starts = append(starts, int32(len(p.Funcs)))
			if !slices.Equal(ix.fileStarts, starts) || !slices.Equal(ix.modules, modules) {
				t.Errorf("%s: files start at %v, modules %v; want %v, %v", name, ix.fileStarts, ix.modules, starts, modules)
			}
			rows, matched := rk.result()
			byCum := slices.SortedFunc(slices.Values(p.Funcs), func(a, b *parse.Func) int {
				return cmp.Or(cmp.Compare(b.Cum, a.Cum), strings.Compare(a.Name, b.Name), strings.Compare(a.File, b.File), cmp.Compare(a.Line, b.Line))
			})
			if matched != len(p.Funcs) || !slices.Equal(funcsOf(rows), byCum[:min(3, len(byCum))]) {
				t.Errorf("%s: ranked %v of %d, want %v of %d", name, funcsOf(rows), matched, byCum[:min(3, len(byCum))], len(p.Funcs))
			}
		}
	}
}

// TestPrivate checks private against its definition, a least fixed point
// found by brute force: starting from f, a function not in cut that the
// set calls joins once all its callers are in the set, except that the members of a cycle
// other than f's join together, once every caller of each from outside
// the cycle is in the set. The functions are asked about in random order,
// each call reusing the scratch state the one before left.
func TestPrivate(t *testing.T) {
	r := rand.New(rand.NewPCG(31, 32))
	for range 300 {
		p := randomProfile(t, r, 1+r.IntN(20))
		ix := newProfileIndex(p, nil, nil, nil)
		of := ix.cycles.Of
		for _, i := range r.Perm(len(p.Funcs)) {
			f := p.Funcs[i]
			var cut []*parse.Func
			for _, e := range f.Out {
				if r.IntN(4) == 0 {
					cut = append(cut, e.Callee)
				}
			}
			want := map[*parse.Func]bool{f: true}
			reached := func(c *parse.Func) bool {
				return slices.ContainsFunc(c.In, func(e *parse.Edge) bool { return want[e.Caller] })
			}
			callersIn := func(c *parse.Func, cycle bool) bool {
				for _, e := range c.In {
					if !want[e.Caller] && !(cycle && of[e.Caller.ID] == of[c.ID]) {
						return false
					}
				}
				return true
			}
			for changed := true; changed; {
				changed = false
				for _, c := range p.Funcs {
					if want[c] || slices.Contains(cut, c) || !reached(c) {
						continue
					}
					if of[c.ID] == of[f.ID] {
						if callersIn(c, false) {
							want[c], changed = true, true
						}
						continue
					}
					cycle := ix.cycles.Members(int(of[c.ID]))
					if slices.ContainsFunc(cycle, func(id int32) bool {
						m := p.Funcs[id]
						return slices.Contains(cut, m) || !callersIn(m, true)
					}) {
						continue
					}
					for _, id := range cycle {
						want[p.Funcs[id]], changed = true, true
					}
				}
			}
			got := ix.private(f, cut...)
			if len(got.members) != len(want) || got.members[0] != f || slices.ContainsFunc(got.members, func(m *parse.Func) bool { return !want[m] }) {
				t.Fatalf("%d functions, edges %v: private(%s, cut %v) = %v, want %v", len(p.Funcs), p.Edges, f, cut, got.members, want)
			}
			ix.release(got)
		}
	}
}

// TestDirOrigin checks the origins remembered by directory against
// location.FileOrigin for paths that share directories, in both
// separators, with drive letters, UNC names and the whole-path prefixes
// FileOrigin tests, asked of one index so that later paths find the
// directories of earlier ones.
func TestDirOrigin(t *testing.T) {
	paths := []string{
		"/usr/lib/python3.11/json/decoder.py", "/usr/lib/python3.11/json/scanner.py",
		"/usr/lib/python3.11/site-packages/yaml/a.py", "/usr/lib/python3.11/site-packages/yaml/b.py",
		"/home/me/app/main.py", "/home/me/app/lib.py", "/home/me/app/site-packages.py",
		`C:\Python311\Lib\json\decoder.py`, `C:\Python311\Lib\json\scanner.py`, `C:\app\Lib\x.py`,
		`\\server\share\Lib\x.py`, `\\server\share\Lib\y.py`, `D:/work/app/x.py`, `D:/work/app/y.py`,
		"<frozen importlib._bootstrap>", "<frozen importlib._bootstrap_external>", "<string>", "~", "",
		"<frozen zipimport>/x.py", "<frozen zipimport>/y.py", "$GOROOT/src/net/http/server.go", "$GOROOT/src/net/http/client.go",
		"/root/go/pkg/mod/example.com/m@v1.0.0/x.go", "/root/go/pkg/mod/example.com/m@v1.0.0/y.go",
		"/usr/local/go/src/runtime/proc.go", "/usr/local/go/src/runtime/mgc.go", "a/b.py", `a\b.py`, "/x.py", "/y.py",
	}
	ix := &profileIndex{}
	for _, file := range paths {
		if got, want := ix.dirOrigin(file, splitPath(file).slash), location.FileOrigin(file); got != want {
			t.Errorf("dirOrigin(%q) = %v, want %v", file, got, want)
		}
	}
}

// TestSplitPath checks splitPath against its definition, the path with
// forward slashes and the index of its last slash, on paths with and
// without slashes of either kind and on every file of the pstats dumps
// in testdata.
func TestSplitPath(t *testing.T) {
	files := []string{"", "~", "x.py", "/x.py", "a/b/c.py", `a\b.py`, `C:\a\b.py`, "a/", "/", "<string>"}
	for _, name := range pstatsDumps(t) {
		for _, f := range loadProfile(t, name).Funcs {
			files = append(files, f.File)
		}
	}
	for _, file := range files {
		want := strings.ReplaceAll(file, `\`, "/")
		if fp := splitPath(file); fp.path != want || fp.slash != strings.LastIndexByte(want, '/') {
			t.Errorf("splitPath(%q) = %q, %d; want %q, %d", file, fp.path, fp.slash, want, strings.LastIndexByte(want, '/'))
		}
	}
}
