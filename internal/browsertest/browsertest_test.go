package browsertest

import (
	"bytes"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// The harness's own test, on pages served by httptest: it must see what a real page
// shows, catch axe-core violations that are there (and report none where there are
// none), follow a form's redirect to the final status, save a real PNG, and catch a
// downloaded file byte for byte.

const goodPage = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Good</title></head>
<body><main><h1>Good page</h1><p id="lang">%s</p>
<form id="f" method="post" action="/post"><label for="name">Name</label>
<input id="name" name="name" type="text"><button type="submit">Send</button></form>
<a id="file" href="/file">Download</a>
<ul><li class="i" data-k="a"> one  </li><li class="i">two</li></ul></main></body></html>`

// badPage has an input with no label (axe rule label, critical), grey-on-white text
// (color-contrast, serious) and no lang attribute (html-has-lang, serious).
const badPage = `<!doctype html><html><head><meta charset="utf-8"><title>Bad</title></head>
<body><main><h1>Bad page</h1><p style="color:#ccc;background:#fff">faint text</p>
<input type="text" name="q"></main></body></html>`

var fileBody = []byte("PK\x03\x04 not really a zip, but bytes to compare \x00\x01\x02")

func server(t *testing.T) *httptest.Server {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /good", func(w http.ResponseWriter, r *http.Request) {
		http.SetCookie(w, &http.Cookie{Name: "sid", Value: "v1", Path: "/", HttpOnly: true, SameSite: http.SameSiteStrictMode, MaxAge: 3600})
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		fmt.Fprintf(w, goodPage, r.Header.Get("Accept-Language"))
	})
	mux.HandleFunc("GET /bad", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		fmt.Fprint(w, badPage)
	})
	mux.HandleFunc("POST /post", func(w http.ResponseWriter, r *http.Request) {
		if r.FormValue("name") == "Ada" {
			http.Redirect(w, r, "/good", http.StatusSeeOther)
			return
		}
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.WriteHeader(http.StatusUnauthorized)
		fmt.Fprint(w, `<!doctype html><html lang="en"><title>No</title><main><h1>No</h1></main></html>`)
	})
	mux.HandleFunc("GET /file", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/zip")
		w.Header().Set("Content-Disposition", `attachment; filename="pack-1.zip"`)
		_, _ = w.Write(fileBody)
	})
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	return srv
}

func TestHarness(t *testing.T) {
	srv := server(t)
	b := Start(t, Options{})

	if code := b.Open(srv.URL + "/good"); code != 200 {
		t.Fatalf("GET /good: %d", code)
	}
	if h1 := Get(b, "h1", chromedp.Text(chromedp.CSS("h1"))); h1 != "Good page" {
		t.Errorf("h1 %q", h1)
	}
	if lang := Get(b, "lang", chromedp.Text(chromedp.ID("lang"))); !strings.HasPrefix(lang, "en-US") {
		t.Errorf("Accept-Language %q, want en-US by default", lang)
	}
	if v := b.Axe(); len(v) != 0 {
		t.Errorf("axe on an accessible page: %v", v)
	}
	shot := b.Screenshot("good")
	png, err := os.ReadFile(shot)
	if err != nil || !bytes.HasPrefix(png, []byte("\x89PNG")) || !strings.Contains(shot, "bin/screenshots/TestHarness-good.png") {
		t.Errorf("screenshot %s: %d bytes, %v", shot, len(png), err)
	}

	// The DOM helpers read the page as it is, and the cookie jar with HttpOnly cookies.
	if n, texts, keys := b.Count("li.i"), b.Texts("li.i"), b.Attrs("li.i", "data-k"); n != 2 ||
		!slices.Equal(texts, []string{"one", "two"}) || !slices.Equal(keys, []string{"a"}) {
		t.Errorf("li.i: count %d, texts %q, data-k %q", n, texts, keys)
	}
	if n, text := b.Count("#missing"), b.Text("#missing"); n != 0 || text != "" {
		t.Errorf("#missing: count %d, text %q", n, text)
	}
	if c := b.Cookie(srv.URL+"/", "sid"); c == nil || c.Value != "v1" || !c.HTTPOnly || c.SameSite != "Strict" {
		t.Errorf("cookie sid: %+v", c)
	}
	if code := b.Fetch("POST", "/post", map[string]string{"name": "Eve"}); code != 401 {
		t.Errorf("fetch POST /post: %d, want 401", code)
	}
	if code := b.Fetch("POST", "/post", map[string]string{"name": "Ada"}); code != 0 {
		t.Errorf("fetch POST /post redirecting: %d, want 0 (opaque redirect)", code)
	}
	t.Run("sub", func(t *testing.T) {
		if h1 := b.For(t).Text("h1"); h1 != "Good page" {
			t.Errorf("h1 through For: %q", h1)
		}
	})

	// A form whose POST is refused, then one that redirects: Load reports the final status.
	b.Do("type a wrong name", chromedp.SendKeys(chromedp.ID("name"), "Bob"))
	if code := b.Load("submit", chromedp.Click(chromedp.CSS(`#f button[type=submit]`))); code != 401 {
		t.Errorf("refused POST: status %d, want 401", code)
	}
	b.Open(srv.URL + "/good")
	b.Do("type the name", chromedp.SendKeys(chromedp.ID("name"), "Ada"))
	if code := b.Load("submit", chromedp.Click(chromedp.CSS(`#f button[type=submit]`))); code != 200 ||
		!strings.HasSuffix(b.Location(), "/good") {
		t.Errorf("POST then 303: status %d at %s, want 200 at /good", code, b.Location())
	}

	name, data := b.Download(chromedp.CSS("a#file"))
	if name != "pack-1.zip" || !bytes.Equal(data, fileBody) {
		t.Errorf("download: %q, %d bytes (equal %v)", name, len(data), bytes.Equal(data, fileBody))
	}

	// axe-core must be able to fail: the bad page's three violations are found, and they block.
	b.Open(srv.URL + "/bad")
	var ids []string
	for _, v := range b.Axe() {
		if v.Blocking() {
			ids = append(ids, v.ID)
		}
	}
	for _, want := range []string{"label", "color-contrast", "html-has-lang"} {
		if !slices.Contains(ids, want) {
			t.Errorf("axe on the bad page: blocking %v, want %s among them", ids, want)
		}
	}
}

func TestHarnessAcceptLanguage(t *testing.T) {
	srv := server(t)
	b := Start(t, Options{AcceptLanguage: "zh-CN,zh;q=0.9"})
	b.Open(srv.URL + "/good")
	if lang := Get(b, "lang", chromedp.Text(chromedp.ID("lang"))); lang != "zh-CN,zh;q=0.9" {
		t.Errorf("Accept-Language %q, want zh-CN,zh;q=0.9", lang)
	}
}
