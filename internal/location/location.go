// Package location names where a profiled function lives, for people: the
// path shortened to what finds the file in an editor, a label of path, line
// and name, and the code's origin (the user's own code, a standard
// library, an installed package, or native code). Dumps come from Linux,
// macOS and Windows alike, so every rule accepts both path separators and
// drive letters. analyze uses it to point findings at the user's code and
// render to print every location the same way.
package location

import (
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

// prefixes are the ends of the leading directories of a path that a reader
// does not need, each an index just past a separator, or -1 when absent.
type prefixes struct {
	thirdParty int // past the last site-packages/, dist-packages/ or Go's pkg/mod/
	stdlib     int // past the last Python standard library directory
	goroot     int // past the last go/src/ (Go/src/ on Windows)
}

// scan finds the prefixes of file in one pass over its components,
// accepting '/' and '\' alike. A Python standard library directory is
// ".../lib/python3.11/" (lib64, pypy3.9, python311.zip too) or
// "...\Python27\Lib\"; in a Windows path (a drive letter, a UNC name or
// backslashes) any "Lib" directory is one, since Windows installs put the
// standard library in <prefix>\Lib whatever the prefix is called
// (C:\Users\me\scoop\apps\python\current\Lib\threading.py). It is
// hand-written rather than a regular expression because it runs for every
// function.
func scan(file string) prefixes {
	p := prefixes{-1, -1, -1}
	windows := isWindows(file)
	prev := "" // the previous directory
	for start := 0; start < len(file); {
		end := start
		for end < len(file) && !isSep(file[end]) {
			end++
		}
		if end == len(file) {
			break // the file name itself
		}
		dir := file[start:end]
		switch {
		case dir == "site-packages" || dir == "dist-packages" || prev == "pkg" && dir == "mod":
			p.thirdParty = end + 1
		case isLib(prev) && isPythonDir(dir) || isPythonDir(prev) && isLib(dir) ||
			isPythonZip(dir) || windows && dir == "Lib":
			p.stdlib = end + 1
		case strings.EqualFold(prev, "go") && dir == "src":
			p.goroot = end + 1
		}
		prev, start = dir, end+1
	}
	return p
}

// isWindows tells a path recorded on Windows: "C:\", "C:/", "\\server\"
// or any backslash.
func isWindows(file string) bool {
	drive := len(file) >= 3 && file[1] == ':' && isSep(file[2]) &&
		('a' <= file[0] && file[0] <= 'z' || 'A' <= file[0] && file[0] <= 'Z')
	return drive || strings.IndexByte(file, '\\') >= 0
}

func isLib(dir string) bool { return strings.EqualFold(dir, "lib") || strings.EqualFold(dir, "lib64") }

// isPythonDir matches "python3.11", "Python27", "pypy3.9" and the like.
func isPythonDir(dir string) bool {
	var n int
	switch {
	case len(dir) > 6 && strings.EqualFold(dir[:6], "python"):
		n = 6
	case len(dir) > 4 && strings.EqualFold(dir[:4], "pypy"):
		n = 4
	default:
		return false
	}
	for _, c := range []byte(dir[n:]) {
		if (c < '0' || c > '9') && c != '.' {
			return false
		}
	}
	return true
}

// isPythonZip matches the zipped standard library of Windows' embeddable
// Python and of zipimport installs: "python311.zip".
func isPythonZip(dir string) bool {
	return len(dir) > 4 && strings.EqualFold(dir[len(dir)-4:], ".zip") && isPythonDir(dir[:len(dir)-4])
}

func isSep(c byte) bool { return c == '/' || c == '\\' }

// OriginOf classifies f by its file and, for Go, its package path.
func OriginOf(f *parse.Func) Origin {
	if IsNative(f) {
		return Native
	}
	return FileOrigin(f.File)
}

// IsNative reports whether f is native code, whatever its file's origin:
// a built-in, the Go runtime, or a frame without a file.
func IsNative(f *parse.Func) bool {
	return f.Synthetic || f.File == "~" || f.File == "" || strings.HasPrefix(f.Name, "runtime.")
}

// FileOrigin is the origin of the functions in file that are not native
// (IsNative). It depends on the path alone, so a caller classifying many
// functions of one file can scan the path once.
func FileOrigin(file string) Origin {
	if strings.HasPrefix(file, "<frozen ") {
		return Stdlib
	}
	switch p := scan(file); {
	case p.thirdParty >= 0:
		return ThirdParty
	case p.stdlib >= 0, p.goroot >= 0, strings.HasPrefix(file, "$GOROOT/"):
		return Stdlib
	}
	return User
}

// ShortFile trims the part of a path a reader does not need to find the
// file: everything up to site-packages, dist-packages, the Python standard
// library directory, Go's src or its module cache, with either separator.
// The user's own files keep their whole path. It is for display only;
// JSON keeps full paths.
func ShortFile(file string) string {
	switch p := scan(file); {
	case p.thirdParty >= 0:
		return file[p.thirdParty:]
	case p.stdlib >= 0:
		return file[p.stdlib:]
	case p.goroot >= 0:
		return file[p.goroot:]
	}
	return file
}

// Base is the last component of a path written with either separator.
func Base(file string) string {
	i := len(file) - 1
	for i >= 0 && !isSep(file[i]) {
		i--
	}
	return file[i+1:]
}

// Tail returns the last n components of file with the separator before
// them ("/webhook/webhook.py" for n = 2), as the separators were written,
// and false when file has no more than n components.
func Tail(file string, n int) (string, bool) {
	for i := len(file) - 1; i > 0; i-- {
		if isSep(file[i]) {
			if n--; n == 0 {
				return file[i:], true
			}
		}
	}
	return "", false
}

// Label names f as a reader finds it in an editor: "path:line name" with the
// path shortened; the name alone for built-ins and for synthetic frames,
// whose names already say what they are.
func Label(f *parse.Func) string {
	switch {
	case f.Synthetic:
		return f.Name
	case f.File == "~" || f.File == "":
		return builtinName(f.Name)
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
	file := Base(f.File)
	if f.Line > 0 {
		file += ":" + strconv.Itoa(f.Line)
	}
	return file + " " + name
}

// builtinName prints a CPython built-in key the way pstats listings do,
// with braces instead of angle brackets: {built-in method builtins.len}.
func builtinName(name string) string {
	if strings.HasPrefix(name, "<") && strings.HasSuffix(name, ">") {
		return "{" + name[1:len(name)-1] + "}"
	}
	return name
}
