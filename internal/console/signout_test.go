package console_test

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/orderwire/orderwire/internal/console"
	"github.com/orderwire/orderwire/internal/order"
)

// TestSignOutRevokesACopiedCookie: a copy of the session cookie taken before signing out
// is refused afterwards on every route (GET: 303 to the sign-in page; POST, even with the
// session's own csrf value: 403), up to the cookie's expiry; another session of
// the same token goes on.
func TestSignOutRevokesACopiedCookie(t *testing.T) {
	e := newEnv(t)
	c := e.signedIn()
	other := e.signedIn()
	copied := *c.cookies[console.SessionCookie]
	oldCSRF := csrf(t, c.do("GET", "/console/today", nil).Body.String())
	if rec := c.do("POST", "/console/signout", url.Values{"csrf": {oldCSRF}}); rec.Code != http.StatusSeeOther ||
		rec.Header().Get("Location") != "/console/signin" {
		t.Fatalf("sign out: %d %v", rec.Code, rec.Header())
	}
	thief := e.client()
	thief.cookies[console.SessionCookie] = &copied
	for _, at := range []time.Duration{0, console.SessionTTL - time.Minute} {
		*e.at = now.Add(at)
		for _, path := range getRoutes {
			rec := thief.do("GET", path, nil)
			if rec.Code != http.StatusSeeOther || rec.Header().Get("Location") != "/console/signin" {
				t.Errorf("+%s GET %s with the signed-out cookie: %d %s, want 303 to the sign-in page",
					at, path, rec.Code, rec.Header().Get("Location"))
			}
			if strings.Contains(rec.Body.String(), orderID) {
				t.Errorf("+%s GET %s with the signed-out cookie shows an order", at, path)
			}
		}
		for _, path := range postRoutes {
			form := url.Values{"csrf": {oldCSRF}, "carrier": {"dhl"}, "tracking_number": {"1234567890"}}
			if rec := thief.do("POST", path, form); rec.Code != http.StatusForbidden {
				t.Errorf("+%s POST %s with the signed-out cookie: %d, want 403", at, path, rec.Code)
			}
		}
	}
	*e.at = now
	if rec := other.do("GET", "/console/today", nil); rec.Code != http.StatusOK {
		t.Errorf("another session after one signed out: %d", rec.Code)
	}
	if o, err := e.st.GetOrder(t.Context(), orderID); err != nil || len(o.Shipments) != 1 {
		t.Fatalf("a POST with the signed-out cookie changed the order: %+v %v", o.Shipments, err)
	}
}

// failingSessions is a SessionRevoker whose reads or writes fail.
type failingSessions struct {
	console.SessionRevoker
	failRead, failWrite bool
}

var errStoreDown = errors.New("store down")

func (f *failingSessions) SessionRevoked(ctx context.Context, id string, now time.Time) (bool, error) {
	if f.failRead {
		return false, order.Internal("test.SessionRevoked", errStoreDown)
	}
	return f.SessionRevoker.SessionRevoked(ctx, id, now)
}

func (f *failingSessions) RevokeSession(ctx context.Context, id string, until time.Time) error {
	if f.failWrite {
		return order.Internal("test.RevokeSession", errStoreDown)
	}
	return f.SessionRevoker.RevokeSession(ctx, id, until)
}

// withFailing rebuilds e's console over a failing SessionRevoker, logging into the buffer.
func withFailing(e *env, f *failingSessions) *bytes.Buffer {
	var logs bytes.Buffer
	f.SessionRevoker = e.st
	cfg := e.cfg
	cfg.Sessions, cfg.Logger = f, slog.New(slog.NewTextHandler(&logs, nil))
	e.handler = console.New(cfg)
	return &logs
}

// TestSessionCheckFailsClosed: when the revocation cannot be read, a request with a session
// is refused with 503 and shows nothing; the failure is logged once per request, without
// the cookie.
func TestSessionCheckFailsClosed(t *testing.T) {
	e := newEnv(t)
	c := e.signedIn()
	form := url.Values{"csrf": {csrf(t, c.do("GET", "/console/today", nil).Body.String())}}
	f := &failingSessions{failRead: true}
	logs := withFailing(e, f)
	cookie := c.cookies[console.SessionCookie].Value
	for _, path := range getRoutes {
		rec := c.do("GET", path, nil)
		if rec.Code != http.StatusServiceUnavailable || strings.Contains(rec.Body.String(), orderID) {
			t.Errorf("GET %s while the store fails: %d, want 503 showing no order", path, rec.Code)
		}
	}
	if rec := c.do("POST", "/console/orders/"+orderID+"/shipments", url.Values{"csrf": form["csrf"],
		"carrier": {"dhl"}, "tracking_number": {"1234567890"}}); rec.Code != http.StatusServiceUnavailable {
		t.Errorf("POST while the store fails: %d, want 503", rec.Code)
	}
	if n, want := strings.Count(logs.String(), "console session check failed"), len(getRoutes)+1; n != want {
		t.Errorf("%d log lines for %d refused requests:\n%s", n, want, logs)
	}
	if strings.Contains(logs.String(), cookie) || strings.Contains(logs.String(), cookie[:16]) {
		t.Errorf("the log carries the session cookie:\n%s", logs)
	}
	if o, err := e.st.GetOrder(t.Context(), orderID); err != nil || len(o.Shipments) != 1 {
		t.Fatalf("a POST refused for the store changed the order: %+v %v", o.Shipments, err)
	}
	f.failRead = false
	if rec := c.do("GET", "/console/today", nil); rec.Code != http.StatusOK {
		t.Errorf("once the store is back: %d", rec.Code)
	}
}

// TestSignOutNotRecorded: when the revocation cannot be written, signing out is 503 and
// keeps the cookie (so signing out again retries); once it can, it is refused as usual.
func TestSignOutNotRecorded(t *testing.T) {
	e := newEnv(t)
	c := e.signedIn()
	form := url.Values{"csrf": {csrf(t, c.do("GET", "/console/today", nil).Body.String())}}
	f := &failingSessions{failWrite: true}
	withFailing(e, f)
	rec := c.do("POST", "/console/signout", form)
	if rec.Code != http.StatusServiceUnavailable || c.cookies[console.SessionCookie] == nil {
		t.Fatalf("sign out while the store fails: %d, cookie %v; want 503 and the cookie kept", rec.Code, c.cookies[console.SessionCookie])
	}
	copied := *c.cookies[console.SessionCookie]
	f.failWrite = false
	if rec := c.do("POST", "/console/signout", form); rec.Code != http.StatusSeeOther {
		t.Fatalf("sign out again: %d", rec.Code)
	}
	thief := e.client()
	thief.cookies[console.SessionCookie] = &copied
	if rec := thief.do("GET", "/console/today", nil); rec.Code != http.StatusSeeOther {
		t.Errorf("the copied cookie after the retried sign-out: %d, want 303", rec.Code)
	}
}
