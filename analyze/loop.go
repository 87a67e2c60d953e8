package analyze

import "github.com/loopdoctor/loopdoctor/parse"

// EventLoop measures the event loop in p and ranks what blocked it.
// slow is asyncio's slow-callback threshold in seconds (0 means 0.1).
// Placeholder until the loop analysis lands: it finds no loop.
func EventLoop(p *parse.Profile, slow float64, findings []Finding) *Loop {
	return nil
}
