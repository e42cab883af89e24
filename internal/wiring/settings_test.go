package wiring

import (
	"os"
	"regexp"
	"slices"
	"strings"
	"testing"
)

// markdownTable is the configuration table as README shows it: one row per setting of
// Settings, in order.
func markdownTable() string {
	var b strings.Builder
	b.WriteString("| setting | read by | on AWS | default | meaning |\n|---|---|---|---|---|\n")
	for _, s := range Settings() {
		where := map[Where]string{Local: "serve", Lambda: "functions", Both: "serve, functions"}[s.Where]
		onAWS := map[OnAWS]string{NotOnAWS: "—", Set: "set by template.yaml", Parameter: "template parameter, optional",
			Defaulted: "template parameter",
			Unset:     "unset (add it to override)", Never: "never", InSecret: "key of the secret in `" + s.Secret + "`"}[s.OnAWS]
		def := s.Default
		if def == "" {
			def = "—"
		}
		b.WriteString("| `" + s.Name + "` | " + where + " | " + onAWS + " | " + def + " | " + s.Doc + " |\n")
	}
	return b.String()
}

// TestREADMEShowsTheSettingsTable: README's configuration table is exactly Settings (on
// failure the test prints the table to paste), so a setting added, renamed or removed in
// the code cannot be missing from, or linger in, the documentation.
func TestREADMEShowsTheSettingsTable(t *testing.T) {
	raw, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	const begin, end = "<!-- settings table: internal/wiring (TestREADMEShowsTheSettingsTable) -->\n", "<!-- end of settings table -->"
	readme := string(raw)
	i, j := strings.Index(readme, begin), strings.Index(readme, end)
	if i < 0 || j < i {
		t.Fatalf("README has no %q ... %q section", begin, end)
	}
	if got, want := readme[i+len(begin):j], markdownTable(); got != want {
		t.Errorf("README's settings table differs from wiring.Settings; want:\n%s", want)
	}
}

// TestEverySettingNamedOnce: each name is one row; every row is an ORDERWIRE_ variable
// read somewhere, with a meaning; a secret-held row names the variable of its secret.
func TestEverySettingNamedOnce(t *testing.T) {
	name := regexp.MustCompile(`^ORDERWIRE_[A-Z0-9_]+$`)
	var names []string
	for _, s := range Settings() {
		if !name.MatchString(s.Name) || s.Doc == "" || s.Where == 0 || s.Component == "" {
			t.Errorf("row %+v: want an ORDERWIRE_ name, a meaning, where it is read and its component", s)
		}
		if s.OnAWS == InSecret && s.Secret != EnvSecretsARN && s.Secret != EnvUnsubscribeSecretARN {
			t.Errorf("%s is held in a secret but names %q as its variable", s.Name, s.Secret)
		}
		if (s.Where&Lambda == 0) != (s.OnAWS == NotOnAWS) {
			t.Errorf("%s: read by functions (%v) must go with a template rule (%v)", s.Name, s.Where&Lambda != 0, s.OnAWS)
		}
		names = append(names, s.Name)
	}
	if compact := slices.Compact(slices.Clone(names)); len(compact) != len(names) {
		t.Errorf("a setting is named twice: %v", names)
	}
	for _, n := range []string{EnvUnshippedDays, EnvSellerTimeZone, EnvAPITokens, EnvPolicyFile} {
		if _, ok := Lookup(n); !ok {
			t.Errorf("Lookup(%s) finds no row", n)
		}
	}
}
