package templates

import (
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"path"
	"slices"
	"strings"
	"sync"

	"github.com/nicksnyder/go-i18n/v2/i18n"
	"golang.org/x/text/language"
	"gopkg.in/yaml.v3"
)

// The message catalogs: one file per locale, catalog/active.<BCP 47 tag>.yaml, in go-i18n's
// nested format (a group "payment_reminder" with a message "subject" is the message id
// "payment_reminder.subject"). English is the reference and the fallback.
//
//go:embed catalog/active.*.yaml
var catalogFiles embed.FS

// fallbackLocale is the catalog used when nothing matches the buyer's language.
const fallbackLocale = "en"

// catalog is the parsed message catalogs. It is built once and only read after that, so any
// number of goroutines may render at the same time.
type catalog struct {
	bundle  *i18n.Bundle
	tags    []language.Tag      // the catalog locales, fallbackLocale first
	matcher language.Matcher    // over tags
	ids     map[string][]string // locale → its message ids, sorted
}

// loadedCatalog parses the embedded catalogs on first use. An error here means a broken
// catalog file, which fails every test of this package.
var loadedCatalog = sync.OnceValues(func() (*catalog, error) {
	return parseCatalog(catalogFiles)
})

// parseCatalog reads every catalog/active.*.yaml of files.
func parseCatalog(files fs.FS) (*catalog, error) {
	bundle := i18n.NewBundle(language.Make(fallbackLocale))
	bundle.RegisterUnmarshalFunc("yaml", yaml.Unmarshal)
	names, err := fs.Glob(files, "catalog/active.*.yaml")
	if err != nil {
		return nil, err
	}
	c := &catalog{bundle: bundle, ids: map[string][]string{}}
	for _, name := range names {
		locale := strings.TrimSuffix(strings.TrimPrefix(path.Base(name), "active."), ".yaml")
		tag, err := language.Parse(locale)
		if err != nil || tag.String() != locale {
			return nil, fmt.Errorf("templates: catalog %s: %q is not a canonical BCP 47 tag", name, locale)
		}
		data, err := fs.ReadFile(files, name)
		if err != nil {
			return nil, err
		}
		file, err := bundle.ParseMessageFileBytes(data, name)
		if err != nil {
			return nil, fmt.Errorf("templates: catalog %s: %w", name, err)
		}
		ids := make([]string, 0, len(file.Messages))
		for _, m := range file.Messages {
			ids = append(ids, m.ID)
		}
		slices.Sort(ids)
		c.ids[locale] = ids
		if locale == fallbackLocale {
			c.tags = slices.Insert(c.tags, 0, tag)
		} else {
			c.tags = append(c.tags, tag)
		}
	}
	if len(c.tags) == 0 || c.tags[0].String() != fallbackLocale {
		return nil, errors.New("templates: no catalog for the fallback locale " + fallbackLocale)
	}
	c.matcher = language.NewMatcher(c.tags)
	return c, nil
}

// match returns the catalog locale for a buyer's BCP 47 tag: the closest one x/text's
// matcher finds with at least some confidence (es-MX → es, pt-PT → pt-BR, de-AT → de), and
// the fallback for an empty, malformed or unrelated tag. A match the matcher itself rates
// as no confidence (it offers ru for uk) is refused.
func (c *catalog) match(buyerLocale string) language.Tag {
	tag, err := language.Parse(strings.TrimSpace(buyerLocale))
	if err != nil {
		return c.tags[0]
	}
	_, index, confidence := c.matcher.Match(tag)
	if confidence == language.No {
		return c.tags[0]
	}
	return c.tags[index]
}

// phrasebook renders catalog messages in one locale. The first failure (a missing message,
// a template error) is kept in err and later calls return "", so a caller can render a whole
// message and check once.
type phrasebook struct {
	tag       language.Tag
	locale    string
	localizer *i18n.Localizer
	err       error
}

func (c *catalog) phrasebook(tag language.Tag) *phrasebook {
	return &phrasebook{tag: tag, locale: tag.String(), localizer: i18n.NewLocalizer(c.bundle, tag.String())}
}

// say renders message id with args (a struct, so that a misspelt field fails instead of
// printing "<no value>"; nil for a message without fields).
func (p *phrasebook) say(id string, args any) string {
	return p.localize(&i18n.LocalizeConfig{MessageID: id, TemplateData: args})
}

// count renders the plural message id in the CLDR form for n in this locale; the message
// sees n as .Count.
func (p *phrasebook) count(id string, n int) string {
	return p.localize(&i18n.LocalizeConfig{MessageID: id, PluralCount: n, TemplateData: countArgs{Count: n}})
}

func (p *phrasebook) localize(config *i18n.LocalizeConfig) string {
	if p.err != nil {
		return ""
	}
	text, tag, err := p.localizer.LocalizeWithTag(config)
	if err == nil && tag != p.tag {
		err = fmt.Errorf("message %q is missing and fell back to %s", config.MessageID, tag)
	}
	if err != nil {
		p.err = fmt.Errorf("templates: %s: %w", p.locale, err)
		return ""
	}
	return text
}

// Locales returns the catalog locales Render can write in, as BCP 47 tags, the fallback "en"
// first and the rest in file name order. It returns nil only if the embedded catalog is
// broken, which the package tests rule out.
func Locales() []string {
	c, err := loadedCatalog()
	if err != nil {
		return nil
	}
	locales := make([]string, len(c.tags))
	for i, t := range c.tags {
		locales[i] = t.String()
	}
	return locales
}
