package browsertest

import (
	"encoding/json"
	"testing"

	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"
)

// For returns the same browser (same tab, same downloads) reporting to tb: use it in a
// subtest, whose failures must go through its own testing.T.
func (b *Browser) For(tb testing.TB) *Browser {
	c := *b
	c.tb = tb
	return &c
}

// The DOM helpers below read the loaded document at once, with querySelectorAll: they do
// not wait for an element to appear (Open and Load return after the page's load event), so
// a missing element is an empty answer, not a timeout.

// js quotes s as a JavaScript string literal.
func js(s string) string {
	q, _ := json.Marshal(s)
	return string(q)
}

// Count returns how many elements match the CSS selector.
func (b *Browser) Count(sel string) int {
	b.tb.Helper()
	return Get(b, "count "+sel, chromedp.Evaluate[int](`document.querySelectorAll(`+js(sel)+`).length`))
}

// Texts returns the trimmed text (textContent, whitespace collapsed) of every element
// matching the CSS selector, in document order.
func (b *Browser) Texts(sel string) []string {
	b.tb.Helper()
	return Get(b, "texts "+sel, chromedp.Evaluate[[]string](`Array.from(document.querySelectorAll(`+js(sel)+`),
		e => e.textContent.replace(/\s+/g, ' ').trim())`))
}

// Text returns the text of the first element matching sel ("" when none does).
func (b *Browser) Text(sel string) string {
	b.tb.Helper()
	if t := b.Texts(sel); len(t) > 0 {
		return t[0]
	}
	return ""
}

// Attrs returns attribute name of every element matching sel that has it.
func (b *Browser) Attrs(sel, name string) []string {
	b.tb.Helper()
	return Get(b, "attributes "+sel, chromedp.Evaluate[[]string](`Array.from(document.querySelectorAll(`+js(sel)+`))
		.filter(e => e.hasAttribute(`+js(name)+`)).map(e => e.getAttribute(`+js(name)+`))`))
}

// Attr returns attribute name of the first element matching sel that has it ("" if none).
func (b *Browser) Attr(sel, name string) string {
	b.tb.Helper()
	if a := b.Attrs(sel, name); len(a) > 0 {
		return a[0]
	}
	return ""
}

// Cookies returns the cookies the browser would send to url (HttpOnly ones included).
func (b *Browser) Cookies(url string) []*network.Cookie {
	b.tb.Helper()
	ctx, cancel := b.Context()
	defer cancel()
	res, err := chromedp.Call(ctx, network.GetCookies, network.GetCookiesParams{URLs: []string{url}})
	if err != nil {
		b.fail("cookies of "+url, err)
	}
	return res.Cookies
}

// Cookie returns the cookie named name the browser would send to url, or nil.
func (b *Browser) Cookie(url, name string) *network.Cookie {
	b.tb.Helper()
	for _, c := range b.Cookies(url) {
		if c.Name == name {
			return c
		}
	}
	return nil
}

// Fetch runs fetch(path, {method, body: new URLSearchParams(form), redirect: "manual"}) in
// the page (so with its cookies, as a script on the page would) and returns the status;
// a redirect answers 0 (an opaque redirect).
func (b *Browser) Fetch(method, path string, form map[string]string) int {
	b.tb.Helper()
	f, _ := json.Marshal(form)
	return Get(b, method+" "+path, chromedp.Evaluate[int](`fetch(`+js(path)+`, {method: `+js(method)+`,
		body: `+jsBody(method, string(f))+`, redirect: 'manual', credentials: 'same-origin'}).then(r => r.status)`,
		chromedp.EvalAwaitPromise))
}

func jsBody(method, form string) string {
	if method == "GET" || method == "HEAD" {
		return "undefined"
	}
	return "new URLSearchParams(" + form + ")"
}
