package analyze

import "github.com/loopdoctor/loopdoctor/parse"

// Setup finds repeated expensive setup in p. Placeholder until the
// detector lands: it finds nothing.
func Setup(p *parse.Profile) []Finding {
	return []Finding{}
}
