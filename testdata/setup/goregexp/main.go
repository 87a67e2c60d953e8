// Command goregexp is an HTTP service that compiles its validation regexps
// inside the request handler, so every request pays for regexp.MustCompile.
// An in-process client sends requests for a fixed time under the CPU
// profiler and the profile is written to the file named by the first
// argument (default cpu.pprof); the allocation profile goes to the second
// (default allocs.pprof).
package main

import (
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"os"
	"regexp"
	"runtime/pprof"
	"time"
)

// validate checks a user record field by field. The patterns never change,
// yet each call compiles them again.
func validate(w http.ResponseWriter, r *http.Request) {
	email := regexp.MustCompile(`^[a-zA-Z0-9._%+\-]+@[a-zA-Z0-9.\-]+\.[a-zA-Z]{2,}$`)
	phone := regexp.MustCompile(`^\+?[0-9]{1,3}[ \-]?\(?[0-9]{2,4}\)?[ \-]?[0-9]{3,4}[ \-]?[0-9]{3,4}$`)
	zip := regexp.MustCompile(`^(?:[0-9]{5}(?:-[0-9]{4})?|[A-Z][0-9][A-Z] ?[0-9][A-Z][0-9])$`)
	q := r.URL.Query()
	ok := email.MatchString(q.Get("email")) && phone.MatchString(q.Get("phone")) && zip.MatchString(q.Get("zip"))
	fmt.Fprintf(w, "%v\n", ok)
}

func main() {
	out, allocs := "cpu.pprof", "allocs.pprof"
	if len(os.Args) > 2 {
		out, allocs = os.Args[1], os.Args[2]
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		log.Fatal(err)
	}
	mux := http.NewServeMux()
	mux.HandleFunc("/validate", validate)
	go http.Serve(ln, mux)

	f, err := os.Create(out)
	if err != nil {
		log.Fatal(err)
	}
	if err := pprof.StartCPUProfile(f); err != nil {
		log.Fatal(err)
	}
	url := "http://" + ln.Addr().String() + "/validate?email=ann%40example.com&phone=%2B44+20+7946+0958&zip=12345"
	n := 0
	for start := time.Now(); time.Since(start) < 3*time.Second; n++ {
		resp, err := http.Get(url)
		if err != nil {
			log.Fatal(err)
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
	}
	pprof.StopCPUProfile()
	if err := f.Close(); err != nil {
		log.Fatal(err)
	}
	a, err := os.Create(allocs)
	if err != nil {
		log.Fatal(err)
	}
	if err := pprof.Lookup("allocs").WriteTo(a, 0); err != nil {
		log.Fatal(err)
	}
	if err := a.Close(); err != nil {
		log.Fatal(err)
	}
	log.Printf("%d requests", n)
}
