package analyze

import (
	"strings"
	"unicode"

	"github.com/loopdoctor/loopdoctor/parse"
)

// constantUse accepts a shape candidate that has no varying use beside it
// (docs/setup-detection.md, "Shape: setup no catalog names", shape 3):
// what it repeats is construction work rather than arithmetic, and
// whatever uses the result is constant or cheap. That shows in one of two
// ways: its caller, a function of the user's, runs it once per call and
// spends nearly all its time in it; or it is the user's own function, run
// at least Limits.MinCalls times, whose whole work, the use included,
// repeats exactly.
// Identical counts alone fit a fixed-size numeric kernel on changing
// values as well as a table rebuilt from constant data; the kind of work
// tells them apart.
func (g *callGraph) constantUse(c *candidate) bool {
	if !c.rep.identical(g.lim, g.lim.MinQuotients) && !c.rep.unlikely(g.lim) {
		return false
	}
	build := g.buildEdge(c.root)
	if build != nil && g.usersOwn(build.Caller) && build.Caller.Primitive >= g.lim.MinCalls &&
		edgeCalls(build) == build.Caller.Primitive && build.Cum >= g.lim.Dominates*build.Caller.Cum {
		c.construction, c.dominated = construction(c.root, c.rep, false), build
		return c.construction != nil
	}
	if g.usersOwn(c.root) {
		c.construction = construction(c.root, c.rep, true)
		return c.construction != nil
	}
	return false
}

// builderWords are the name parts that say a function constructs
// something (docs/setup-detection.md, "Shape: setup no catalog names",
// shape 3). A name is only a prior, never enough on its own; here it
// decides between construction and arithmetic once the counts have proved
// identical work.
var builderWords = []string{"build", "make", "create", "compile", "construct", "generate", "load", "read", "parse",
	"init", "setup", "prepare", "register", "table", "index", "schema", "config", "factory", "registry", "lexer", "parser", "grammar"}

// constructionCalls are the functions whose presence in a subtree shows
// construction work: objects created (__init__, __new__), classes built,
// code compiled, files opened and read, dictionaries and sets built by
// comprehension.
var constructionCalls = []string{"__init__", "__new__", "<dictcomp>", "<setcomp>",
	"<built-in method builtins.compile>", "<built-in method builtins.exec>", "<built-in method builtins.eval>",
	"<built-in method builtins.__build_class__>", "<built-in method io.open>", "<built-in method builtins.open>",
	"<built-in method posix.stat>", "<built-in method posix.listdir>", "<built-in method posix.scandir>",
	"<built-in method marshal.loads>", "<built-in method _pickle.loads>"}

// construction returns what shows that f constructs something: f itself
// or a member carrying most of its cost when the name says so, else f or a
// member being a construction call; nil when nothing does. Strict asks
// for more where the evidence is weaker (a function of the user's own,
// which also holds the use of what it builds; leaner counts): a name says
// what a user's function does with its input (parse_line), and a few
// objects created on the way (a renderer's context) are not the point, so
// only a builder or a construction call carrying most of the cost counts.
func construction(f *parse.Func, r repeat, strict bool) *parse.Func {
	if !strict && builderName(f.Name) {
		return f
	}
	for _, m := range r.members {
		if m.Cum >= 0.5*r.cost && builderName(m.Name) {
			return m
		}
	}
	for _, m := range append([]*parse.Func{f}, r.members...) {
		if strict && m.Cum < 0.5*r.cost {
			continue
		}
		for _, name := range constructionCalls {
			if m.Name == name || strings.HasSuffix(m.Name, "."+name) {
				return m
			}
		}
	}
	return nil
}

// builderName reports whether one of name's parts (split at underscores,
// dots and lower-to-upper case changes) begins with a builder word.
func builderName(name string) bool {
	var parts []string
	start := 0
	for i, r := range name {
		if !unicode.IsLetter(r) || i > start && unicode.IsUpper(r) && unicode.IsLower(rune(name[i-1])) {
			parts = append(parts, name[start:i])
			start = i
			if !unicode.IsLetter(r) {
				start = i + 1
			}
		}
	}
	parts = append(parts, name[start:])
	for _, p := range parts {
		p = strings.ToLower(p)
		for _, w := range builderWords {
			if strings.HasPrefix(p, w) {
				return true
			}
		}
	}
	return false
}
