package templates

import (
	"embed"
	htmltemplate "html/template"
	"strings"
	"sync"
	texttemplate "text/template"
)

// The email layouts: one HTML and one plain-text layout shared by every kind and locale.
// Only the words differ, and they come in as data, so html/template escapes them.
//
//go:embed layout/email.html.tmpl layout/email.txt.tmpl
var layoutFiles embed.FS

// emailView is what the layouts show.
type emailView struct {
	Lang           string // the catalog locale, for <html lang>
	Subject        string
	Heading        string
	Greeting       string
	Lead           string      // the first paragraph: what happened
	Details        []detailRow // the facts, listed after the lead
	Paragraphs     []string    // what follows the facts
	SignOff        string
	SellerName     string
	AddressLines   []string
	FooterReason   string
	LabelSeparator string // between a label and its value in plain text: ": ", or " : " in fr

	UnsubscribeURL    string // "" leaves the unsubscribe line out
	UnsubscribePrompt string
	UnsubscribeLabel  string
}

// detailRow is one labelled fact ("Order": "A-1001").
type detailRow struct {
	Label, Value string
}

// layouts are the parsed layouts, parsed once and only executed after that.
type layouts struct {
	html *htmltemplate.Template
	text *texttemplate.Template
}

var loadedLayouts = sync.OnceValues(func() (layouts, error) {
	html, err := htmltemplate.ParseFS(layoutFiles, "layout/email.html.tmpl")
	if err != nil {
		return layouts{}, err
	}
	text, err := texttemplate.ParseFS(layoutFiles, "layout/email.txt.tmpl")
	if err != nil {
		return layouts{}, err
	}
	return layouts{html: html.Option("missingkey=error"), text: text.Option("missingkey=error")}, nil
})

// render executes both layouts for v.
func (v emailView) render() (text, html string, err error) {
	l, err := loadedLayouts()
	if err != nil {
		return "", "", err
	}
	var t, h strings.Builder
	if err := l.text.Execute(&t, v); err != nil {
		return "", "", err
	}
	if err := l.html.Execute(&h, v); err != nil {
		return "", "", err
	}
	return t.String(), h.String(), nil
}
