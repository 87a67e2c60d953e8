// Package location names where a profiled function lives, for people: the
// path shortened to what finds the file in an editor, a label of path, line
// and name, and the code's origin (the user's own code, a standard
// library, an installed package, or native code). Dumps come from Linux,
// macOS and Windows alike, so every rule accepts both path separators and
// drive letters. analyze uses it to point findings at the user's code and
// render to print every location the same way.
package location

import (
	"path"
	"strconv"
	"strings"

	"github.com/loopdoctor/loopdoctor/parse"
)

// Origin says whose code a function is. Findings point at the user's own
// code, where a fix goes; flame graphs colour by origin.
type Origin int

// Origins, from the user's code outwards.
const (
	User       Origin = iota // the program's own files
	Stdlib                   // Python's or Go's standard library
	ThirdParty               // site-packages, dist-packages, Go module cache
	Native                   // built-ins, the Go runtime, unsymbolized code
)

var originNames = [...]string{"user", "stdlib", "third-party", "native"}

func (o Origin) String() string { return originNames[o] }

// pythonStdlibEnd finds the standard library directory of a Python
// install in file and returns the index just past it, or -1. It knows the
// POSIX layout ".../lib/python3.11/" (or pypy3.9) and the Windows one
// "C:\\Python27\\Lib\\", in any case. It is hand-written rather than a
// regular expression because it runs for every function.
func pythonStdlibEnd(file string) int {
	found := -1 // the last match wins: /opt/python3.11/lib/python3.11/
	prev := ""  // the previous path component
	for start := 0; start < len(file); {
		end := start
		for end < len(file) && !isSep(file[end]) {
			end++
		}
		if end == len(file) {
			break // the file name itself
		}
		comp := file[start:end]
		if strings.EqualFold(prev, "lib") && isPythonDir(comp) || isPythonDir(prev) && strings.EqualFold(comp, "lib") {
			found = end + 1
		}
		prev, start = comp, end+1
	}
	return found
}

// isPythonDir matches "python3.11", "Python27", "pypy3.9" and the like.
func isPythonDir(comp string) bool {
	var n int
	switch {
	case len(comp) > 6 && strings.EqualFold(comp[:6], "python"):
		n = 6
	case len(comp) > 4 && strings.EqualFold(comp[:4], "pypy"):
		n = 4
	default:
		return false
	}
	for _, c := range []byte(comp[n:]) {
		if (c < '0' || c > '9') && c != '.' {
			return false
		}
	}
	return true
}

func isSep(c byte) bool { return c == '/' || c == '\\' }

// thirdPartyDirs mark installed packages in Python and Go alike.
var thirdPartyDirs = []string{"site-packages/", "dist-packages/", "site-packages\\", "dist-packages\\", "/pkg/mod/"}

// OriginOf classifies f by its file and, for Go, its package path.
func OriginOf(f *parse.Func) Origin {
	file := f.File
	switch {
	case f.Synthetic, file == "~", file == "", strings.HasPrefix(f.Name, "runtime."):
		return Native
	case strings.HasPrefix(file, "<frozen "):
		return Stdlib
	}
	for _, dir := range thirdPartyDirs {
		if strings.Contains(file, dir) {
			return ThirdParty
		}
	}
	if pythonStdlibEnd(file) >= 0 || strings.Contains(file, "/go/src/") || strings.HasPrefix(file, "$GOROOT/") {
		return Stdlib
	}
	return User
}

// ShortFile trims the part of a path a reader does not need to find the
// file: everything up to site-packages/, dist-packages/, the Python
// standard library directory, Go's src/ or the module cache. It is for
// display only; JSON keeps full paths.
func ShortFile(file string) string {
	for _, dir := range thirdPartyDirs {
		if i := strings.LastIndex(file, dir); i >= 0 {
			return file[i+len(dir):]
		}
	}
	if end := pythonStdlibEnd(file); end >= 0 {
		return file[end:]
	}
	if i := strings.LastIndex(file, "/go/src/"); i >= 0 {
		return file[i+len("/go/src/"):]
	}
	return file
}

// Label names f as a reader finds it in an editor: "path:line name" with the
// path shortened; the name alone for built-ins and for synthetic frames,
// whose names already say what they are.
func Label(f *parse.Func) string {
	switch {
	case f.Synthetic:
		return f.Name
	case f.File == "~" || f.File == "":
		return BuiltinName(f.Name)
	case strings.HasSuffix(f.File, ".go"):
		return goLabel(f)
	case f.Line > 0:
		return ShortFile(f.File) + ":" + strconv.Itoa(f.Line) + " " + f.Name
	}
	return ShortFile(f.File) + " " + f.Name
}

// goLabel names a Go function by its file's base name and its name
// without the package's import path: "api.go:490 types.(*Config).Check".
// Go symbols carry their full import path, which would crowd out the rest.
func goLabel(f *parse.Func) string {
	name := f.Name
	plain, _, _ := strings.Cut(name, "[") // type arguments may hold paths too
	if i := strings.LastIndex(plain, "/"); i >= 0 {
		name = name[i+1:]
	}
	file := path.Base(f.File)
	if f.Line > 0 {
		file += ":" + strconv.Itoa(f.Line)
	}
	return file + " " + name
}

// BuiltinName prints a CPython built-in key the way pstats listings do,
// with braces instead of angle brackets: {built-in method builtins.len}.
func BuiltinName(name string) string {
	if strings.HasPrefix(name, "<") && strings.HasSuffix(name, ">") {
		return "{" + name[1:len(name)-1] + "}"
	}
	return name
}
