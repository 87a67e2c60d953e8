package analyze

import (
	"math"
	"path"
	"slices"
	"strings"
)

// Pattern is one known kind of repeated expensive setup, kept as data so
// that adding a library means adding an entry, not code. Functions are
// matched by path suffix and name, never by line number: lines move between
// library versions, names rarely do.
type Pattern struct {
	ID    string // "P1".."P27" for Python, "G1".."G12" for Go
	Title string // names the problem; shown as the finding's title

	// Build lists the functions that do the setup. A finding is named at
	// the outermost of them on a call path, so a chain such as yacc →
	// lr_parse_table → lr0_goto is one finding at yacc.
	Build []Frames

	// Lookup lists the cache lookups in front of Build, if the library has
	// a cache. Build calls divided by Lookup calls is the miss ratio.
	Lookup []Frames

	// Cache is how many entries the cache behind Lookup holds, by the
	// Python version that wrote the dump, oldest first: a miss is an
	// eviction only once more setups ran than the cache holds. Empty when
	// the size is unknown; then only the miss ratio counts.
	Cache []CacheSize

	// Varying marks functions that also run legitimately on inputs that
	// differ from call to call (ast.parse of user code, deepcopy of
	// different objects). A hit then needs the shape to show identical
	// work, or a cache that evicts (docs/setup-detection.md, "Proof before
	// verdict").
	Varying bool

	Why string // why the setup costs so much, one sentence
	Fix string // what to change, one or two sentences
	Ref string // where the problem is documented
}

// Frames names functions in one file. File is a path suffix for Python
// ("ply/yacc.py"), "~" for CPython built-ins (Names are then the full
// built-in names), and empty for Go, whose Names are full symbols
// ("regexp.MustCompile"); a Go name also matches its closures (".func1").
type Frames struct {
	File  string
	Names []string
}

// builtinCatalog is the known repeated-setup patterns: objects that each
// library documents, or its users report upstream (Ref), as built once and
// reused but that programs build per call. A catalog match alone is never a
// finding: the numbers must show the setup running many times at a real
// cost, with the proof its fields ask for (Lookup: the cache misses;
// Varying: the work is identical from call to call).
//
// Order matters: candidates are accepted in catalog order, and a later one
// that lies inside an accepted finding is dropped as part of its work. So a
// library's pattern comes before the generic building blocks its build
// runs (TLS contexts, gettext, exec, deepcopy, compile, DNS), and the
// finding names the call the user can change. (re and strptime come early:
// their proof is eviction from their own cache, which happens only when the
// program itself cycles through more patterns or formats than fit.)
var builtinCatalog = slices.Concat(pythonPatterns, goPatterns)

// match reports whether f is one of the functions fs names.
func (fs Frames) match(file, name string) bool {
	switch fs.File {
	case "":
		for _, n := range fs.Names {
			if name == n || strings.HasPrefix(name, n) && strings.HasPrefix(name[len(n):], ".func") {
				return true
			}
		}
		return false
	case "~":
		if file != "~" {
			return false
		}
		for _, n := range fs.Names {
			if name == n {
				return true
			}
		}
		return false
	}
	if !pathSuffix(file, fs.File) {
		return false
	}
	for _, n := range fs.Names {
		// Python 3.12+ may report qualified names ("TimeRE.compile").
		if name == n || strings.HasSuffix(name, n) && name[len(name)-len(n)-1] == '.' {
			return true
		}
	}
	return false
}

// pathSuffix reports whether file is suffix or ends in "/"+suffix,
// without building that string: this runs for every function and pattern.
func pathSuffix(file, suffix string) bool {
	if !strings.HasSuffix(file, suffix) {
		return false
	}
	return len(file) == len(suffix) || file[len(file)-len(suffix)-1] == '/'
}

// matchAny reports whether any of fss names the function.
func matchAny(fss []Frames, file, name string) bool {
	for _, fs := range fss {
		if fs.match(file, name) {
			return true
		}
	}
	return false
}

// buildIndex finds the patterns whose Build names a function without
// trying every pattern on every function, which cost a quarter of Setup on
// a 17,000-function dump. It maps each catalogued name to the patterns
// holding it, under the key a matching function's name yields, in two
// tables: Go names (Frames without a File), whole, match in any file;
// Python names, by their last dotted part (Python 3.12+ qualifies names),
// and built-in names, whole, match only in a file their Frames name, which
// most files of a dump are not, so most functions are looked up in the
// first table alone.
type buildIndex struct {
	catalog []Pattern
	named   keyTable // Frames with no File
	filed   keyTable // Frames with a File: "~" or a path suffix

	// bases maps the last path element of every File of filed's Frames
	// to those Files: a file is one of them only if it ends in one of the
	// Files under its own last element (see forFile).
	bases map[string][]string
}

// keyTable maps keys to the catalog's indexes of the patterns holding
// them, ascending.
type keyTable struct {
	keys map[string][]int

	// shortest is the length of the shortest key: a shorter name, or
	// any part of it, is none, and its bytes need not be read (most
	// Python names are shorter than any Go name).
	shortest int

	// lengths[b] has bit n set when some key n bytes long (n < 64) ends
	// in byte b: most names fail that test, which is cheaper than hashing
	// them for the map.
	lengths [256]uint64

	// undotted is set when some key has no dot. While none has, a name
	// without one matches no key of named, not even as a Go closure
	// (key.funcN): a Python name before 3.12 has none.
	undotted bool
}

func (t *keyTable) add(key string, pattern int) {
	if t.keys == nil {
		t.keys = map[string][]int{}
	}
	t.shortest = min(t.shortest, len(key))
	t.undotted = t.undotted || !strings.Contains(key, ".")
	if ks := t.keys[key]; len(ks) == 0 || ks[len(ks)-1] != pattern {
		t.keys[key] = append(ks, pattern)
	}
	if len(key) > 0 && len(key) < 64 {
		t.lengths[key[len(key)-1]] |= 1 << len(key)
	}
}

// lookup appends to found the patterns under key. It hashes key only
// when some key is as long and ends the same way; keys of 64 bytes or
// more are always looked up.
func (t *keyTable) lookup(found []int, key string) []int {
	n := len(key)
	if n >= 64 || n > 0 && t.lengths[key[n-1]]&(1<<n) != 0 {
		return append(found, t.keys[key]...)
	}
	return found
}

func newBuildIndex(catalog []Pattern) *buildIndex {
	ix := &buildIndex{catalog: catalog, bases: map[string][]string{}}
	ix.named.shortest, ix.filed.shortest = math.MaxInt, math.MaxInt // no keys yet
	for i, pat := range catalog {
		for _, fs := range pat.Build {
			for _, n := range fs.Names {
				switch fs.File {
				case "":
					ix.named.add(n, i)
				case "~":
					ix.filed.add(n, i)
				default:
					ix.filed.add(lastDotted(n), i)
				}
			}
			if base := path.Base(fs.File); fs.File != "" && !slices.Contains(ix.bases[base], fs.File) {
				ix.bases[base] = append(ix.bases[base], fs.File)
			}
		}
	}
	return ix
}

// fileIndex is a buildIndex for the functions of one file.
type fileIndex struct {
	*buildIndex
	file  string
	filed bool // some Frames with a File names file

	// A name matches none of the Frames that may name a function of
	// file if it is shorter than least, or, unless any is set, has no
	// dot (see may): when no Frames with a File names file, only named's
	// keys can match, which are least bytes long or longer, and while
	// every key has a dot (see keyTable.undotted) only a name with one.
	least int
	any   bool
}

// forFile returns the index for the functions of the file at fp. Frames
// with a File match the file only if it is "~" (for "~") or ends in that
// path suffix, whose last path element is then the file's own: on
// large.pstats 82 of 1,327 files have such a last element, and 21 the
// path.
func (ix *buildIndex) forFile(fp filePath) fileIndex {
	file := fp.path
	if slices.ContainsFunc(ix.bases[fp.base()], func(suffix string) bool { return pathSuffix(file, suffix) }) {
		return fileIndex{buildIndex: ix, file: file, filed: true, any: true}
	}
	return fileIndex{buildIndex: ix, file: file, least: ix.named.shortest, any: ix.named.undotted}
}

// may reports whether some pattern's Build may name the function called
// name, at least least bytes long, in the index's file; when it answers
// false, or the name is shorter, patterns returns none. Most functions
// of a Python profile are in no file a Frames names and have names
// shorter than any Go name or without a dot: these tests, inlined, pass
// over them without a call of patterns, and over the short ones without
// reading their bytes (10,140 of 17,062 on large.pstats).
func (fx *fileIndex) may(name string) bool {
	return fx.any || strings.IndexByte(name, '.') >= 0
}

// patterns returns the indexes of the patterns whose Build names the
// function called name in the index's file, ascending. The keys looked up
// cover every way Frames.match accepts a name: the whole name (built-ins,
// Go, unqualified Python), its last dotted part (qualified Python), and
// each prefix followed by ".func" (Go closures). Each pattern found is
// then checked with matchAny, so the result is exactly the patterns that
// match.
func (fx fileIndex) patterns(name string) []int {
	var found []int
	// A name without a dot (most, before Python 3.12 qualified them) is
	// its own last dotted part: one fast scan for a dot spares a slower
	// one.
	if fx.filed {
		found = fx.buildIndex.filed.lookup(found, name)
		if strings.IndexByte(name, '.') >= 0 {
			found = fx.buildIndex.filed.lookup(found, lastDotted(name))
		}
	}
	if len(name) >= fx.named.shortest {
		found = fx.named.lookup(found, name)
		for i := 0; ; {
			j := strings.Index(name[i:], ".func")
			if j < 0 {
				break
			}
			found = fx.named.lookup(found, name[:i+j])
			i += j + 1
		}
	}
	if len(found) == 0 {
		return nil
	}
	slices.Sort(found)
	found = slices.Compact(found)
	return slices.DeleteFunc(found, func(i int) bool { return !matchAny(fx.catalog[i].Build, fx.file, name) })
}

// lastDotted is the part of name after its last dot, or all of it.
func lastDotted(name string) string {
	return name[strings.LastIndexByte(name, '.')+1:]
}

// DefaultCatalog returns a copy of the built-in catalog of known setup
// patterns, the one a report uses unless Options.Catalog replaces it.
func DefaultCatalog() []Pattern { return slices.Clone(builtinCatalog) }
