// Command gotimezone is an HTTP service that shows a meeting time in the
// caller's time zone and loads that zone with time.LoadLocation inside the
// request handler, so every request reads and parses a zoneinfo file
// although only eight zones ever occur. An in-process client sends
// requests for a fixed time under the CPU profiler; the profile is written
// to the file named by the first argument (default cpu.pprof).
package main

import (
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"net/url"
	"os"
	"runtime/pprof"
	"time"
)

var meeting = time.Date(2024, time.March, 14, 15, 30, 0, 0, time.UTC)

// localTime answers with the meeting time in the zone named by ?tz=.
func localTime(w http.ResponseWriter, r *http.Request) {
	loc, err := time.LoadLocation(r.URL.Query().Get("tz"))
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	fmt.Fprintln(w, meeting.In(loc).Format("Mon 2 Jan 15:04 MST"))
}

func main() {
	out := "cpu.pprof"
	if len(os.Args) > 1 {
		out = os.Args[1]
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		log.Fatal(err)
	}
	mux := http.NewServeMux()
	mux.HandleFunc("/local", localTime)
	go http.Serve(ln, mux)

	f, err := os.Create(out)
	if err != nil {
		log.Fatal(err)
	}
	if err := pprof.StartCPUProfile(f); err != nil {
		log.Fatal(err)
	}
	zones := []string{"Europe/Berlin", "America/New_York", "Asia/Tokyo", "Australia/Sydney",
		"America/Sao_Paulo", "Africa/Nairobi", "Asia/Kolkata", "Pacific/Auckland"}
	client := &http.Client{}
	n := 0
	for start := time.Now(); time.Since(start) < 3*time.Second; n++ {
		resp, err := client.Get("http://" + ln.Addr().String() + "/local?tz=" + url.QueryEscape(zones[n%len(zones)]))
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
	log.Printf("%d requests", n)
}
