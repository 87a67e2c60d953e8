package location

import (
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
