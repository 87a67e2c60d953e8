// Command goservice is a small HTTP service with three kinds of setup in
// it, only one of which is a problem:
//
//   - /export creates a new gzip writer for every response (a compressor
//     allocates about a megabyte of tables each time): repeated setup.
//   - /classify matches the query against 4,000 rules compiled once, on the
//     first request, behind sync.OnceValue: setup done once.
//   - /debug/pprof/heap (net/http/pprof) is scraped every 40 requests, as a
//     monitoring agent would; each scrape writes a gzipped heap profile
//     through runtime/pprof's own gzip writer: the profiler, not the program.
//
// An in-process client drives it for a fixed number of requests under the
// CPU profiler; then the CPU profile goes to cpu.pb.gz and the allocation
// profile to allocs.pb.gz in the working directory.
package main

import (
	"compress/gzip"
	"encoding/json"
	"fmt"
	"io"
	"log"
	"math/rand"
	"net"
	"net/http"
	_ "net/http/pprof"
	"net/url"
	"os"
	"regexp"
	"runtime"
	"runtime/pprof"
	"strconv"
	"sync"
)

var (
	words    = []string{"timeout", "refused", "reset", "denied", "expired", "missing", "invalid", "throttled"}
	services = []string{"auth", "billing", "search", "mailer", "gateway", "scheduler"}
)

// rules are compiled once, on the first /classify request.
var rules = sync.OnceValue(func() []*regexp.Regexp {
	rng := rand.New(rand.NewSource(1))
	out := make([]*regexp.Regexp, 4000)
	for i := range out {
		out[i] = regexp.MustCompile(fmt.Sprintf(`(?i)^%s\[\d+\]: .*(%s|%s) after \d{%d,4}ms$`,
			services[rng.Intn(len(services))], words[rng.Intn(len(words))], words[rng.Intn(len(words))], 1+rng.Intn(3)))
	}
	return out
})

// classify counts the rules a log line matches.
func classify(w http.ResponseWriter, r *http.Request) {
	line := r.URL.Query().Get("line")
	n := 0
	for _, re := range rules() {
		if re.MatchString(line) {
			n++
		}
	}
	fmt.Fprintf(w, "%d\n", n)
}

type row struct {
	ID     int     `json:"id"`
	Name   string  `json:"name"`
	Amount float64 `json:"amount"`
}

// export writes a gzip-compressed JSON report, with a new gzip writer for
// every response.
func export(w http.ResponseWriter, r *http.Request) {
	n, _ := strconv.Atoi(r.URL.Query().Get("rows"))
	rows := make([]row, n)
	for i := range rows {
		rows[i] = row{ID: i, Name: words[i%len(words)], Amount: float64(i) * 1.25}
	}
	w.Header().Set("Content-Encoding", "gzip")
	zw := gzip.NewWriter(w)
	if err := json.NewEncoder(zw).Encode(rows); err != nil {
		log.Print(err)
	}
	zw.Close()
}

func get(u string) {
	resp, err := http.Get(u)
	if err != nil {
		log.Fatal(err)
	}
	if resp.StatusCode != http.StatusOK {
		log.Fatalf("%s: %s", u, resp.Status)
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
}

func main() {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		log.Fatal(err)
	}
	http.HandleFunc("/classify", classify)
	http.HandleFunc("/export", export)
	go http.Serve(ln, nil) // the default mux, where net/http/pprof registers

	cpu, err := os.Create("cpu.pb.gz")
	if err != nil {
		log.Fatal(err)
	}
	if err := pprof.StartCPUProfile(cpu); err != nil {
		log.Fatal(err)
	}
	base := "http://" + ln.Addr().String()
	rng := rand.New(rand.NewSource(2))
	for i := 0; i < 4000; i++ {
		switch {
		case i%40 == 39:
			get(base + "/debug/pprof/heap")
		case i%20 == 0:
			get(base + "/export?rows=" + strconv.Itoa(100+rng.Intn(400)))
		default:
			line := fmt.Sprintf("%s[%d]: upstream %s after %dms", services[rng.Intn(len(services))], rng.Intn(999),
				words[rng.Intn(len(words))], rng.Intn(5000))
			get(base + "/classify?line=" + url.QueryEscape(line))
		}
	}
	pprof.StopCPUProfile()
	if err := cpu.Close(); err != nil {
		log.Fatal(err)
	}
	runtime.GC() // the allocation profile is as of the last collection
	mem, err := os.Create("allocs.pb.gz")
	if err != nil {
		log.Fatal(err)
	}
	if err := pprof.Lookup("allocs").WriteTo(mem, 0); err != nil {
		log.Fatal(err)
	}
	if err := mem.Close(); err != nil {
		log.Fatal(err)
	}
}
