package console

import (
	"bytes"
	"embed"
	"errors"
	"html/template"
	"net/http"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/orderwire/orderwire/internal/order"
)

//go:embed templates/*.html
var templateFiles embed.FS

//go:embed static/console.css
var consoleCSS []byte

// pageNames are the pages; each is templates/<name>.html on top of templates/layout.html.
var pageNames = []string{"signin", "error", "today", "orders", "order", "inbox", "buyer"}

type pages map[string]*template.Template

// view is what every page template gets: the language, the header's needs and the page's
// own Data.
type view struct {
	L       *locale
	Title   string // already translated
	Session bool
	Lang    bool // show the language switch: on every signed-in page and on sign-in
	CSRF    string
	Back    string // this page's path and query, for the language switch
	Nav     string // which header link is the current page
	Error   string
	Notice  string
	Data    any
}

// mustParsePages parses every page with the functions that format for the seller's zone.
func mustParsePages(tz *time.Location) pages {
	funcs := template.FuncMap{
		"when": func(t time.Time) string {
			if t.IsZero() {
				return "—"
			}
			return t.In(tz).Format("2006-01-02 15:04 MST")
		},
		"iso":   func(t time.Time) string { return t.In(tz).Format(time.RFC3339) },
		"money": money,
		"join":  strings.Join,
	}
	base := template.Must(template.New("layout.html").Funcs(funcs).ParseFS(templateFiles, "templates/layout.html"))
	out := pages{}
	for _, name := range pageNames {
		out[name] = template.Must(template.Must(base.Clone()).ParseFS(templateFiles, "templates/"+name+".html"))
	}
	return out
}

var buffers = sync.Pool{New: func() any { return new(bytes.Buffer) }}

// render writes page name with v, whole or not at all: a template failure is a 500.
func (c *console) render(w http.ResponseWriter, status int, name string, v view) {
	buf := buffers.Get().(*bytes.Buffer)
	buf.Reset()
	defer buffers.Put(buf)
	if err := c.pages[name].ExecuteTemplate(buf, "layout", v); err != nil {
		c.log.Error("console render", "page", name, "err", err.Error())
		http.Error(w, "500 internal error", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(status)
	_, _ = w.Write(buf.Bytes())
}

// view starts the view of a page for r, titled with the message titleID.
func (c *console) view(r *http.Request, titleID string) view {
	l := c.locale(r)
	v := view{L: l, Title: l.T(titleID), Back: r.URL.Path}
	if r.URL.RawQuery != "" {
		v.Back += "?" + r.URL.RawQuery
	}
	if s, ok := sessionOf(r); ok {
		v.Session, v.CSRF = true, s.csrf()
	}
	v.Lang = v.Session
	return v
}

// renderStatus shows the error page with status and message.
func (c *console) renderStatus(w http.ResponseWriter, r *http.Request, status int, msg string) {
	v := c.view(r, "error.title")
	v.Error = msg
	c.render(w, status, "error", v)
}

// fail shows err on the error page: not found 404, invalid 400 (with each bad field),
// conflict 409, anything else 500 with a generic message (the cause goes to the log).
func (c *console) fail(w http.ResponseWriter, r *http.Request, err error) {
	status, msg := errorMessage(c.locale(r), err)
	if status >= 500 {
		c.log.Error("console", "route", r.Pattern, "code", order.ErrorCode(err), "err", err.Error())
	}
	c.renderStatus(w, r, status, msg)
}

// errorMessage is the status and the seller-facing message of err.
func errorMessage(l *locale, err error) (int, string) {
	var e *order.Error
	if !errors.As(err, &e) || e.Code == order.CodeInternal {
		return http.StatusInternalServerError, l.T("error.internal")
	}
	status := map[order.Code]int{order.CodeNotFound: http.StatusNotFound, order.CodeInvalid: http.StatusBadRequest,
		order.CodeConflict: http.StatusConflict, order.CodeUnauthorized: http.StatusUnauthorized,
		order.CodeTooLarge: http.StatusRequestEntityTooLarge}[e.Code]
	if status == 0 {
		status = http.StatusBadRequest
	}
	msg := l.Tf("error.", e.Code)
	if e.Message != "" {
		msg += ": " + e.Message
	}
	if len(e.Fields) > 0 {
		fields := make([]string, 0, len(e.Fields))
		for f, why := range e.Fields {
			fields = append(fields, f+" "+why)
		}
		sort.Strings(fields)
		msg += " (" + strings.Join(fields, "; ") + ")"
	}
	return status, msg
}

// serveCSS serves the console's style sheet, cacheable for an hour.
func serveCSS(w http.ResponseWriter, _ *http.Request) {
	w.Header().Set("Content-Type", "text/css; charset=utf-8")
	w.Header().Set("Cache-Control", "public, max-age=3600")
	_, _ = w.Write(consoleCSS)
}
