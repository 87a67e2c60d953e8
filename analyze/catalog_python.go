package analyze

// pythonPatterns are the catalog's Python entries (P…), library patterns
// before the generic building blocks they run; see builtinCatalog.
var pythonPatterns = []Pattern{
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
		ID:      "P26",
		Varying: true, // a program may read many different files, each once
		Title:   "Settings file re-read and re-parsed per call (configparser, tomllib)",
		Build: []Frames{
			{"configparser.py", []string{"read", "read_file", "read_string", "_read"}},
			{"tomllib/_parser.py", []string{"load", "loads"}},
		},
		Why: "configparser and tomllib parse in pure Python, so reading an unchanged settings file on every call " +
			"pays the file I/O and the whole parse each time.",
		Fix: "Read the settings once at start-up and keep the parsed object; if the file can change, reload it only " +
			"when its modification time changes.",
		Ref: "mpfaffenberger/code_puppy#399; palantir/python-language-server#509",
	},
	{
		ID:      "P27",
		Varying: true, // a framework may inspect many different callables, each once
		Title:   "Function signature re-inspected per call (inspect.signature)",
		Build: []Frames{
			{"inspect.py", []string{"signature", "Signature.from_callable", "_signature_from_callable"}},
		},
		Why: "inspect.signature rebuilds a Signature and one Parameter object per parameter from the code object " +
			"every time, although a function's signature never changes.",
		Fix: "Compute the signature once per callable and keep it (at decoration time, or behind " +
			"functools.lru_cache keyed by the callable).",
		Ref: "django/django#13151; fastapi/fastapi#13974; scikit-learn/scikit-learn#33067",
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
}
