package evidencepack_test

import (
	"strings"
	"testing"

	"github.com/orderwire/orderwire/internal/evidencepack"
)

// TestSafeName: provider ids become one harmless path segment each, distinct ids stay
// distinct, and plain ids are kept as they are.
func TestSafeName(t *testing.T) {
	cases := map[string]string{
		"evt_3PqRsT2eZvKYlo2C0aBcDeFg":           "evt_3PqRsT2eZvKYlo2C0aBcDeFg",
		"WH-7YX49823S2290830K-0JE13296W68552352": "WH-7YX49823S2290830K-0JE13296W68552352",
		"notifyPayment:2026030112:SUCCESS":       "notifyPayment%3A2026030112%3ASUCCESS",
		"..":                                     "%2E.",
		".":                                      "%2E",
		".hidden":                                "%2Ehidden",
		"a/b\\c":                                 "a%2Fb%5Cc",
		"100%":                                   "100%25",
		"":                                       "%00empty",
		"é":                                      "%C3%A9",
		"a b\x00":                                "a%20b%00",
	}
	for in, want := range cases {
		if got := evidencepack.SafeName(in); got != want {
			t.Errorf("SafeName(%q) = %q, want %q", in, got, want)
		}
	}
	seen := map[string]string{}
	long := strings.Repeat("x", 300)
	for _, id := range []string{"a/b", "a%2Fb", "a_b", long, long + "y", strings.Repeat("/", 100), strings.Repeat("/", 101)} {
		name := evidencepack.SafeName(id)
		if len(name) > 160 || strings.ContainsAny(name, "/\\\x00") || strings.HasPrefix(name, ".") {
			t.Errorf("SafeName(%q) = %q: not a safe segment", id, name)
		}
		if other, dup := seen[name]; dup {
			t.Errorf("SafeName(%q) = SafeName(%q) = %q", id, other, name)
		}
		seen[name] = id
	}
}
