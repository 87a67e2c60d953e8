package analyze

// goPatterns are the catalog's Go entries (G…); see builtinCatalog.
var goPatterns = []Pattern{
	{
		ID:    "G1",
		Title: "Regexp compiled per call (Go regexp)",
		Build: []Frames{{"", []string{"regexp.MustCompile", "regexp.Compile", "regexp.MustCompilePOSIX", "regexp.CompilePOSIX",
			"regexp.compile", "regexp/syntax.Parse", "regexp/syntax.Compile", "regexp.compileOnePass"}}},
		Why: "Compiling parses the pattern, simplifies it and builds its program, allocating each time.",
		Fix: "Compile the pattern once into a package-level var (regexp.MustCompile at package scope).",
		Ref: "mondoohq/mql#9856",
	},
	{
		ID:    "G2",
		Title: "Template parsed per render (Go text/template, html/template)",
		Build: []Frames{{"", []string{"text/template.(*Template).Parse", "text/template/parse.Parse", "html/template.(*Template).Parse",
			"html/template.(*Template).escape", "html/template.escapeTemplate"}}},
		Why: "Parsing builds the template tree, and html/template escapes it again on the first Execute of each new template.",
		Fix: "Parse templates once at start-up and only Execute them per request.",
		Ref: "qor/render#3",
	},
	{
		ID:    "G3",
		Title: "gzip/flate writer created per response (Go compress)",
		Build: []Frames{{"", []string{"compress/flate.NewWriter", "compress/flate.(*compressor).init", "compress/flate.newDeflateFast"}}},
		Why:   "Each new compressor allocates its tables, around a megabyte.",
		Fix:   "Keep writers in a sync.Pool and Reset them for each response.",
		Ref:   "klauspost/compress#141; golang/go#65114",
	},
	{
		ID:    "G4",
		Title: "HTTP client or transport created per request (Go net/http)",
		Build: []Frames{{"", []string{"net/http.(*persistConn).addTLS", "crypto/tls.(*Conn).clientHandshake"}}},
		Why:   "A new Transport has no idle connections, so every request dials and handshakes again.",
		Fix:   "Create one http.Client (and Transport) and reuse it; it is safe for concurrent use.",
		Ref:   "kubernetes/kubernetes#13671",
	},
	{
		ID:    "G5",
		Title: "TLS root pool loaded per use (Go crypto/x509)",
		Build: []Frames{{"", []string{"crypto/x509.SystemCertPool", "crypto/x509.loadSystemRoots", "crypto/x509.(*CertPool).AppendCertsFromPEM"}}},
		Why:   "Loading a root pool parses every certificate in it.",
		Fix:   "Build the tls.Config and its cert pool once and share it.",
		Ref:   "prometheus/blackbox_exporter#269; golang/go#19561",
	},
	{
		ID:    "G6",
		Title: "Validator created per call (go-playground/validator)",
		Build: []Frames{{"", []string{"github.com/go-playground/validator/v10.New", "gopkg.in/go-playground/validator.v9.New"}}},
		Why:   "A new validator starts with an empty per-type struct cache and reflects over every type again.",
		Fix:   "Create one validator instance and share it.",
		Ref:   "go-playground/validator#528",
	},
	{
		ID:    "G7",
		Title: "sync.Pool misses rebuild pooled objects (Go sync)",
		Build: []Frames{{"", []string{"sync.(*Pool).getSlow"}}},
		Why:   "The garbage collector empties pools, so objects are built again by the pool's New function.",
		Fix:   "Check the pool's lifetime and object size; keep long-lived objects outside the pool.",
		Ref:   "golang/go#22950",
	},
	{
		ID:    "G8",
		Title: "Time zone loaded per call (Go time.LoadLocation)",
		Build: []Frames{{"", []string{"time.LoadLocation", "time.loadLocation", "time.LoadLocationFromTZData",
			"time.loadTzinfoFromDirOrZip", "time/tzdata.loadFromEmbeddedTZData"}}},
		Why: "LoadLocation caches nothing but UTC and Local: every call reads the zone's file from the zoneinfo " +
			"directory or zip and parses its transitions again.",
		Fix: "Load each time zone once (a package-level var, or a map filled on first use) and share the *time.Location; " +
			"it is immutable and safe for concurrent use.",
		Ref: "golang/go#26106; hebcal/hebcal-go#34",
	},
	{
		ID:    "G9",
		Title: "gob encoder or decoder created per message (Go encoding/gob)",
		Build: []Frames{{"", []string{"encoding/gob.NewEncoder", "encoding/gob.NewDecoder",
			"encoding/gob.(*Encoder).sendTypeDescriptor", "encoding/gob.compileEnc", "encoding/gob.(*Decoder).compileDec",
			"encoding/gob.(*Decoder).recvType"}}},
		Why: "A gob stream sends and compiles each type's description once per Encoder and Decoder, so a new pair per " +
			"message pays that compilation, and the bytes of the type descriptions, every time.",
		Fix: "Keep one Encoder and one Decoder per connection or stream and send every value through them.",
		Ref: "fnproject/flow-lib-go#9; djherbis/stow#8",
	},
	{
		ID:    "G10",
		Title: "gRPC connection dialed per call (Go grpc)",
		Build: []Frames{{"", []string{"google.golang.org/grpc.Dial", "google.golang.org/grpc.DialContext",
			"google.golang.org/grpc.NewClient"}}},
		Why: "A ClientConn resolves the target, connects and handshakes (TLS and HTTP/2) before its first call; one per " +
			"call repeats all of it and defeats multiplexing.",
		Fix: "Create one ClientConn per target at start-up and share it: it is safe for concurrent use and reconnects by itself.",
		Ref: "grpc/grpc-go#526; drand/drand#884",
	},
	{
		ID:    "G11",
		Title: "Database handle opened per call (Go database/sql)",
		Build: []Frames{{"", []string{"database/sql.Open", "database/sql.OpenDB"}}},
		Why: "sql.Open returns a connection pool, not a connection; opening one per call throws the pool away, so " +
			"every query dials and authenticates a new connection.",
		Fix: "Call sql.Open once per database at start-up and share the *sql.DB; it is safe for concurrent use.",
		Ref: "apigee/registry#622; prebid/prebid-server#299",
	},
	{
		ID:    "G12",
		Title: "JSON schema compiled per validation (Go jsonschema)",
		Build: []Frames{{"", []string{
			"github.com/santhosh-tekuri/jsonschema/v5.(*Compiler).Compile", "github.com/santhosh-tekuri/jsonschema/v5.Compile",
			"github.com/santhosh-tekuri/jsonschema/v5.MustCompile", "github.com/santhosh-tekuri/jsonschema/v6.(*Compiler).Compile",
			"github.com/xeipuuv/gojsonschema.NewSchema"}}},
		Why: "Compiling parses the schema, resolves its references and builds its validators, which costs far more " +
			"than validating one document.",
		Fix: "Compile each schema once at start-up and validate every document with the compiled schema.",
		Ref: "santhosh-tekuri/jsonschema#185; xeipuuv/gojsonschema#301; getkin/kin-openapi#1186",
	},
}
