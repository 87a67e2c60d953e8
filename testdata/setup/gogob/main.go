// Command gogob is an HTTP service that answers with gob-encoded quotes and
// creates a new gob.Encoder for every response, so every response compiles
// the encoder for its types and sends their descriptions again; the client
// likewise decodes each response with a new gob.Decoder. An in-process
// client sends requests for a fixed time under the CPU profiler; the
// profile is written to the file named by the first argument (default
// cpu.pprof).
package main

import (
	"encoding/gob"
	"fmt"
	"log"
	"net"
	"net/http"
	"os"
	"runtime/pprof"
	"time"
)

// Quote is one instrument's price; Book holds the quotes of one request.
type Quote struct {
	Symbol    string
	Bid, Ask  float64
	Volume    int64
	Venue     string
	Updated   time.Time
	Flags     []string
	Attribute map[string]string
}

type Book struct {
	Request int
	Quotes  []Quote
}

var symbols = []string{"ACME", "GLOBX", "INIT", "OMNI", "PEAR", "QUUX", "ZETA"}

// quotes answers with a book of quotes for ?n=; each response gets a new
// encoder.
func quotes(w http.ResponseWriter, r *http.Request) {
	var n int
	fmt.Sscan(r.URL.Query().Get("n"), &n)
	b := Book{Request: n}
	for i := 0; i < 1+n%7; i++ {
		b.Quotes = append(b.Quotes, Quote{Symbol: symbols[(n+i)%len(symbols)], Bid: float64(n%97) + 0.25, Ask: float64(n%97) + 0.5,
			Volume: int64(n * 10), Venue: "XNAS", Updated: time.Unix(int64(1700000000+n), 0), Flags: []string{"live"},
			Attribute: map[string]string{"currency": "USD"}})
	}
	w.Header().Set("Content-Type", "application/x-gob")
	if err := gob.NewEncoder(w).Encode(b); err != nil {
		log.Print(err)
	}
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
	mux.HandleFunc("/quotes", quotes)
	go http.Serve(ln, mux)

	f, err := os.Create(out)
	if err != nil {
		log.Fatal(err)
	}
	if err := pprof.StartCPUProfile(f); err != nil {
		log.Fatal(err)
	}
	client := &http.Client{}
	n, total := 0, 0
	for start := time.Now(); time.Since(start) < 3*time.Second; n++ {
		resp, err := client.Get(fmt.Sprintf("http://%s/quotes?n=%d", ln.Addr(), n))
		if err != nil {
			log.Fatal(err)
		}
		var b Book
		if err := gob.NewDecoder(resp.Body).Decode(&b); err != nil {
			log.Fatal(err)
		}
		resp.Body.Close()
		total += len(b.Quotes)
	}
	pprof.StopCPUProfile()
	if err := f.Close(); err != nil {
		log.Fatal(err)
	}
	log.Printf("%d requests, %d quotes", n, total)
}
