package main

import (
	"os"
	"regexp"
	"slices"
	"strings"
	"testing"
)

// readme returns the README's section under heading, up to the next one.
func readme(t *testing.T, heading string) string {
	t.Helper()
	data, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	s := string(data)
	i := strings.Index(s, "\n"+heading+"\n")
	if i < 0 {
		t.Fatalf("README has no %q section", heading)
	}
	s = s[i+len(heading)+2:]
	if j := strings.Index(s, "\n## "); j >= 0 {
		s = s[:j]
	}
	return s
}

// TestReadmeExitStatus checks that the README's exit-status table lists
// the statuses the help lists, which TestExitStatus and the output tests
// produce.
func TestReadmeExitStatus(t *testing.T) {
	var readmeCodes []string
	for _, m := range regexp.MustCompile(`(?m)^\| ([0-9]) \| `).FindAllStringSubmatch(readme(t, "## Usage"), -1) {
		readmeCodes = append(readmeCodes, m[1])
	}
	var helpCodes []string
	for _, m := range regexp.MustCompile(`(?:: |, |\n)([0-9]) `).FindAllStringSubmatch(exitStatusHelp, -1) {
		helpCodes = append(helpCodes, m[1])
	}
	if want := []string{"0", "1", "2", "3", "4"}; !slices.Equal(readmeCodes, want) || !slices.Equal(helpCodes, want) {
		t.Errorf("README lists exit statuses %v and help %v, want %v", readmeCodes, helpCodes, want)
	}
}

// TestReadmeFormats checks the README's --format row against the format
// registry: every format analyze offers is named, in the registry's order.
func TestReadmeFormats(t *testing.T) {
	row := regexp.MustCompile("(?m)^\\| `-f, --format` \\| (.*) \\|$").FindStringSubmatch(readme(t, "## Usage"))
	if row == nil {
		t.Fatal("no --format row in the README's Usage")
	}
	var named []string
	for _, m := range regexp.MustCompile("`([a-z]+)`").FindAllStringSubmatch(row[1], -1) {
		named = append(named, m[1])
	}
	var offered []string
	for _, f := range formatsOf("analyze") {
		offered = append(offered, f.name)
	}
	if !slices.Equal(named, offered) {
		t.Errorf("README names the formats %v, analyze offers %v", named, offered)
	}
}
