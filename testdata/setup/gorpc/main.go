// Command gorpc is a net/rpc service whose Check method compiles its
// validation pattern on every call. An in-process client makes 6,000
// calls over a real TCP connection under the CPU profiler; the CPU profile
// goes to cpu.pb.gz and the allocation profile to allocs.pb.gz in the
// working directory.
package main

import (
	"fmt"
	"log"
	"net"
	"net/rpc"
	"os"
	"regexp"
	"runtime"
	"runtime/pprof"
)

// Validator checks order references.
type Validator struct{}

// Check reports whether ref is a valid order reference. The pattern never
// changes, yet every call compiles it again.
func (Validator) Check(ref string, ok *bool) error {
	re := regexp.MustCompile(`^(?:ORD|RET)-[0-9]{4}-[A-Z]{3}[0-9]{2,6}(?:/[a-z]{2,8})?$`)
	*ok = re.MatchString(ref)
	return nil
}

func main() {
	if err := rpc.Register(Validator{}); err != nil {
		log.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		log.Fatal(err)
	}
	go rpc.Accept(ln)

	cpu, err := os.Create("cpu.pb.gz")
	if err != nil {
		log.Fatal(err)
	}
	if err := pprof.StartCPUProfile(cpu); err != nil {
		log.Fatal(err)
	}
	client, err := rpc.Dial("tcp", ln.Addr().String())
	if err != nil {
		log.Fatal(err)
	}
	valid := 0
	for i := 0; i < 6000; i++ {
		var ok bool
		ref := fmt.Sprintf("ORD-%04d-ABC%d", i%10000, i)
		if err := client.Call("Validator.Check", ref, &ok); err != nil {
			log.Fatal(err)
		}
		if ok {
			valid++
		}
	}
	client.Close()
	pprof.StopCPUProfile()
	if err := cpu.Close(); err != nil {
		log.Fatal(err)
	}
	runtime.GC()
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
	fmt.Println(valid, "valid of 6000")
}
