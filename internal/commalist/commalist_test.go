package commalist

import (
	"slices"
	"testing"
)

// TestSplit: items are trimmed and kept in order; empty items and blank input give nothing.
func TestSplit(t *testing.T) {
	for in, want := range map[string][]string{
		"":                   nil,
		" , ,":               nil,
		"a":                  {"a"},
		" tok-new , tok-old": {"tok-new", "tok-old"},
		"a,,b, c ,":          {"a", "b", "c"},
		"whsec_a=,whsec_b==": {"whsec_a=", "whsec_b=="},
	} {
		if got := Split(in); !slices.Equal(got, want) {
			t.Errorf("Split(%q) = %q, want %q", in, got, want)
		}
	}
}
