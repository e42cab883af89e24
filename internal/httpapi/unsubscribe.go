package httpapi

import (
	"bytes"
	"context"
	"errors"
	"html/template"
	"mime"
	"mime/multipart"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/orderwire/orderwire/internal/order"
	"github.com/orderwire/orderwire/internal/unsubscribe"
)

// TokenVerifier checks the token of an unsubscribe link (unsubscribe.Signer satisfies it).
// Verify returns the buyer id the token names, or an *order.Error: CodeInvalid or
// CodeUnauthorized for a token that is not genuine, and an error wrapping
// unsubscribe.ErrExpired for a genuine one that has expired.
type TokenVerifier interface {
	Verify(token string, now time.Time) (string, error)
}

// maxOneClickBytes bounds the body of a POST /unsubscribe: the one-click form (RFC 8058) or
// the confirmation page's form, each a field or two.
const maxOneClickBytes = 8 << 10

// The outcomes an unsubscribe writes on its log line.
const (
	outcomeUnsubscribed = "unsubscribed"
	outcomeAlready      = "already_unsubscribed"
	outcomeAsked        = "confirmation_shown" // GET or HEAD: the token was verified, nothing changed
)

// The confirmation page's form: its button posts confirmField=confirmValue, with the token
// in tokenField (and in the URL, which the form posts back to).
const (
	confirmField = "confirm"
	confirmValue = "unsubscribe"
	tokenField   = "token"
)

const unsubscribedMessage = "You have been unsubscribed from payment reminders and shipment updates by email. " +
	"You will still receive essential messages such as payment confirmations."

// unsubscribePage serves GET (and HEAD) /unsubscribe?token=...: the link in a buyer's email.
// It changes nothing, because mail scanners and link previewers fetch links nobody clicked:
// for a genuine token it answers 200 with a page asking the buyer to confirm, whose button
// posts the form back (see unsubscribePost); a buyer already unsubscribed is told so, without
// a button. 400 for a missing, malformed, forged or expired token (the page says which of
// expired or not valid); 404 for a buyer that no longer exists; 500 when the store fails.
// The token is the credential (no bearer token) and is never logged: the request log line
// carries the route pattern, not the URL.
func (a *api) unsubscribePage(w http.ResponseWriter, r *http.Request) {
	token := r.URL.Query().Get(tokenField)
	id, outcome, err := a.optOut(r.Context(), token, false)
	annotateOptOut(w, id, outcome)
	switch {
	case err != nil:
		status, msg := unsubscribeFailure(w, err)
		writePage(w, status, page{Title: "Unsubscribe", Message: msg})
	case outcome == outcomeAlready:
		writePage(w, http.StatusOK, page{Title: "Already unsubscribed",
			Message: "You are already unsubscribed from payment reminders and shipment updates by email."})
	default:
		writePage(w, http.StatusOK, page{Title: "Unsubscribe from these emails?", Token: token,
			Message: "Press the button to stop payment reminders and shipment updates by email. " +
				"You will still receive essential messages such as payment confirmations."})
	}
}

// unsubscribePost serves POST /unsubscribe?token=..., which turns the buyer's email off
// (EmailOptOut, the other choices kept, UpdatedBy "buyer"); a second time is 200 again and
// writes nothing. Two bodies (urlencoded, or multipart) are accepted:
//
//   - List-Unsubscribe=One-Click: the RFC 8058 one-click unsubscribe a mail client sends for
//     the List-Unsubscribe header, the token in the URL; answered in plain text.
//   - confirm=unsubscribe: the confirmation page's button, the token in the form's token
//     field (or else in the URL); answered with an HTML page.
//
// Status codes as for the GET; a body that is neither is 400, one over 8 KiB 413.
func (a *api) unsubscribePost(w http.ResponseWriter, r *http.Request) {
	const op = "httpapi.unsubscribePost"
	body, err := readRawBody(w, r, maxOneClickBytes)
	var form url.Values
	if err == nil {
		form = unsubscribeForm(r.Header.Get("Content-Type"), body)
		if !isOneClick(form) && !isConfirmation(form) {
			err = order.Errorf(order.CodeInvalid, op, "the body must be List-Unsubscribe=One-Click, or the confirmation page's form")
		}
	}
	if err != nil {
		noteError(w, err)
		var e *order.Error
		status, msg := http.StatusInternalServerError, "internal error"
		if errors.As(err, &e) && statusOf[e.Code] != 0 && e.Code != order.CodeInternal {
			status, msg = statusOf[e.Code], e.Message
		}
		writeText(w, status, msg)
		return
	}
	if isOneClick(form) {
		id, outcome, err := a.optOut(r.Context(), r.URL.Query().Get(tokenField), true)
		annotateOptOut(w, id, outcome)
		if err != nil {
			status, msg := unsubscribeFailure(w, err)
			writeText(w, status, msg)
			return
		}
		writeText(w, http.StatusOK, "Unsubscribed from payment reminders and shipment updates by email.")
		return
	}
	token := form.Get(tokenField)
	if token == "" {
		token = r.URL.Query().Get(tokenField)
	}
	id, outcome, err := a.optOut(r.Context(), token, true)
	annotateOptOut(w, id, outcome)
	if err != nil {
		status, msg := unsubscribeFailure(w, err)
		writePage(w, status, page{Title: "Unsubscribe", Message: msg})
		return
	}
	writePage(w, http.StatusOK, page{Title: "Unsubscribed", Message: unsubscribedMessage})
}

// optOut verifies token and, when write is set, turns the buyer's email off. It returns the
// buyer id and what it did (outcomeAsked when write is not set and the buyer is still
// subscribed).
func (a *api) optOut(ctx context.Context, token string, write bool) (string, string, error) {
	const op = "httpapi.optOut"
	if token == "" {
		return "", "", order.Errorf(order.CodeInvalid, op, "link not valid")
	}
	now := a.now()
	id, err := a.verifier.Verify(token, now)
	if err != nil {
		return "", "", err
	}
	b, err := a.prefs.GetBuyer(ctx, id)
	switch {
	case err != nil:
		return id, "", err
	case b.Preferences.EmailOptOut:
		return id, outcomeAlready, nil
	case !write:
		return id, outcomeAsked, nil
	}
	p := b.Preferences
	p.EmailOptOut, p.UpdatedBy, p.UpdatedAt = true, updatedByBuyer, now.UTC()
	if err := a.prefs.SetPreferences(ctx, id, p); err != nil {
		return id, "", err
	}
	return id, outcomeUnsubscribed, nil
}

// annotateOptOut puts the buyer id (once the token named one) and the outcome on the
// request's log line.
func annotateOptOut(w http.ResponseWriter, id, outcome string) {
	if id != "" {
		annotate(w, "buyer_id", id)
	}
	if outcome != "" {
		annotate(w, "outcome", outcome)
	}
}

// unsubscribeFailure hands err to the request's log line, with why the unsubscribe failed,
// and returns the status and the buyer-facing sentence. A bad token is 400 whatever its
// code: the buyer has no other credential to offer.
func unsubscribeFailure(w http.ResponseWriter, err error) (int, string) {
	noteError(w, err)
	code := order.ErrorCode(err)
	switch {
	case errors.Is(err, unsubscribe.ErrExpired):
		annotate(w, "outcome", "link_expired")
		return http.StatusBadRequest, "This unsubscribe link has expired. Please use the link in a more recent message."
	case code == order.CodeUnauthorized || code == order.CodeInvalid:
		annotate(w, "outcome", "link_not_valid")
		return http.StatusBadRequest, "This unsubscribe link is not valid. Please use the link exactly as it appears in the message."
	case code == order.CodeNotFound:
		annotate(w, "outcome", "unknown_buyer")
		return http.StatusNotFound, "We could not find the subscription this link belongs to."
	}
	return http.StatusInternalServerError, "Something went wrong on our side. Please try again later."
}

// unsubscribeForm parses body, of the given Content-Type, as a form: multipart/form-data
// when the type says so, urlencoded otherwise. A body that does not parse is an empty form.
func unsubscribeForm(contentType string, body []byte) url.Values {
	mt, params, err := mime.ParseMediaType(contentType)
	if err == nil && mt == "multipart/form-data" {
		form, err := multipart.NewReader(bytes.NewReader(body), params["boundary"]).ReadForm(maxOneClickBytes)
		if err != nil {
			return url.Values{}
		}
		defer func() { _ = form.RemoveAll() }()
		return form.Value
	}
	values, err := url.ParseQuery(string(body))
	if err != nil {
		return url.Values{}
	}
	return values
}

// isOneClick reports whether form is the RFC 8058 List-Unsubscribe=One-Click.
func isOneClick(form url.Values) bool {
	for _, v := range form["List-Unsubscribe"] {
		if strings.TrimSpace(v) == "One-Click" {
			return true
		}
	}
	return false
}

// isConfirmation reports whether form is the confirmation page's button.
func isConfirmation(form url.Values) bool {
	return form.Get(confirmField) == confirmValue
}

// noteError hands err to the request's log line, as writeError does, for answers that are
// not JSON.
func noteError(w http.ResponseWriter, err error) {
	if rec, ok := w.(*statusRecorder); ok {
		rec.err = err
	}
}

// setPrivate marks an answer to a URL that carries a credential: never cached, never sent
// on as a Referer, never indexed.
func setPrivate(h http.Header) {
	h.Set("Cache-Control", "no-store")
	h.Set("Referrer-Policy", "no-referrer")
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("X-Robots-Tag", "noindex")
}

var pageTemplate = template.Must(template.New("page").Parse(`<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex">
<title>{{.Title}}</title>
<style>body{font-family:system-ui,sans-serif;max-width:32rem;margin:4rem auto;padding:0 1rem;line-height:1.5;color:#222}button{font:inherit;padding:.5rem 1.5rem}</style>
</head>
<body>
<main>
<h1>{{.Title}}</h1>
<p>{{.Message}}</p>
{{- if .Token}}
<form method="post">
<input type="hidden" name="token" value="{{.Token}}">
<button type="submit" name="confirm" value="unsubscribe">Unsubscribe</button>
</form>
{{- end}}
</main>
</body>
</html>
`))

// page is what writePage shows: a title, a sentence, and with Token the confirmation form
// (posted back to the page's own URL), all inside the page's one <main> landmark.
type page struct{ Title, Message, Token string }

// writePage answers a self-contained HTML page: no script, no outside resource (the
// Content-Security-Policy allows only the inline style, and forms posting to this origin),
// no caching, no Referer.
func writePage(w http.ResponseWriter, status int, p page) {
	var buf bytes.Buffer
	if err := pageTemplate.Execute(&buf, p); err != nil {
		status = http.StatusInternalServerError
		buf.Reset()
		buf.WriteString("<!DOCTYPE html><html lang=\"en\"><title>Error</title><main><p>Something went wrong.</p></main></html>\n")
	}
	h := w.Header()
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Set("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'")
	setPrivate(h)
	w.WriteHeader(status)
	_, _ = w.Write(buf.Bytes())
}

// writeText answers one line of plain text.
func writeText(w http.ResponseWriter, status int, line string) {
	h := w.Header()
	h.Set("Content-Type", "text/plain; charset=utf-8")
	setPrivate(h)
	w.WriteHeader(status)
	_, _ = w.Write([]byte(line + "\n"))
}
