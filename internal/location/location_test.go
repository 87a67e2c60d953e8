package location

import (
	"strings"
	"testing"

	"github.com/loopdoctor/loopdoctor/parse"
)

func TestOriginAndLabel(t *testing.T) {
	tests := []struct {
		f      parse.Func
		origin Origin
		label  string
	}{
		{parse.Func{Name: "get_values", File: "/srv/app/webhook.py", Line: 23}, User, "/srv/app/webhook.py:23 get_values"},
		{parse.Func{Name: "yacc", File: "/usr/lib/python3/dist-packages/ply/yacc.py", Line: 3216}, ThirdParty, "ply/yacc.py:3216 yacc"},
		{parse.Func{Name: "get", File: "/home/u/.venv/lib/python3.12/site-packages/requests/api.py", Line: 62}, ThirdParty, "requests/api.py:62 get"},
		{parse.Func{Name: "_run", File: "/usr/lib/python3.11/asyncio/events.py", Line: 78}, Stdlib, "asyncio/events.py:78 _run"},
		{parse.Func{Name: "compile", File: `C:\Python27\Lib\re.py`, Line: 188}, Stdlib, "re.py:188 compile"},
		{parse.Func{Name: "dumps", File: "/opt/pypy3.9/lib/pypy3.9/json/__init__.py", Line: 183}, Stdlib, "json/__init__.py:183 dumps"},
		{parse.Func{Name: "main", File: "/home/u/lib/pythonic/app.py", Line: 3}, User, "/home/u/lib/pythonic/app.py:3 main"},
		{parse.Func{Name: "_find_and_load", File: "<frozen importlib._bootstrap>", Line: 1165}, Stdlib, "<frozen importlib._bootstrap>:1165 _find_and_load"},
		{parse.Func{Name: "<built-in method builtins.len>", File: "~"}, Native, "{built-in method builtins.len}"},
		{parse.Func{Name: "len", File: ""}, Native, "len"},
		{parse.Func{Name: "regexp.Compile", File: "/usr/local/go/src/regexp/regexp.go", Line: 133}, Stdlib, "regexp.go:133 regexp.Compile"},
		{parse.Func{Name: "runtime.mallocgc", File: "/usr/local/go/src/runtime/malloc.go", Line: 900}, Native, "malloc.go:900 runtime.mallocgc"},
		{parse.Func{Name: "github.com/x/y.F", File: "/root/go/pkg/mod/github.com/x/y@v1.0.0/y.go", Line: 5}, ThirdParty, "y.go:5 y.F"},
		{parse.Func{Name: "github.com/x/y.(*T).Get.func1", File: "/src/y/t.go"}, User, "t.go y.(*T).Get.func1"},
		{parse.Func{Name: "libc.so.6 0x4a3f10", File: "libc.so.6", Synthetic: true}, Native, "libc.so.6 0x4a3f10"},
		{parse.Func{Name: "_bootstrap_inner", File: "/usr/lib64/python3.11/threading.py", Line: 1038}, Stdlib, "threading.py:1038 _bootstrap_inner"},

		// Windows: both separators, drive letters, any install prefix.
		{parse.Func{Name: "run", File: `C:\Users\me\scoop\apps\miniconda3\current\Lib\threading.py`, Line: 975}, Stdlib, "threading.py:975 run"},
		{parse.Func{Name: "run", File: `C:\Users\me\AppData\Local\Programs\Python\Python312\Lib\asyncio\events.py`, Line: 84}, Stdlib, `asyncio\events.py:84 run`},
		{parse.Func{Name: "decode", File: `D:\py\envs\ha\Lib\json\decoder.py`, Line: 332}, Stdlib, `json\decoder.py:332 decode`},
		{parse.Func{Name: "decode", File: `C:\py\python311.zip\json\decoder.py`, Line: 332}, Stdlib, `json\decoder.py:332 decode`},
		{parse.Func{Name: "async_add_job", File: `C:\Users\me\scoop\apps\miniconda3\current\envs\ha\Lib\site-packages\homeassistant\core.py`, Line: 590}, ThirdParty, `homeassistant\core.py:590 async_add_job`},
		{parse.Func{Name: "get", File: `c:/work/app/.venv/Lib/site-packages/requests/api.py`, Line: 62}, ThirdParty, "requests/api.py:62 get"},
		{parse.Func{Name: "main", File: `C:\Users\me\projects\app\main.py`, Line: 3}, User, `C:\Users\me\projects\app\main.py:3 main`},
		{parse.Func{Name: "main", File: `C:\Users\me\projects\mylib\lib\util.py`, Line: 3}, User, `C:\Users\me\projects\mylib\lib\util.py:3 main`},
		{parse.Func{Name: "handler", File: `\\server\share\app\handler.py`, Line: 7}, User, `\\server\share\app\handler.py:7 handler`},
		{parse.Func{Name: "net/http.(*conn).serve", File: "C:/Program Files/Go/src/net/http/server.go", Line: 2009}, Stdlib, "server.go:2009 http.(*conn).serve"},
		{parse.Func{Name: "github.com/x/y.F", File: "C:/Users/me/go/pkg/mod/github.com/x/y@v1.0.0/y.go", Line: 5}, ThirdParty, "y.go:5 y.F"},
		{parse.Func{Name: "main.main", File: `C:\src\app\main.go`, Line: 9}, User, "main.go:9 main.main"},
	}
	for _, tt := range tests {
		if got := OriginOf(&tt.f); got != tt.origin {
			t.Errorf("OriginOf(%s) = %s, want %s", &tt.f, got, tt.origin)
		}
		if got := Label(&tt.f); got != tt.label {
			t.Errorf("Label(%s) = %q, want %q", &tt.f, got, tt.label)
		}
	}
}

func TestShortFileAndTail(t *testing.T) {
	tests := []struct {
		file, short, base, tail2 string
	}{
		{"/usr/lib/python3.11/asyncio/events.py", "asyncio/events.py", "events.py", "/asyncio/events.py"},
		{`C:\Users\me\scoop\apps\python\current\Lib\threading.py`, "threading.py", "threading.py", `\Lib\threading.py`},
		{`C:\app\pkg/mod.py`, `C:\app\pkg/mod.py`, "mod.py", `\pkg/mod.py`},
		{"webhook.py", "webhook.py", "webhook.py", ""},
		{"/a.py", "/a.py", "a.py", ""},
	}
	for _, tt := range tests {
		if got := ShortFile(tt.file); got != tt.short {
			t.Errorf("ShortFile(%q) = %q, want %q", tt.file, got, tt.short)
		}
		if got := Base(tt.file); got != tt.base {
			t.Errorf("Base(%q) = %q, want %q", tt.file, got, tt.base)
		}
		if got, ok := Tail(tt.file, 2); got != tt.tail2 || ok != (tt.tail2 != "") {
			t.Errorf("Tail(%q, 2) = %q, %v; want %q", tt.file, got, ok, tt.tail2)
		}
	}
}

// TestWindowsDump classifies every function of a dump recorded with
// Windows paths (see testdata/windows/README.md): the install's Lib is the
// standard library, its Lib\site-packages third-party, the project on D:
// the user's code.
func TestWindowsDump(t *testing.T) {
	p, err := parse.File("../../testdata/windows/windows.pstats", parse.Options{})
	if err != nil {
		t.Fatal(err)
	}
	const lib = `C:\Users\dev\scoop\apps\python\current\Lib\`
	counts := map[Origin]int{}
	for _, f := range p.Funcs {
		var want Origin
		switch {
		case f.File == "<string>":
			continue // exec'd source: whose it is, the file name does not say
		case f.File == "~":
			want = Native
		case strings.HasPrefix(f.File, lib+`site-packages\`):
			want = ThirdParty
		case strings.HasPrefix(f.File, lib), strings.HasPrefix(f.File, "<frozen "):
			want = Stdlib
		case strings.HasPrefix(f.File, `D:\projects\`):
			want = User
		default:
			t.Errorf("%s: a file the dump's script does not write", f)
			continue
		}
		counts[want]++
		if got := OriginOf(f); got != want {
			t.Errorf("OriginOf(%s) = %s, want %s", f, got, want)
		}
		if short := ShortFile(f.File); want != User && strings.Contains(short, `:\`) {
			t.Errorf("ShortFile(%q) = %q keeps the drive", f.File, short)
		}
	}
	if counts[User] == 0 || counts[Stdlib] == 0 || counts[ThirdParty] == 0 {
		t.Errorf("origins %v: want functions of every origin", counts)
	}
}
