package templates

import (
	"io/fs"
	"path"
	"slices"
	"testing"

	"github.com/nicksnyder/go-i18n/v2/i18n"
	"gopkg.in/yaml.v3"
)

// rawCatalog returns locale's messages as written, by id.
func rawCatalog(t *testing.T, locale string) map[string]*i18n.Message {
	t.Helper()
	name := path.Join("catalog", "active."+locale+".yaml")
	data, err := fs.ReadFile(catalogFiles, name)
	if err != nil {
		t.Fatal(err)
	}
	file, err := i18n.ParseMessageFileBytes(data, name, map[string]i18n.UnmarshalFunc{"yaml": yaml.Unmarshal})
	if err != nil {
		t.Fatal(err)
	}
	messages := map[string]*i18n.Message{}
	for _, m := range file.Messages {
		messages[m.ID] = m
	}
	return messages
}

func TestCatalogsAreComplete(t *testing.T) {
	c, err := loadedCatalog()
	if err != nil {
		t.Fatal(err)
	}
	reference := c.ids[fallbackLocale]
	if len(reference) < 80 {
		t.Fatalf("the English catalog has only %d messages", len(reference))
	}
	for _, locale := range Locales() {
		ids := c.ids[locale]
		for _, id := range reference {
			if !slices.Contains(ids, id) {
				t.Errorf("%s lacks %s", locale, id)
			}
		}
		for _, id := range ids {
			if !slices.Contains(reference, id) {
				t.Errorf("%s has %s, which English does not", locale, id)
			}
		}
	}
}

func TestEveryKindHasItsMessages(t *testing.T) {
	c, err := loadedCatalog()
	if err != nil {
		t.Fatal(err)
	}
	ids := c.ids[fallbackLocale]
	for _, kind := range Kinds() {
		spec, ok := specFor(kind)
		if !ok {
			t.Fatalf("no spec for %s", kind)
		}
		needed := append([]string{spec.lead}, spec.paragraphs...)
		for _, suffix := range []string{"subject", "heading", "sms", "sms_short"} {
			needed = append(needed, string(kind)+"."+suffix)
		}
		if spec.followUpLead != "" {
			needed = append(needed, spec.followUpLead)
		}
		for _, id := range needed {
			if !slices.Contains(ids, id) {
				t.Errorf("%s needs %s", kind, id)
			}
		}
	}
}

// TestPluralForms renders the plural message for many counts: a form the locale's CLDR rule
// asks for but the catalog lacks would fail here.
func TestPluralForms(t *testing.T) {
	for _, locale := range Locales() {
		p := phrasebookFor(t, locale)
		for n := 0; n <= 1000; n++ {
			if p.daysLeft(n) == "" || p.err != nil {
				t.Fatalf("%s %d days: %v", locale, n, p.err)
			}
		}
		if p.daysLeft(1_000_000); p.err != nil {
			t.Errorf("%s a million days: %v", locale, p.err)
		}
	}
}

// TestTranslated checks that no translated message is left in English: every message differs
// from the English one except number formats and words that are the same in both.
func TestTranslated(t *testing.T) {
	same := map[string][]string{ // locale → ids allowed to equal the English text
		"*":  {"format.money", "format.label_separator", "format.minimum_grouping_digits", "format.decimal_separator", "format.group_separator"},
		"de": {"month.april", "month.august", "month.september", "month.november"},
	}
	english := rawCatalog(t, fallbackLocale)
	for _, locale := range Locales() {
		if locale == fallbackLocale {
			continue
		}
		for id, m := range rawCatalog(t, locale) {
			en := english[id]
			if en == nil || m.Other != en.Other || slices.Contains(same["*"], id) || slices.Contains(same[locale], id) {
				continue
			}
			t.Errorf("%s %s is the English text %q", locale, id, m.Other)
		}
	}
}
