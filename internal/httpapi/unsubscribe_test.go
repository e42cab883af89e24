package httpapi_test

import (
	"bytes"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/url"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/orderwire/orderwire/internal/httpapi"
	"github.com/orderwire/orderwire/internal/order"
	"github.com/orderwire/orderwire/internal/unsubscribe"
)

// The fake verifier's tokens.
const (
	tokBuyer1  = "tok-genuine-for-buyer-1.c2lnbmF0dXJl"
	tokNobody  = "tok-genuine-for-nobody.c2lnbmF0dXJl"
	tokExpired = "tok-expired.c2lnbmF0dXJl"
	tokForged  = "tok-forged.c2lnbmF0dXJl"
)

// fakeVerifier knows tokBuyer1, tokNobody and tokExpired; any other token with a dot is a
// forgery (unauthorized), without one malformed (invalid). It insists on the API's clock.
type fakeVerifier struct{}

func (fakeVerifier) Verify(tok string, now time.Time) (string, error) {
	switch {
	case !now.Equal(prefsNow):
		return "", order.Errorf(order.CodeInternal, "fake.Verify", "wrong clock %v", now)
	case tok == tokBuyer1:
		return "buyer-1", nil
	case tok == tokNobody:
		return "nobody", nil
	case tok == tokExpired:
		return "", &order.Error{Code: order.CodeUnauthorized, Op: "fake.Verify", Message: "link expired", Err: unsubscribe.ErrExpired}
	case strings.Contains(tok, "."):
		return "", order.Errorf(order.CodeUnauthorized, "fake.Verify", "link not valid")
	}
	return "", order.Errorf(order.CodeInvalid, "fake.Verify", "link not valid")
}

const unsubscribedText = "You have been unsubscribed from payment reminders and shipment updates by email. " +
	"You will still receive essential messages such as payment confirmations."

// wantPrivate fails unless the answer has the headers of a response to a URL that carries a
// credential, and the content type.
func wantPrivate(t *testing.T, rec *httptest.ResponseRecorder, contentType string) {
	t.Helper()
	h := rec.Header()
	if h.Get("Content-Type") != contentType || h.Get("Cache-Control") != "no-store" ||
		h.Get("Referrer-Policy") != "no-referrer" || h.Get("X-Content-Type-Options") != "nosniff" {
		t.Fatalf("headers %v, want %s, no-store, no-referrer, nosniff", h, contentType)
	}
	if contentType == "text/html; charset=utf-8" && !strings.Contains(h.Get("Content-Security-Policy"), "default-src 'none'") {
		t.Fatalf("HTML page without a strict Content-Security-Policy: %v", h)
	}
}

const htmlType = "text/html; charset=utf-8"

// confirmForm is the body the confirmation page's button posts for token.
func confirmForm(token string) string {
	return url.Values{"token": {token}, "confirm": {"unsubscribe"}}.Encode()
}

const formType = "application/x-www-form-urlencoded"

// TestUnsubscribeLink: the link (GET) changes nothing and shows a page whose form carries
// the token; posting that form unsubscribes the buyer from email, once.
func TestUnsubscribeLink(t *testing.T) {
	f := newPrefsFixture(t, httpapi.Config{})
	before := f.prefs.prefs("buyer-1")
	for range 3 { // a mail scanner, a link preview, the buyer: none of them unsubscribes
		rec := call(f.handler, "GET", "/unsubscribe?token="+tokBuyer1, nil)
		page := rec.Body.String()
		if rec.Code != http.StatusOK || strings.Contains(page, unsubscribedText) || !strings.HasPrefix(page, "<!DOCTYPE html>") ||
			!strings.Contains(page, `<form method="post">`) || !strings.Contains(page, `name="token" value="`+tokBuyer1+`"`) ||
			!strings.Contains(page, `name="confirm" value="unsubscribe"`) {
			t.Fatalf("GET: %d %s", rec.Code, page)
		}
		wantPrivate(t, rec, htmlType)
		if !strings.Contains(rec.Header().Get("Content-Security-Policy"), "form-action 'self'") {
			t.Fatalf("the page's form may not post back: %v", rec.Header())
		}
		if strings.Contains(page, "<script") || strings.Contains(page, "http") {
			t.Fatalf("the page is not self-contained:\n%s", page)
		}
	}
	if p := f.prefs.prefs("buyer-1"); f.prefs.writes() != 0 || p.EmailOptOut || !reflect.DeepEqual(p, before) {
		t.Fatalf("GET changed the preferences: %+v (before %+v), %d writes", p, before, f.prefs.writes())
	}

	rec := call(f.handler, "POST", "/unsubscribe?token="+tokBuyer1, strings.NewReader(confirmForm(tokBuyer1)), "Content-Type", formType)
	if rec.Code != http.StatusOK || !strings.Contains(rec.Body.String(), unsubscribedText) || strings.Contains(rec.Body.String(), "<form") {
		t.Fatalf("form POST: %d %s", rec.Code, rec.Body)
	}
	wantPrivate(t, rec, htmlType)
	p := f.prefs.prefs("buyer-1")
	if !p.EmailOptOut || p.UpdatedBy != "buyer" || !p.UpdatedAt.Equal(prefsNow) || p.Default != before.Default ||
		p.SMSOptOut != before.SMSOptOut || p.ByKind[order.NotifyPaymentReminder] != order.ChannelsSMS || len(p.ByKind) != 1 {
		t.Fatalf("stored %+v (before %+v)", p, before)
	}
	// A second press is 200 too, and writes nothing; the link now says so, without a form.
	rec = call(f.handler, "POST", "/unsubscribe", strings.NewReader(confirmForm(tokBuyer1)), "Content-Type", formType)
	if rec.Code != http.StatusOK || !strings.Contains(rec.Body.String(), unsubscribedText) || f.prefs.writes() != 1 {
		t.Fatalf("second press: %d, %d writes", rec.Code, f.prefs.writes())
	}
	rec = call(f.handler, "GET", "/unsubscribe?token="+tokBuyer1, nil, "Authorization", "Bearer nope")
	if rec.Code != http.StatusOK || !strings.Contains(rec.Body.String(), "already unsubscribed") || strings.Contains(rec.Body.String(), "<form") {
		t.Fatalf("GET after unsubscribing (with a stray bearer token): %d %s", rec.Code, rec.Body)
	}
}

// TestUnsubscribeFormPost: the confirmation form's token is read from the form, or else the
// URL; a form without confirm=unsubscribe does nothing.
func TestUnsubscribeFormPost(t *testing.T) {
	for name, c := range map[string]struct {
		target, body string
		status       int
		says         string
	}{
		"token in the form":      {"/unsubscribe", confirmForm(tokBuyer1), http.StatusOK, unsubscribedText},
		"token in the URL":       {"/unsubscribe?token=" + tokBuyer1, "confirm=unsubscribe", http.StatusOK, unsubscribedText},
		"the form's token first": {"/unsubscribe?token=" + tokBuyer1, confirmForm(tokForged), http.StatusBadRequest, "not valid"},
		"no token":               {"/unsubscribe", "confirm=unsubscribe", http.StatusBadRequest, "not valid"},
		"no confirm":             {"/unsubscribe?token=" + tokBuyer1, "token=" + tokBuyer1, http.StatusBadRequest, "confirmation page"},
		"other confirm":          {"/unsubscribe?token=" + tokBuyer1, "confirm=yes&token=" + tokBuyer1, http.StatusBadRequest, "confirmation page"},
	} {
		t.Run(name, func(t *testing.T) {
			f := newPrefsFixture(t, httpapi.Config{})
			rec := call(f.handler, "POST", c.target, strings.NewReader(c.body), "Content-Type", formType)
			if rec.Code != c.status || !strings.Contains(rec.Body.String(), c.says) {
				t.Fatalf("%d %q, want %d saying %q", rec.Code, rec.Body, c.status, c.says)
			}
			if done := f.prefs.prefs("buyer-1").EmailOptOut; done != (c.status == http.StatusOK) {
				t.Fatalf("EmailOptOut = %v after %d", done, rec.Code)
			}
		})
	}
}

// TestUnsubscribeLinkFailures: the link and the confirmation form answer a bad token, an
// unknown buyer or a failing store with a page saying so, and unsubscribe nobody.
func TestUnsubscribeLinkFailures(t *testing.T) {
	cases := map[string]struct {
		token          string
		getErr, setErr error
		status         int // the form's; the link's too, except getStatus when set
		getStatus      int
		says           string
	}{
		"no token":      {"", nil, nil, http.StatusBadRequest, 0, "not valid"},
		"malformed":     {"garbage", nil, nil, http.StatusBadRequest, 0, "not valid"},
		"forged":        {tokForged, nil, nil, http.StatusBadRequest, 0, "not valid"},
		"expired":       {tokExpired, nil, nil, http.StatusBadRequest, 0, "has expired"},
		"unknown buyer": {tokNobody, nil, nil, http.StatusNotFound, 0, "could not find"},
		"read fails":    {tokBuyer1, errSecret, nil, http.StatusInternalServerError, 0, "went wrong"},
		"write fails": {tokBuyer1, nil, order.Internal("fake.SetPreferences", errSecret),
			http.StatusInternalServerError, http.StatusOK, "went wrong"},
	}
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			f := newPrefsFixture(t, httpapi.Config{})
			f.prefs.getErr, f.prefs.setErr = c.getErr, c.setErr
			get := call(f.handler, "GET", "/unsubscribe?token="+c.token, nil)
			post := call(f.handler, "POST", "/unsubscribe", strings.NewReader(confirmForm(c.token)), "Content-Type", formType)
			for what, rec := range map[string]*httptest.ResponseRecorder{"GET": get, "form POST": post} {
				status := c.status
				if what == "GET" && c.getStatus != 0 {
					status = c.getStatus // the link writes nothing, so a failing write is not seen
					if rec.Code != status {
						t.Fatalf("%s: %d, want %d", what, rec.Code, status)
					}
					continue
				}
				if rec.Code != status || !strings.Contains(rec.Body.String(), c.says) {
					t.Fatalf("%s: %d, want %d saying %q:\n%s", what, rec.Code, status, c.says, rec.Body)
				}
				wantPrivate(t, rec, htmlType)
				if strings.Contains(rec.Body.String(), "secret-internal-detail") || strings.Contains(rec.Body.String(), "unsubscribed from") ||
					strings.Contains(rec.Body.String(), "<form") {
					t.Fatalf("%s page:\n%s", what, rec.Body)
				}
			}
			if p := f.prefs.prefs("buyer-1"); p.EmailOptOut {
				t.Fatal("the buyer was unsubscribed")
			}
		})
	}
}

func TestUnsubscribeHeadChangesNothing(t *testing.T) {
	f := newPrefsFixture(t, httpapi.Config{})
	rec := call(f.handler, "HEAD", "/unsubscribe?token="+tokBuyer1, nil)
	if rec.Code != http.StatusOK || f.prefs.writes() != 0 {
		t.Fatalf("HEAD: %d, %d writes", rec.Code, f.prefs.writes())
	}
	wantPrivate(t, rec, htmlType)
	if rec := call(f.handler, "HEAD", "/unsubscribe?token="+tokExpired, nil); rec.Code != http.StatusBadRequest {
		t.Fatalf("HEAD expired: %d", rec.Code)
	}
}

// multipartOneClick is the one-click form as multipart/form-data.
func multipartOneClick(t *testing.T, value string) (string, *bytes.Buffer) {
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	if err := mw.WriteField("List-Unsubscribe", value); err != nil {
		t.Fatal(err)
	}
	if err := mw.Close(); err != nil {
		t.Fatal(err)
	}
	return mw.FormDataContentType(), &buf
}

func TestUnsubscribeOneClick(t *testing.T) {
	const form = "application/x-www-form-urlencoded"
	mpType, mpBody := multipartOneClick(t, "One-Click")
	_, mpWrong := multipartOneClick(t, "Two-Clicks")
	const body = "List-Unsubscribe=One-Click"
	const done, notValid, needsForm = "Unsubscribed from", "link is not valid", "must be List-Unsubscribe=One-Click"
	cases := map[string]struct {
		token, contentType, body string
		status                   int
		says                     string
	}{
		"urlencoded":         {tokBuyer1, form, body, http.StatusOK, done},
		"multipart":          {tokBuyer1, mpType, mpBody.String(), http.StatusOK, done},
		"no content type":    {tokBuyer1, "", body + "\r\n", http.StatusOK, done},
		"no body":            {tokBuyer1, form, "", http.StatusBadRequest, needsForm},
		"wrong value":        {tokBuyer1, form, "List-Unsubscribe=Yes", http.StatusBadRequest, needsForm},
		"multipart wrong":    {tokBuyer1, mpType, mpWrong.String(), http.StatusBadRequest, needsForm},
		"broken multipart":   {tokBuyer1, "multipart/form-data; boundary=x", body, http.StatusBadRequest, needsForm},
		"no token":           {"", form, body, http.StatusBadRequest, notValid},
		"token in body only": {"", form, body + "&token=" + tokBuyer1, http.StatusBadRequest, notValid},
		"forged":             {tokForged, form, body, http.StatusBadRequest, notValid},
		"expired":            {tokExpired, form, body, http.StatusBadRequest, "has expired"},
		"unknown buyer":      {tokNobody, form, body, http.StatusNotFound, "could not find"},
		"too large":          {tokBuyer1, form, body + "&x=" + strings.Repeat("x", 9000), http.StatusRequestEntityTooLarge, "exceeds"},
	}
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			f := newPrefsFixture(t, httpapi.Config{})
			rec := call(f.handler, "POST", "/unsubscribe?token="+c.token, strings.NewReader(c.body), "Content-Type", c.contentType)
			if rec.Code != c.status || !strings.Contains(rec.Body.String(), c.says) {
				t.Fatalf("%d %q, want %d saying %q", rec.Code, rec.Body, c.status, c.says)
			}
			wantPrivate(t, rec, "text/plain; charset=utf-8")
			if done := f.prefs.prefs("buyer-1").EmailOptOut; done != (c.status == http.StatusOK) {
				t.Fatalf("EmailOptOut = %v after %d", done, rec.Code)
			}
		})
	}
	f := newPrefsFixture(t, httpapi.Config{})
	for range 2 {
		rec := call(f.handler, "POST", "/unsubscribe?token="+tokBuyer1, strings.NewReader("List-Unsubscribe=One-Click"), "Content-Type", form)
		if rec.Code != http.StatusOK {
			t.Fatalf("repeated one-click: %d", rec.Code)
		}
	}
	if f.prefs.writes() != 1 {
		t.Fatalf("%d writes for two one-clicks, want 1", f.prefs.writes())
	}
}

func TestUnsubscribeRoutesOnlyWhenWired(t *testing.T) {
	for name, cfg := range map[string]httpapi.Config{
		"no verifier":    {Orders: brokenOrders{}, Preferences: newPrefsStore(t)},
		"no preferences": {Orders: brokenOrders{}, Unsubscribe: fakeVerifier{}},
	} {
		t.Run(name, func(t *testing.T) {
			h := httpapi.New(cfg)
			decodeError(t, call(h, "GET", "/unsubscribe?token="+tokBuyer1, nil), http.StatusNotFound, "not_found")
			decodeError(t, call(h, "POST", "/unsubscribe?token="+tokBuyer1, strings.NewReader("List-Unsubscribe=One-Click")),
				http.StatusNotFound, "not_found")
		})
	}
}

// TestUnsubscribeWithSigner runs the route with the real unsubscribe.Signer.
func TestUnsubscribeWithSigner(t *testing.T) {
	signer, err := unsubscribe.New([]string{"0123456789abcdef0123456789abcdef-new", "0123456789abcdef0123456789abcdef-old"}, 24*time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	old, _ := unsubscribe.New([]string{"0123456789abcdef0123456789abcdef-old"}, 24*time.Hour)
	stranger, _ := unsubscribe.New([]string{"0123456789abcdef0123456789abcdef-zzz"}, 24*time.Hour)
	f := newPrefsFixture(t, httpapi.Config{Unsubscribe: signer})
	for name, c := range map[string]struct {
		token  string
		status int
		says   string
	}{
		"another key":   {stranger.Token("buyer-1", prefsNow), http.StatusBadRequest, "not valid"},
		"expired":       {signer.Token("buyer-1", prefsNow.Add(-24*time.Hour)), http.StatusBadRequest, "has expired"},
		"unknown buyer": {signer.Token("nobody", prefsNow), http.StatusNotFound, "could not find"},
		"rotated key":   {old.Token("buyer-1", prefsNow.Add(-time.Hour)), http.StatusOK, unsubscribedText},
	} {
		t.Run(name, func(t *testing.T) {
			link, err := url.Parse(unsubscribe.URL("https://api.example.com", c.token))
			if err != nil {
				t.Fatal(err)
			}
			rec := call(f.handler, "POST", link.RequestURI(), strings.NewReader("confirm=unsubscribe"), "Content-Type", formType)
			if rec.Code != c.status || !strings.Contains(rec.Body.String(), c.says) {
				t.Fatalf("%d, want %d saying %q", rec.Code, c.status, c.says)
			}
		})
	}
}

// TestUnsubscribeAndPreferencesLogs: one log line per request, with the buyer id and the
// outcome, and never the token, the buyer's email or phone.
func TestUnsubscribeAndPreferencesLogs(t *testing.T) {
	f := newPrefsFixture(t, httpapi.Config{})
	call(f.handler, "GET", "/unsubscribe?token="+tokBuyer1, nil)
	call(f.handler, "GET", "/unsubscribe?token="+tokForged, nil)
	call(f.handler, "GET", "/unsubscribe?token="+tokExpired, nil)
	call(f.handler, "POST", "/unsubscribe", strings.NewReader(confirmForm(tokBuyer1)), "Content-Type", formType)
	call(f.handler, "POST", "/unsubscribe?token="+tokBuyer1, strings.NewReader("List-Unsubscribe=One-Click"),
		"Content-Type", "application/x-www-form-urlencoded")
	f.prefs.getErr = errSecret
	call(f.handler, "GET", "/unsubscribe?token="+tokBuyer1, nil)
	f.prefs.getErr = nil
	f.put("/v1/buyers/buyer-1/preferences", `{"email_opt_out":false,"sms_opt_out":false,"default":"sms"}`)
	f.put("/v1/buyers/buyer-1/preferences", `{"email_opt_out":"`+buyerEmail+`","sms_opt_out":"`+buyerPhone+`"}`)
	logs := f.logs.String()
	if n := strings.Count(logs, `"msg":"request"`); n != 8 {
		t.Fatalf("%d request lines, want 8:\n%s", n, logs)
	}
	for _, secret := range []string{tokBuyer1, tokForged, tokExpired, "c2lnbmF0dXJl", buyerEmail, buyerPhone, "Ana Souza", token} {
		if strings.Contains(logs, secret) {
			t.Errorf("the log contains %q:\n%s", secret, logs)
		}
	}
	for _, want := range []string{`"route":"GET /unsubscribe"`, `"outcome":"confirmation_shown"`, `"outcome":"unsubscribed"`, `"outcome":"already_unsubscribed"`,
		`"buyer_id":"buyer-1"`, `"code":"unauthorized"`, `"route":"PUT /v1/buyers/{buyer_id}/preferences"`, "secret-internal-detail"} {
		if !strings.Contains(logs, want) {
			t.Errorf("the log lacks %s:\n%s", want, logs)
		}
	}
}
