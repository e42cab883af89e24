package console

import (
	"embed"
	"fmt"
	"io/fs"
	"net/http"
	"net/url"
	"path"
	"strings"
	"sync"

	"github.com/nicksnyder/go-i18n/v2/i18n"
	"github.com/orderwire/orderwire/internal/reminder"
	"golang.org/x/text/language"
	"gopkg.in/yaml.v3"
)

// The console's languages: English (the reference and fallback) and Simplified Chinese.
const (
	LangEN = "en"
	LangZH = "zh-CN"
)

// The catalogs are go-i18n message files, catalog/active.<lang>.yaml, nested keys joined by
// "." (as internal/message/templates does). Every message is plain text: numbers are put
// next to it by the templates, so each catalog is resolved once into a map.
//
//go:embed catalog/active.*.yaml
var catalogFiles embed.FS

var langTags = []language.Tag{language.MustParse(LangEN), language.MustParse(LangZH)}

var langMatcher = language.NewMatcher(langTags)

// locale is one language's resolved catalog.
type locale struct {
	Lang string
	msgs map[string]string
}

// T returns the message with the given id in this language, else in English, else the id
// itself (a missing message shows, it does not break the page).
func (l *locale) T(id string) string {
	if m, ok := l.msgs[id]; ok {
		return m
	}
	if m, ok := locales()[LangEN].msgs[id]; ok {
		return m
	}
	return id
}

// Tf is T with a suffix: Tf "status." .Status is the label of a status value (an empty
// value is "default"), or the value itself when the catalog has none.
func (l *locale) Tf(prefix string, value any) string {
	s := fmt.Sprint(value)
	if s == "" {
		s = "default"
	}
	if m, ok := l.msgs[prefix+s]; ok {
		return m
	}
	if m, ok := locales()[LangEN].msgs[prefix+s]; ok {
		return m
	}
	return s
}

// Rating is the reason for a buyer's rating in this language: the catalog's message
// "reason.<code>" with the rating's Counts filled in (%[n]d is the n-th). A rating without
// a code, or with a code no catalog knows, shows its English Reason as it is.
func (l *locale) Rating(r reminder.Rating) string {
	id := "reason." + string(r.Code)
	m, ok := l.msgs[id]
	if !ok {
		m, ok = locales()[LangEN].msgs[id]
	}
	if r.Code == "" || !ok {
		return r.Reason
	}
	args := make([]any, len(r.Counts))
	for i, n := range r.Counts {
		args[i] = n
	}
	return fmt.Sprintf(m, args...)
}

var locales = sync.OnceValue(func() map[string]*locale {
	out, err := loadLocales(catalogFiles)
	if err != nil {
		panic(err) // a broken embedded catalog: every test of this package fails
	}
	return out
})

// loadLocales parses every catalog with go-i18n and resolves each message once.
func loadLocales(files fs.FS) (map[string]*locale, error) {
	bundle := i18n.NewBundle(language.English)
	bundle.RegisterUnmarshalFunc("yaml", yaml.Unmarshal)
	names, err := fs.Glob(files, "catalog/active.*.yaml")
	if err != nil {
		return nil, err
	}
	ids := map[string][]string{}
	for _, name := range names {
		data, err := fs.ReadFile(files, name)
		if err != nil {
			return nil, err
		}
		mf, err := bundle.ParseMessageFileBytes(data, name)
		if err != nil {
			return nil, fmt.Errorf("console: catalog %s: %w", name, err)
		}
		lang := strings.TrimSuffix(strings.TrimPrefix(path.Base(name), "active."), ".yaml")
		for _, m := range mf.Messages {
			ids[lang] = append(ids[lang], m.ID)
		}
	}
	out := map[string]*locale{}
	for _, lang := range []string{LangEN, LangZH} {
		if len(ids[lang]) == 0 {
			return nil, fmt.Errorf("console: no catalog for %s", lang)
		}
		loc := i18n.NewLocalizer(bundle, lang)
		l := &locale{Lang: lang, msgs: make(map[string]string, len(ids[lang]))}
		for _, id := range ids[lang] {
			s, err := loc.Localize(&i18n.LocalizeConfig{MessageID: id})
			if err != nil {
				return nil, fmt.Errorf("console: catalog %s: %s: %w", lang, id, err)
			}
			l.msgs[id] = s
		}
		out[lang] = l
	}
	return out, nil
}

// validLang reports whether s is one of the console's languages.
func validLang(s string) bool { return s == LangEN || s == LangZH }

// locale picks the request's language: the ow_lang cookie when it names one of the
// console's languages, else the best match of Accept-Language, else English.
func (c *console) locale(r *http.Request) *locale {
	if ck, err := r.Cookie(LangCookie); err == nil && validLang(ck.Value) {
		return locales()[ck.Value]
	}
	if al := r.Header.Get("Accept-Language"); al != "" {
		tags, _, err := language.ParseAcceptLanguage(al)
		if err == nil && len(tags) > 0 {
			_, i, conf := langMatcher.Match(tags...)
			if conf != language.No {
				return locales()[langTags[i].String()]
			}
		}
	}
	return locales()[LangEN]
}

// localPath reports whether back is a console path to send the seller back to: a path
// under /console/ on this host, with nothing a browser could read as another origin.
func localPath(back string) bool {
	if !strings.HasPrefix(back, "/console/") || strings.ContainsAny(back, "\\\r\n\t") {
		return false
	}
	u, err := url.Parse(back)
	return err == nil && u.Scheme == "" && u.Host == "" && u.User == nil &&
		strings.HasPrefix(u.Path, "/console/") && !strings.Contains(u.Path, "/../") && !strings.HasSuffix(u.Path, "/..")
}

// switchLang sets the language cookie and sends the seller back (GET /console/lang?to=&back=).
// With a session, back may be any console path. Without one, the switch serves the sign-in
// page only: back must be exactly /console/signin, else the request is sent to the sign-in
// page (303) with no cookie set, like every other page without a session. The switch reads
// no data either way.
func (c *console) switchLang(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	to, back := q.Get("to"), q.Get("back")
	_, ok, err := c.liveSession(r)
	if err != nil {
		c.refuseUnavailable(w, r, err)
		return
	}
	if !ok && back != signinPath {
		http.Redirect(w, r, signinPath, http.StatusSeeOther)
		return
	}
	if back == "" {
		back = "/console/today"
	}
	if !validLang(to) || !localPath(back) {
		c.renderStatus(w, r, http.StatusBadRequest, c.locale(r).T("error.bad_lang"))
		return
	}
	http.SetCookie(w, &http.Cookie{Name: LangCookie, Value: to, Path: "/console/", MaxAge: 365 * 24 * 3600,
		HttpOnly: true, SameSite: http.SameSiteLaxMode, Secure: secure(r)})
	http.Redirect(w, r, back, http.StatusSeeOther)
}
