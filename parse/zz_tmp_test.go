package parse

import (
	"os"
	"strings"
	"testing"
)

func TestZZStats(t *testing.T) {
	data, _ := os.ReadFile("../testdata/pstats/large.pstats")
	counts := map[byte]int{}
	d := newDecoder(data)
	top, err := d.decode()
	if err != nil {
		t.Fatal(err)
	}
	_ = counts
	t.Logf("arena %d strs %d", len(d.arena), len(d.strs))
	items := d.items(top)
	fresh, ref := 0, 0
	seen := map[uint32]bool{}
	keyoffs := map[uint32]bool{}
	for i := 0; i < len(items); i += 2 {
		keyoffs[items[i].off] = true
		cs := d.items(d.items(items[i+1])[4])
		for j := 0; j < len(cs); j += 2 {
			if seen[cs[j].off] {
				ref++
			} else {
				fresh++
				seen[cs[j].off] = true
			}
		}
	}
	same := 0
	for k := range seen {
		if keyoffs[k] {
			same++
		}
	}
	t.Logf("callers fresh %d ref %d, caller key objs that are row keys %d", fresh, ref, same)
}

func BenchmarkZZDecode(b *testing.B) {
	data, _ := os.ReadFile("../testdata/pstats/large.pstats")
	b.ReportAllocs()
	for b.Loop() {
		d := newDecoder(data)
		if _, err := d.decode(); err != nil {
			b.Fatal(err)
		}
	}
}

func TestZZDumpAll(t *testing.T) {
	dir := os.Getenv("ZZDIR")
	if dir == "" {
		t.Skip()
	}
	os.MkdirAll(dir, 0o755)
	for _, f := range pstatsDumps(t) {
		p, err := File(f, Options{})
		out := ""
		if err != nil {
			out = "ERROR " + err.Error()
		} else {
			out = p.String()
		}
		name := strings.ReplaceAll(f, "/", "_")
		os.WriteFile(dir+"/"+name, []byte(out), 0o644)
	}
}

func TestZZMutants(t *testing.T) {
	dir := os.Getenv("ZZDIR")
	if dir == "" {
		t.Skip()
	}
	var out strings.Builder
	for _, f := range pstatsDumps(t) {
		data, _ := os.ReadFile(f)
		if len(data) > 20000 {
			continue
		}
		r := uint64(12345)
		next := func() uint64 { r ^= r << 13; r ^= r >> 7; r ^= r << 17; return r }
		for i := 0; i < 400; i++ {
			in := append([]byte(nil), data...)
			switch i % 4 {
			case 0:
				in = in[:next()%uint64(len(in))]
			default:
				for k := 0; k < 1+i%3; k++ {
					in[next()%uint64(len(in))] = byte(next())
				}
			}
			p, err := PstatsData(in, "m")
			if err != nil {
				out.WriteString(f + " E " + err.Error() + "\n")
			} else {
				out.WriteString(f + " OK\n" + p.String())
			}
		}
	}
	os.WriteFile(dir+"/mutants.txt", []byte(out.String()), 0o644)
}
