package console_test

import (
	"crypto/tls"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/orderwire/orderwire/internal/console"
)

// getRoutes and postRoutes are every route of the console but sign-in and the stylesheet,
// plus made-up ones (a fragment or a typo must not tell a stranger anything either).
var (
	getRoutes = []string{"/console/", "/console/today", "/console/orders", "/console/orders?status=shipped",
		"/console/orders/AE-1001", "/console/orders/AE-1001/evidence", "/console/inbox", "/console/buyers/buyer-1",
		"/console/lang?to=zh-CN&back=/console/today", "/console/nope", "/console/orders/AE-1001/nope"}
	postRoutes = []string{"/console/signout", "/console/orders/AE-1001/shipments", "/console/inbox/assign",
		"/console/buyers/buyer-1/preferences", "/console/today", "/console/nope"}
)

func TestNothingWithoutASession(t *testing.T) {
	e := newEnv(t)
	signedIn := e.signedIn()
	session := signedIn.cookies[console.SessionCookie]
	realCSRF := csrf(t, signedIn.do("GET", "/console/orders/AE-1001", nil).Body.String())
	expired := e.signedIn().cookies[console.SessionCookie]
	tampered := *session
	tampered.Value = session.Value[:len(session.Value)-2] + map[bool]string{true: "AA", false: "BA"}[strings.HasSuffix(session.Value, "BA")]
	cases := map[string]*http.Cookie{"no cookie": nil, "tampered": &tampered, "garbage": {Name: console.SessionCookie, Value: "x"}}
	*e.at = e.at.Add(console.SessionTTL) // the sessions opened above have just expired
	cases["expired"] = expired
	for name, ck := range cases {
		c := e.client()
		if ck != nil {
			c.cookies[ck.Name] = ck
		}
		for _, path := range getRoutes {
			rec := c.do("GET", path, nil)
			if rec.Code != http.StatusSeeOther || rec.Header().Get("Location") != "/console/signin" {
				t.Errorf("%s: GET %s: %d %s, want 303 to the sign-in page", name, path, rec.Code, rec.Header().Get("Location"))
			}
			if strings.Contains(rec.Body.String(), "AE-1001") {
				t.Errorf("%s: GET %s shows an order", name, path)
			}
		}
		for _, path := range postRoutes {
			// Even with the csrf value of a real session: the session is what is missing.
			form := url.Values{"csrf": {realCSRF}, "carrier": {"dhl"}, "tracking_number": {"1234567890"}}
			if rec := c.do("POST", path, form); rec.Code != http.StatusForbidden {
				t.Errorf("%s: POST %s: %d, want 403", name, path, rec.Code)
			}
		}
	}
	*e.at = e.at.Add(-console.SessionTTL)
	if o, err := e.st.GetOrder(t.Context(), orderID); err != nil || len(o.Shipments) != 1 {
		t.Fatalf("a POST without a session changed the order: %+v %v", o.Shipments, err)
	}
	// The stylesheet and the sign-in page need no session.
	for _, path := range []string{"/console/static/console.css", "/console/signin"} {
		if rec := e.client().do("GET", path, nil); rec.Code != http.StatusOK {
			t.Errorf("GET %s: %d", path, rec.Code)
		}
	}
}

func TestARotatedOutTokenEndsItsSessions(t *testing.T) {
	e := newEnv(t)
	c := e.signedIn()
	cfg := e.cfg
	cfg.Tokens = []string{"other-token", "new-token"}
	e.handler = console.New(cfg)
	if rec := c.do("GET", "/console/today", nil); rec.Code != http.StatusSeeOther {
		t.Fatalf("a session of a removed token: %d", rec.Code)
	}
	if rec := c.signIn(token); rec.Code != http.StatusUnauthorized {
		t.Fatalf("signing in with a removed token: %d", rec.Code)
	}
	if rec := c.signIn("new-token"); rec.Code != http.StatusSeeOther {
		t.Fatalf("signing in with the new token: %d", rec.Code)
	}
}

func TestSignIn(t *testing.T) {
	e := newEnv(t)
	c := e.client()
	rec := c.signIn("wrong-token")
	if rec.Code != http.StatusUnauthorized || !strings.Contains(rec.Body.String(), `<p class="error"`) ||
		!strings.Contains(rec.Body.String(), `<form id="signin"`) || c.cookies[console.SessionCookie] != nil {
		t.Fatalf("a wrong token: %d cookie %v\n%s", rec.Code, c.cookies[console.SessionCookie], rec.Body)
	}
	body := c.do("GET", "/console/signin", nil).Body.String()
	for _, want := range []string{`<input id="token" name="token" type="password"`, `<button type="submit">`, `name="csrf"`} {
		if !strings.Contains(body, want) {
			t.Errorf("sign-in page: no %s", want)
		}
	}
	for name, form := range map[string]url.Values{
		"no csrf":    {"token": {token}},
		"wrong csrf": {"token": {token}, "csrf": {"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"}},
	} {
		if rec := c.do("POST", "/console/signin", form); rec.Code != http.StatusForbidden || c.cookies[console.SessionCookie] != nil {
			t.Errorf("sign-in with %s: %d", name, rec.Code)
		}
	}
	// A sign-in form goes stale after an hour.
	stale := csrf(t, body)
	*e.at = e.at.Add(61 * time.Minute)
	if rec := c.do("POST", "/console/signin", url.Values{"token": {token}, "csrf": {stale}}); rec.Code != http.StatusForbidden {
		t.Errorf("a stale sign-in form: %d", rec.Code)
	}
}

func TestCSRFIsRefused(t *testing.T) {
	e := newEnv(t)
	c, other := e.signedIn(), e.signedIn()
	mine := csrf(t, c.do("GET", "/console/today", nil).Body.String())
	theirs := csrf(t, other.do("GET", "/console/today", nil).Body.String())
	if mine == theirs {
		t.Fatal("two sessions share a csrf value")
	}
	for name, value := range map[string]string{"missing": "", "wrong": "x" + mine[1:], "another session's": theirs} {
		for _, path := range postRoutes {
			form := url.Values{"carrier": {"dhl"}, "tracking_number": {"1234567890"}, "order_id": {unpaidID},
				"provider": {"stripe"}, "event_id": {unfiledID}, "default": {"none"}}
			if value != "" {
				form.Set("csrf", value)
			}
			if rec := c.do("POST", path, form); rec.Code != http.StatusForbidden {
				t.Errorf("%s csrf: POST %s: %d, want 403", name, path, rec.Code)
			}
		}
	}
	if o, _ := e.st.GetOrder(t.Context(), orderID); len(o.Shipments) != 1 {
		t.Error("a refused POST registered a parcel")
	}
	if rec := c.do("GET", "/console/inbox", nil); !strings.Contains(rec.Body.String(), unfiledID) {
		t.Error("a refused POST filed the unfiled event")
	}
	if rec := c.do("GET", "/console/today", nil); rec.Code != http.StatusOK {
		t.Errorf("the refused sign-outs ended the session: %d", rec.Code)
	}
}

func TestSessionCookieFlags(t *testing.T) {
	e := newEnv(t)
	for name, setup := range map[string]func(*http.Request){
		"http":                    func(*http.Request) {},
		"X-Forwarded-Proto https": func(r *http.Request) { r.Header.Set("X-Forwarded-Proto", "https") },
		"TLS":                     func(r *http.Request) { r.TLS = &tls.ConnectionState{} },
	} {
		page := httptest.NewRecorder()
		e.handler.ServeHTTP(page, httptest.NewRequest("GET", "/console/signin", nil))
		req := httptest.NewRequest("POST", "/console/signin", strings.NewReader(url.Values{"token": {token},
			"csrf": {csrf(t, page.Body.String())}}.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		setup(req)
		rec := httptest.NewRecorder()
		e.handler.ServeHTTP(rec, req)
		var ck *http.Cookie
		for _, c := range rec.Result().Cookies() {
			if c.Name == console.SessionCookie {
				ck = c
			}
		}
		if ck == nil {
			t.Fatalf("%s: no session cookie (%d)", name, rec.Code)
		}
		set := rec.Header().Get("Set-Cookie")
		if !ck.HttpOnly || ck.SameSite != http.SameSiteStrictMode || ck.Path != "/console/" ||
			ck.MaxAge != int(console.SessionTTL/time.Second) || !ck.Expires.Equal(now.Add(console.SessionTTL)) {
			t.Errorf("%s: cookie %s", name, set)
		}
		if wantSecure := name != "http"; ck.Secure != wantSecure {
			t.Errorf("%s: Secure %v, want %v (%s)", name, ck.Secure, wantSecure, set)
		}
	}
}

func TestSignOut(t *testing.T) {
	e := newEnv(t)
	c := e.signedIn()
	old := c.cookies[console.SessionCookie]
	rec := c.do("POST", "/console/signout", url.Values{"csrf": {csrf(t, c.do("GET", "/console/today", nil).Body.String())}})
	if rec.Code != http.StatusSeeOther || rec.Header().Get("Location") != "/console/signin" || c.cookies[console.SessionCookie] != nil {
		t.Fatalf("sign out: %d %v", rec.Code, rec.Header())
	}
	if rec := c.do("GET", "/console/today", nil); rec.Code != http.StatusSeeOther {
		t.Errorf("after signing out: %d", rec.Code)
	}
	if old == nil || old.Value == "" {
		t.Fatal("no session before signing out")
	}
}

// everyPage is every page a signed-in seller can see, in both languages.
func everyPage(t *testing.T, e *env) map[string]string {
	t.Helper()
	out := map[string]string{}
	for _, lang := range []string{"en", "zh-CN"} {
		c := e.signedIn()
		c.header.Set("Accept-Language", lang)
		for _, path := range []string{"/console/today", "/console/orders", "/console/orders?q=buyer-1",
			"/console/orders/AE-1001", "/console/orders/AE-1002", "/console/inbox", "/console/buyers/buyer-1"} {
			rec := c.do("GET", path, nil)
			if rec.Code != http.StatusOK {
				t.Fatalf("%s GET %s: %d", lang, path, rec.Code)
			}
			out[lang+" "+path] = rec.Body.String()
		}
		form := url.Values{"csrf": {csrf(t, out[lang+" /console/today"])}, "carrier": {"dhl"}, "tracking_number": {"x"}}
		rec := c.do("POST", "/console/orders/AE-1001/shipments", form) // refused: the page again, with the error
		if rec.Code != http.StatusBadRequest {
			t.Fatalf("a bad parcel: %d", rec.Code)
		}
		out[lang+" refused parcel"] = rec.Body.String()
	}
	return out
}

func TestContactDetailsAreMaskedEverywhere(t *testing.T) {
	e := newEnv(t)
	pages := everyPage(t, e)
	for name, body := range pages {
		for _, secret := range []string{email, "jane.doe", "example.com", phone, "&#43;8613812345678", "13812345678"} {
			if strings.Contains(body, secret) {
				t.Errorf("%s shows %q", name, secret)
			}
		}
	}
	for _, name := range []string{"en /console/orders/AE-1001", "zh-CN /console/buyers/buyer-1"} {
		if !strings.Contains(pages[name], maskedMail) || !strings.Contains(pages[name], "&#43;86*******5678") {
			t.Errorf("%s: no masked contact details", name)
		}
	}
}

func TestProviderAndBuyerFieldsStayText(t *testing.T) {
	e := newEnv(t)
	pages := everyPage(t, e)
	escaped := map[string]bool{}
	for name, body := range pages {
		for _, raw := range []string{evilName, evilPlace, evilType, "<script", "<img", "<b "} {
			if strings.Contains(body, raw) {
				t.Errorf("%s holds %q unescaped", name, raw)
			}
		}
		for _, want := range []string{"&lt;script&gt;alert(1)&lt;/script&gt;", "&lt;img src=x onerror=alert(3)&gt;",
			"&lt;b onmouseover=&#34;alert(2)&#34;&gt;Shenzhen&lt;/b&gt;"} {
			if strings.Contains(body, want) {
				escaped[want] = true
			}
		}
	}
	if len(escaped) != 3 {
		t.Errorf("not every hostile field was shown (escaped): %v", escaped)
	}
}

func TestLanguageSwitch(t *testing.T) {
	c := newEnv(t).signedIn()
	for _, back := range []string{"//evil.example/console/", "https://evil.example/console/", "/\\evil.example",
		"/console/../v1/orders", "javascript:alert(1)", "/consolex", "/console/\r\nSet-Cookie: x=1", "console/today"} {
		rec := c.do("GET", "/console/lang?to=zh-CN&back="+url.QueryEscape(back), nil)
		if rec.Code != http.StatusBadRequest || rec.Header().Get("Location") != "" {
			t.Errorf("back=%q: %d %q, want 400", back, rec.Code, rec.Header().Get("Location"))
		}
	}
	if rec := c.do("GET", "/console/lang?to=fr&back=/console/today", nil); rec.Code != http.StatusBadRequest {
		t.Errorf("to=fr: %d", rec.Code)
	}
	if c.cookies[console.LangCookie] != nil {
		t.Fatal("a refused switch set the language")
	}
	rec := c.do("GET", "/console/lang?to=zh-CN&back="+url.QueryEscape("/console/orders?status=shipped"), nil)
	if rec.Code != http.StatusSeeOther || rec.Header().Get("Location") != "/console/orders?status=shipped" {
		t.Fatalf("switch: %d %q", rec.Code, rec.Header().Get("Location"))
	}
	c.header.Set("Accept-Language", "en")
	body := c.do("GET", "/console/orders?status=shipped", nil).Body.String()
	if !strings.Contains(body, `<html lang="zh-CN">`) || !strings.Contains(body, "订单") {
		t.Error("the cookie did not win over Accept-Language")
	}
}

// TestLanguageSwitchOnSignIn: without a session the switch serves the sign-in page only —
// it sets the cookie and comes back to /console/signin, and any other back is sent to the
// sign-in page with no cookie set.
func TestLanguageSwitchOnSignIn(t *testing.T) {
	c := newEnv(t).client()
	c.header.Set("Accept-Language", "en")
	body := c.do("GET", "/console/signin", nil).Body.String()
	for _, want := range []string{`<a id="lang-en"`, `<a id="lang-zh-CN"`,
		`href="/console/lang?to=zh-CN&amp;back=%2fconsole%2fsignin"`} {
		if !strings.Contains(body, want) {
			t.Errorf("sign-in page: no %s", want)
		}
	}
	if strings.Contains(body, `id="signout"`) {
		t.Error("sign-in page without a session shows the sign-out form")
	}
	for _, back := range []string{"/console/today", "/console/orders/AE-1001", "/console/signin?x=1", ""} {
		rec := c.do("GET", "/console/lang?to=zh-CN&back="+url.QueryEscape(back), nil)
		if rec.Code != http.StatusSeeOther || rec.Header().Get("Location") != "/console/signin" || c.cookies[console.LangCookie] != nil {
			t.Errorf("no session, back=%q: %d %q cookie %v; want 303 to sign-in, no cookie", back, rec.Code,
				rec.Header().Get("Location"), c.cookies[console.LangCookie])
		}
	}
	if rec := c.do("GET", "/console/lang?to=fr&back=/console/signin", nil); rec.Code != http.StatusBadRequest || c.cookies[console.LangCookie] != nil {
		t.Errorf("no session, to=fr: %d", rec.Code)
	}
	rec := c.do("GET", "/console/lang?to=zh-CN&back=/console/signin", nil)
	if rec.Code != http.StatusSeeOther || rec.Header().Get("Location") != "/console/signin" {
		t.Fatalf("no session, back=/console/signin: %d %q", rec.Code, rec.Header().Get("Location"))
	}
	if ck := c.cookies[console.LangCookie]; ck == nil || ck.Value != "zh-CN" {
		t.Fatalf("ow_lang cookie %+v, want zh-CN", ck)
	}
	body = c.do("GET", "/console/signin", nil).Body.String()
	if !strings.Contains(body, `<html lang="zh-CN">`) || !strings.Contains(body, `<a id="lang-zh-CN" lang="zh-CN" hreflang="zh-CN" href="/console/lang?to=zh-CN&amp;back=%2fconsole%2fsignin" aria-current="true">`) {
		t.Error("after the switch the sign-in page is not in Chinese with zh-CN current")
	}
}

func TestSignInFailuresAreThrottled(t *testing.T) {
	e := newEnv(t)
	c := e.client()
	for i := range 10 {
		if rec := c.signIn("wrong"); rec.Code != http.StatusUnauthorized {
			t.Fatalf("failure %d: %d", i+1, rec.Code)
		}
	}
	if rec := c.signIn(token); rec.Code != http.StatusTooManyRequests || c.cookies[console.SessionCookie] != nil {
		t.Fatalf("after 10 failures, the right token: %d", rec.Code)
	}
	// Another address is not affected; the first one may try again after the window.
	other := httptest.NewRequest("GET", "/console/signin", nil)
	other.RemoteAddr = "198.51.100.7:4242"
	page := httptest.NewRecorder()
	e.handler.ServeHTTP(page, other)
	post := httptest.NewRequest("POST", "/console/signin", strings.NewReader(url.Values{"token": {token},
		"csrf": {csrf(t, page.Body.String())}}.Encode()))
	post.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	post.RemoteAddr = other.RemoteAddr
	rec := httptest.NewRecorder()
	e.handler.ServeHTTP(rec, post)
	if rec.Code != http.StatusSeeOther {
		t.Fatalf("another address: %d", rec.Code)
	}
	*e.at = e.at.Add(15 * time.Minute)
	if rec := c.signIn(token); rec.Code != http.StatusSeeOther {
		t.Fatalf("after the window: %d", rec.Code)
	}
}
