// Package gotest renders invoices and filters log lines; its tests and
// benchmarks are profiled with go test's -cpuprofile and -memprofile.
package gotest

import (
	"fmt"
	"io"
	"math/rand"
	"regexp"
	"strings"
	"text/template"
)

const invoicePage = `Invoice {{.ID}} for {{.Customer | upper}}
{{- range $i, $l := .Lines}}
{{add $i 1}}. {{printf "%-12s" $l.Name}} {{$l.Qty}} x {{printf "%8.2f" $l.Price}}
{{- end}}
{{if .Coupon}}Coupon {{.Coupon}} applied{{else}}No coupon{{end}}
{{with .Note}}Note: {{.}}{{end}}
`

var funcs = template.FuncMap{"upper": strings.ToUpper, "add": func(a, b int) int { return a + b }}

type line struct {
	Name  string
	Qty   int
	Price float64
}

// Invoice is one customer's order.
type Invoice struct {
	ID       int
	Customer string
	Lines    []line
	Coupon   string
	Note     string
}

// RenderInvoice writes inv as text. It parses the page's template on every
// call although the template never changes.
func RenderInvoice(w io.Writer, inv Invoice) error {
	tmpl, err := template.New("invoice").Funcs(funcs).Parse(invoicePage)
	if err != nil {
		return err
	}
	return tmpl.Execute(w, inv)
}

// NewInvoice makes a different invoice for every id.
func NewInvoice(id int) Invoice {
	rng := rand.New(rand.NewSource(int64(id)))
	inv := Invoice{ID: id, Customer: []string{"ann lee", "bo chan", "cy ray"}[rng.Intn(3)]}
	for i := 0; i < rng.Intn(10); i++ {
		inv.Lines = append(inv.Lines, line{fmt.Sprintf("item-%d", rng.Intn(50)), 1 + rng.Intn(5), float64(rng.Intn(6000)) / 100})
	}
	if rng.Intn(3) == 0 {
		inv.Coupon = fmt.Sprintf("SAVE%d", rng.Intn(30))
	}
	return inv
}

// Filter counts, for each pattern, the lines it matches. Each pattern is
// compiled once.
func Filter(patterns, lines []string) ([]int, error) {
	counts := make([]int, len(patterns))
	for i, p := range patterns {
		re, err := regexp.Compile(p)
		if err != nil {
			return nil, err
		}
		for _, l := range lines {
			if re.MatchString(l) {
				counts[i]++
			}
		}
	}
	return counts, nil
}
