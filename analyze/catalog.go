package analyze

import (
	"slices"
	"strings"
)

// Pattern is one known kind of repeated expensive setup, kept as data so
// that adding a library means adding an entry, not code. Functions are
// matched by path suffix and name, never by line number: lines move between
// library versions, names rarely do.
type Pattern struct {
	ID    string // "P1".."P25" for Python, "G1".."G12" for Go
	Title string // names the problem; shown as the finding's title

	// Build lists the functions that do the setup. A finding is named at
	// the outermost of them on a call path, so a chain such as yacc →
	// lr_parse_table → lr0_goto is one finding at yacc.
	Build []Frames

	// Lookup lists the cache lookups in front of Build, if the library has
	// a cache. Build calls divided by Lookup calls is the miss ratio.
	Lookup []Frames

	// Cache is how many entries the cache behind Lookup holds, by the
	// Python version that wrote the dump, oldest first: a miss is an
	// eviction only once more setups ran than the cache holds. Empty when
	// the size is unknown; then only the miss ratio counts.
	Cache []CacheSize

	// Varying marks functions that also run legitimately on inputs that
	// differ from call to call (ast.parse of user code, deepcopy of
	// different objects). A hit then needs the shape to show identical
	// work, or a cache that evicts (docs/setup-detection.md, "Proof before
	// verdict").
	Varying bool

	Why string // why the setup costs so much, one sentence
	Fix string // what to change, one or two sentences
	Ref string // where the problem is documented
}

// Frames names functions in one file. File is a path suffix for Python
// ("ply/yacc.py"), "~" for CPython built-ins (Names are then the full
// built-in names), and empty for Go, whose Names are full symbols
// ("regexp.MustCompile"); a Go name also matches its closures (".func1").
type Frames struct {
	File  string
	Names []string
}

// builtinCatalog is the known repeated-setup patterns: objects that each
// library documents, or its users report upstream (Ref), as built once and
// reused but that programs build per call. A catalog match alone is never a
// finding: the numbers must show the setup running many times at a real
// cost, with the proof its fields ask for (Lookup: the cache misses;
// Varying: the work is identical from call to call).
//
// Order matters: candidates are accepted in catalog order, and a later one
// that lies inside an accepted finding is dropped as part of its work. So a
// library's pattern comes before the generic building blocks its build
// runs (TLS contexts, gettext, exec, deepcopy, compile, DNS), and the
// finding names the call the user can change. (re and strptime come early:
// their proof is eviction from their own cache, which happens only when the
// program itself cycles through more patterns or formats than fit.)
var builtinCatalog = []Pattern{
	{
		ID:    "P1",
		Title: "Repeated ply parser-table build (ply/yacc)",
		Build: []Frames{
			{"ply/yacc.py", []string{"yacc", "lr_parse_table", "lr0_items", "lr0_closure", "lr0_goto", "add_lalr_lookaheads",
				"compute_read_sets", "compute_follow_sets", "digraph", "traverse", "validate_modules"}},
			{"ply/lex.py", []string{"lex", "_form_master_re"}},
		},
		Why: "ply computes the whole LALR(1) table (and re-reads the grammar's source to validate it) every time yacc() runs, " +
			"and libraries such as jsonpath_rw call yacc() inside every parse().",
		Fix: "Build the parser once and reuse it: parse each expression once (at module level, or behind functools.lru_cache) " +
			"instead of on every call.",
		Ref: "kennknowles/python-jsonpath-rw#69; h2non/jsonpath-ng#144",
	},
	{
		ID:      "P2",
		Varying: true,
		Title:   "Regular expressions recompiled: re's cache is too small (re)",
		Build: []Frames{
			{"re/_compiler.py", []string{"compile"}},
			{"re/_parser.py", []string{"parse"}},
			{"sre_compile.py", []string{"compile"}},
			{"sre_parse.py", []string{"parse"}},
		},
		Lookup: []Frames{{"re/__init__.py", []string{"_compile"}}, {"re.py", []string{"_compile"}}},
		// re.py's _MAXCACHE: 100 in Python 2.7, 512 from 3.6 to 3.14 (3.12
		// adds a 256-entry cache in front, which changes no compile).
		// Versions in between are unchecked; the larger size stands in.
		Cache: []CacheSize{{Major: 2, Entries: 100}, {Major: 3, Entries: 512}},
		Why: "re keeps only the most recent compiled patterns (512 since Python 3.7, 100 before), so cycling through more " +
			"pattern strings than that recompiles each of them on every use.",
		Fix: "Compile each pattern once with re.compile() where it is defined and call the compiled pattern's methods.",
		Ref: "scrapinghub/dateparser#144",
	},
	{
		ID:     "P3",
		Title:  "strptime format regexes rebuilt (_strptime cache overflow)",
		Build:  []Frames{{"_strptime.py", []string{"compile", "pattern", "__init__"}}},
		Lookup: []Frames{{"_strptime.py", []string{"_strptime"}}},
		Cache:  []CacheSize{{Major: 2, Entries: 5}}, // _CACHE_MAX_SIZE, 2.7 to 3.13
		Why: "_strptime caches only five format regexes and clears the cache when it overflows, so more than five formats " +
			"in turn rebuild their regexes again and again.",
		Fix: "Use datetime.fromisoformat() for ISO dates, or try fewer formats; for many formats, compile one parser per format yourself.",
		Ref: "mozilla/addons#9000",
	},
	{
		ID:    "P4",
		Title: "Jinja2 templates compiled per render (jinja2)",
		Build: []Frames{
			{"jinja2/environment.py", []string{"from_string", "compile", "_parse", "_generate", "_compile", "_tokenize"}},
			{"jinja2/compiler.py", []string{"generate"}},
		},
		Lookup: []Frames{{"jinja2/environment.py", []string{"get_template", "_load_template"}}},
		Why: "The template cache lives on the Environment, so a new Environment (or from_string) on every render lexes, " +
			"parses, generates Python source and compiles it again.",
		Fix: "Create one Environment per process and load templates with get_template(), or keep the Template object from from_string().",
		Ref: "coloclue/kees#31; getmoto/moto#280",
	},
	{
		ID:    "P6",
		Title: "HTTP session created per call (requests)",
		// requests.get(), post() and the rest all go through api.request,
		// which opens a Session for the one request and closes it: the
		// finding is named there, where the fix goes, and its cost is the
		// whole request's, of which the new connection is the part a
		// Session saves.
		Build: []Frames{
			{"requests/api.py", []string{"request"}},
			{"requests/sessions.py", []string{"__init__"}},
			{"requests/adapters.py", []string{"init_poolmanager"}},
			{"urllib3/poolmanager.py", []string{"__init__"}},
		},
		Why: "A new Session has no pooled connections, so every request pays the TCP and TLS handshake again; " +
			"requests.get() and its siblings create one per call.",
		Fix: "Create one requests.Session per process (or per host) and send every request through it.",
		Ref: "segmentio/analytics-python#50; J535D165/pyalex#47",
	},
	{
		ID:    "P7",
		Title: "boto3 client created per call (boto3)",
		Build: []Frames{
			{"boto3/session.py", []string{"client", "resource"}},
			{"botocore/session.py", []string{"create_client"}},
			{"botocore/client.py", []string{"create_client"}},
			{"botocore/loaders.py", []string{"load_service_model", "load_data"}},
		},
		Why: "Creating a client loads and decodes the service model JSON and resolves credentials each time.",
		Fix: "Create each boto3 client once and reuse it (clients are thread-safe).",
		Ref: "cloudtools/stacker#630",
	},
	{
		ID:    "P8",
		Title: "JSON schema re-checked on every validate() (jsonschema)",
		Build: []Frames{{"jsonschema/validators.py", []string{"check_schema", "validator_for"}}},
		Why: "jsonschema.validate() first validates the schema itself against its metaschema, on every call, " +
			"which costs far more than checking a small document.",
		Fix: "Build the validator once (cls = validator_for(schema); cls.check_schema(schema); v = cls(schema)) and call v.validate(doc).",
		Ref: "panther-labs/panther_analysis_tool#328",
	},
	{
		ID:    "P9",
		Title: "pydantic TypeAdapter built per call (pydantic)",
		Build: []Frames{
			{"pydantic/type_adapter.py", []string{"__init__"}},
			{"pydantic/_internal/_generate_schema.py", []string{"generate_schema"}},
			{"pydantic/_internal/_model_construction.py", []string{"__new__"}},
		},
		Why: "Each TypeAdapter builds a core schema plus a new validator and serializer.",
		Fix: "Create each TypeAdapter (and model class) once at module level.",
		Ref: "openai/openai-python#1114",
	},
	{
		ID:    "P11",
		Title: "Call stack inspected per call (inspect.stack)",
		Build: []Frames{
			{"inspect.py", []string{"stack", "getouterframes", "getframeinfo", "findsource", "getmodule"}},
			{"linecache.py", []string{"updatecache"}},
		},
		Why: "inspect.stack() reads source lines and stats files for every frame on the stack.",
		Fix: "Use sys._getframe(n) (or logging's stacklevel) and read only the fields you need.",
		Ref: "hpcugent/vsc-base#170; python/cpython#92041",
	},
	{
		ID:    "P12",
		Title: "Installed packages scanned for entry points per call (importlib.metadata)",
		Build: []Frames{
			{"importlib/metadata/__init__.py", []string{"entry_points", "distributions"}},
			{"pkg_resources/__init__.py", []string{"iter_entry_points", "__init__"}},
		},
		Why: "Every call walks all installed distributions and reads their metadata files; nothing is cached.",
		Fix: "Look the entry points up once and keep the result.",
		Ref: "colcon/colcon-core#614; open-telemetry/opentelemetry-python#3054",
	},
	{
		ID:      "P14",
		Varying: true,
		Title:   "Configuration file re-read and re-parsed per call (yaml)",
		Build: []Frames{
			{"yaml/__init__.py", []string{"load", "safe_load", "full_load", "unsafe_load"}},
			{"yaml/scanner.py", []string{"__init__"}},
			{"yaml/constructor.py", []string{"construct_document"}},
		},
		Why: "PyYAML's pure-Python scanner and parser run over the whole file, plus the file I/O, every time.",
		Fix: "Parse the file once and keep the result; if it can change, reload it only when its modification time changes.",
		Ref: "saltstack/salt#16407",
	},
	{
		ID:    "P16",
		Title: "SQLAlchemy engine created per call (sqlalchemy)",
		Build: []Frames{{"sqlalchemy/engine/create.py", []string{"create_engine"}}},
		Why:   "Each engine has its own connection pool, and its first connection runs version and capability queries.",
		Fix:   "Create one engine per database URL per process and reuse it.",
		Ref:   "apache/superset#2321",
	},
	{
		ID:    "P17",
		Title: "gRPC channel created per call (grpc)",
		// Not grpc/_channel.py __init__: every call state in that file
		// has one too.
		Build: []Frames{{"grpc/__init__.py", []string{"insecure_channel", "secure_channel"}}},
		Why:   "Setting up and tearing down a channel costs connection and TLS setup every time.",
		Fix:   "Create channels once and reuse them.",
		Ref:   "grpc/grpc#19100",
	},
	{
		ID:    "P19",
		Title: "Command-line parser built per call (argparse)",
		// __init__ also names Namespace.__init__, which parse_args runs:
		// it is cheap and never holds the cost of a build.
		Build: []Frames{{"argparse.py", []string{"__init__", "add_argument", "add_argument_group",
			"add_mutually_exclusive_group", "add_subparsers", "add_parser"}}},
		Why: "Every ArgumentParser registers its actions, builds a help formatter per argument and translates its " +
			"built-in messages through gettext, which looks the catalog up again on each message.",
		Fix: "Build the parser once (at module level or behind functools.cache) and call parse_args() on it for each command line.",
		Ref: "pantsbuild/pants#2470; python/cpython#142267",
	},
	{
		ID:    "P20",
		Title: "Logging configuration applied per call (logging.config)",
		Build: []Frames{{"logging/config.py", []string{"dictConfig", "fileConfig", "configure"}}},
		Why: "dictConfig() and fileConfig() close and rebuild every handler, formatter and filter and reset every " +
			"configured logger, which also clears the logging module's level caches.",
		Fix: "Configure logging once at start-up; per call, only fetch a logger with logging.getLogger(name).",
		Ref: "letta-ai/letta#2759",
	},
	{
		ID:    "P22",
		Title: "Markdown converter built per document (markdown)",
		// Not markdown() itself: it also converts the document, which
		// differs per call.
		Build: []Frames{{"markdown/core.py", []string{"__init__", "build_parser", "registerExtensions", "build_extension"}}},
		Why: "markdown.markdown() creates a new Markdown instance for every document: it loads and configures each " +
			"extension and registers all block, inline and tree processors before converting anything.",
		Fix: "Create one markdown.Markdown(extensions=...) and call md.reset().convert(text) for each document.",
		Ref: "https://python-markdown.github.io/reference/#convert; saimn/sigal#329",
	},
	{
		ID:    "P23",
		Title: "HTML sanitizer built per call (bleach, html5lib)",
		// html5lib's parser only: bleach's own __init__s include filters
		// that a reused Cleaner creates per text too.
		Build: []Frames{{"html5lib/html5parser.py", []string{"__init__"}}},
		Why: "bleach.clean() and linkify() build a new Cleaner or Linker, and with it an html5lib parser with all its " +
			"insertion-mode phases, a tree walker and a serializer, for every text.",
		Fix: "Create one bleach.sanitizer.Cleaner (or Linker) with your settings and call its clean() for each text; " +
			"use one per thread.",
		Ref: "mozilla/bleach#125",
	},
	{
		ID:    "P24",
		Title: "XML schema compiled per document (xmlschema)",
		Build: []Frames{
			{"xmlschema/validators/schemas.py", []string{"__init__"}},
			{"xmlschema/validators/global_maps.py", []string{"build"}},
		},
		Why: "Constructing an XMLSchema parses the XSD, builds every component and its validators and checks the schema " +
			"against the meta-schema; the module-level validate() and to_dict() do that for a schema given by path.",
		Fix: "Build each XMLSchema once and call its validate(), is_valid() or to_dict() for every document.",
		Ref: "sissaschool/xmlschema#172; sebastienrousseau/pain001#70",
	},
	{
		ID:    "P25",
		Title: "Serializer schema instantiated per call (marshmallow)",
		Build: []Frames{{"marshmallow/schema.py", []string{"__init__", "_init_fields", "_bind_field"}}},
		Why: "Each Schema() deep-copies its declared fields and binds them again, and its nested schemas are " +
			"instantiated anew on their first use.",
		Fix: "Instantiate each schema once (at module level) and reuse it: a Schema instance can load and dump any number of payloads.",
		Ref: "marshmallow-code/marshmallow#2052",
	},
	{
		ID:    "P5",
		Title: "TLS context and CA bundle loaded per call (ssl)",
		Build: []Frames{
			{"ssl.py", []string{"create_default_context", "load_default_certs", "_create_unverified_context"}},
			{"~", []string{"<method 'load_verify_locations' of '_ssl._SSLContext' objects>",
				"<method 'set_default_verify_paths' of '_ssl._SSLContext' objects>"}},
			{"urllib3/util/ssl_.py", []string{"create_urllib3_context"}},
			{"requests/adapters.py", []string{"cert_verify"}},
			{"httpx/_config.py", []string{"load_ssl_context", "load_ssl_context_verify", "create_ssl_context"}},
		},
		Why: "Every new SSL context parses the whole CA bundle, which takes milliseconds (several times longer with OpenSSL 3).",
		Fix: "Create one SSL context (or one HTTP client that owns it) and share it across calls.",
		Ref: "python/cpython#95031; psf/requests#6667; encode/httpx#2298",
	},
	{
		ID:    "P21",
		Title: "Translation catalog looked up per message (gettext)",
		Build: []Frames{{"gettext.py", []string{"translation", "find"}}},
		Why: "gettext.gettext() and dgettext() call translation() for every message, which expands the language " +
			"variables into candidate locale names and tests a .mo path for each of them.",
		Fix: "Call gettext.translation() once per language and keep its gettext method (or install() it) instead of " +
			"the module-level gettext functions.",
		Ref: "nicotine-plus/nicotine-plus#913; SeaDve/Kooha#53",
	},
	{
		ID:      "P10",
		Varying: true,
		Title:   "Classes generated at run time (namedtuple, dataclass, exec)",
		Build: []Frames{
			{"collections/__init__.py", []string{"namedtuple"}},
			{"dataclasses.py", []string{"_process_class"}},
			{"~", []string{"<built-in method builtins.exec>", "<built-in method builtins.__build_class__>"}},
		},
		Why: "namedtuple and dataclass generate source code and exec it to build a new class on every call.",
		Fix: "Define the class once at module level and only create instances per call.",
		Ref: "deadpixi/contracts#20",
	},
	{
		ID:      "P13",
		Varying: true,
		Title:   "Whole structure deep-copied per call (copy.deepcopy)",
		Build:   []Frames{{"copy.py", []string{"deepcopy", "_deepcopy_dict", "_deepcopy_list", "_reconstruct"}}},
		Why:     "deepcopy walks and copies every object of the structure, on every call.",
		Fix:     "Copy only what the call changes, or keep the shared data immutable (tuples, frozen dataclasses, MappingProxyType).",
		Ref:     "mpenning/ciscoconfparse#1",
	},
	{
		ID:      "P15",
		Varying: true,
		Title:   "Constant code compiled per call (compile/eval/ast.parse)",
		Build: []Frames{
			{"~", []string{"<built-in method builtins.compile>", "<built-in method builtins.eval>"}},
			{"ast.py", []string{"parse"}},
		},
		Why: "compile(), eval() and ast.parse() parse and compile their source text every time they are called.",
		Fix: "Compile the code once and keep the code object (or the tree) for later calls.",
		Ref: "danthedeckie/simpleeval#121",
	},
	{
		ID:      "P18",
		Varying: true,
		Title:   "Host name resolved per call (DNS)",
		Build: []Frames{
			{"socket.py", []string{"getaddrinfo"}},
			{"~", []string{"<built-in method _socket.getaddrinfo>"}},
			{"asyncio/base_events.py", []string{"getaddrinfo"}},
		},
		Why: "Each lookup can be a real DNS query.",
		Fix: "Reuse connections, or cache the resolved addresses.",
		Ref: "python/asyncio#161",
	},
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

// match reports whether f is one of the functions fs names.
func (fs Frames) match(file, name string) bool {
	switch fs.File {
	case "":
		for _, n := range fs.Names {
			if name == n || strings.HasPrefix(name, n) && strings.HasPrefix(name[len(n):], ".func") {
				return true
			}
		}
		return false
	case "~":
		if file != "~" {
			return false
		}
		for _, n := range fs.Names {
			if name == n {
				return true
			}
		}
		return false
	}
	if !pathSuffix(file, fs.File) {
		return false
	}
	for _, n := range fs.Names {
		// Python 3.12+ may report qualified names ("TimeRE.compile").
		if name == n || strings.HasSuffix(name, n) && name[len(name)-len(n)-1] == '.' {
			return true
		}
	}
	return false
}

// pathSuffix reports whether file is suffix or ends in "/"+suffix,
// without building that string: this runs for every function and pattern.
func pathSuffix(file, suffix string) bool {
	if !strings.HasSuffix(file, suffix) {
		return false
	}
	return len(file) == len(suffix) || file[len(file)-len(suffix)-1] == '/'
}

// matchAny reports whether any of fss names the function.
func matchAny(fss []Frames, file, name string) bool {
	for _, fs := range fss {
		if fs.match(file, name) {
			return true
		}
	}
	return false
}

// buildIndex finds the patterns whose Build names a function without
// trying every pattern on every function, which cost a quarter of Setup on
// a 17,000-function dump. It maps each catalogued name to the patterns
// holding it, under the key a matching function's name yields: a Python
// name by its last dotted part (Python 3.12+ qualifies names), a built-in
// or Go name whole.
type buildIndex struct {
	catalog []Pattern
	keys    map[string][]int // key → indexes into catalog, ascending
}

func newBuildIndex(catalog []Pattern) *buildIndex {
	ix := &buildIndex{catalog: catalog, keys: map[string][]int{}}
	for i, pat := range catalog {
		for _, fs := range pat.Build {
			for _, n := range fs.Names {
				key := n
				if fs.File != "" && fs.File != "~" {
					key = lastDotted(n)
				}
				if ks := ix.keys[key]; len(ks) == 0 || ks[len(ks)-1] != i {
					ix.keys[key] = append(ks, i)
				}
			}
		}
	}
	return ix
}

// patterns returns the indexes of the patterns whose Build names the
// function, ascending; file has forward slashes. The keys looked up cover
// every way Frames.match accepts a name: the whole name (built-ins, Go,
// unqualified Python), its last dotted part (qualified Python), and each
// prefix followed by ".func" (Go closures). Each pattern found is then
// checked with matchAny, so the result is exactly the patterns that match.
func (ix *buildIndex) patterns(file, name string) []int {
	var found []int
	add := func(key string) { found = append(found, ix.keys[key]...) }
	add(name)
	if tail := lastDotted(name); tail != name {
		add(tail)
	}
	for i := 0; ; {
		j := strings.Index(name[i:], ".func")
		if j < 0 {
			break
		}
		add(name[:i+j])
		i += j + 1
	}
	if len(found) == 0 {
		return nil
	}
	slices.Sort(found)
	found = slices.Compact(found)
	return slices.DeleteFunc(found, func(i int) bool { return !matchAny(ix.catalog[i].Build, file, name) })
}

// lastDotted is the part of name after its last dot, or all of it.
func lastDotted(name string) string {
	return name[strings.LastIndexByte(name, '.')+1:]
}

// DefaultCatalog returns a copy of the built-in catalog of known setup
// patterns, the one a report uses unless Options.Catalog replaces it.
func DefaultCatalog() []Pattern { return slices.Clone(builtinCatalog) }
