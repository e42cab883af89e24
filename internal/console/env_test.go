package console_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/orderwire/orderwire/internal/console"
	"github.com/orderwire/orderwire/internal/evidencepack"
	"github.com/orderwire/orderwire/internal/memstore"
	"github.com/orderwire/orderwire/internal/order"
	"github.com/orderwire/orderwire/internal/seller"
	"github.com/orderwire/orderwire/internal/store"
)

// The test world, on the in-memory store: what every page test looks at.
const (
	token      = "test-token-0123456789abcdef"
	orderID    = "AE-1001" // paid, disputed (respond by respondBy), one parcel in exception
	unpaidID   = "AE-1002" // awaiting payment, same buyer
	buyerID    = "buyer-1" // named evilName, with the contact details below
	evilName   = "<script>alert(1)</script>"
	email      = "jane.doe@example.com"
	phone      = "+8613812345678"
	parcel     = "RR123456785CN"
	evilPlace  = `<b onmouseover="alert(2)">Shenzhen</b>`
	evilType   = `<img src=x onerror=alert(3)>`
	unfiledID  = "evt_unfiled_1"
	maskedMail = "j***@e***.com"
	maskedTel  = "+86*******5678"
)

var (
	now       = time.Date(2026, 12, 5, 9, 0, 0, 0, time.UTC)
	respondBy = time.Date(2026, 12, 12, 23, 59, 0, 0, time.UTC)
)

// recordingLister is the store's ListOrders, remembering the last query.
type recordingLister struct {
	console.Lister
	last store.OrderQuery
}

func (r *recordingLister) ListOrders(ctx context.Context, q store.OrderQuery) (store.OrderPage, error) {
	r.last = q
	return r.Lister.ListOrders(ctx, q)
}

type env struct {
	t       *testing.T
	st      *memstore.Store
	cfg     console.Config
	handler http.Handler
	at      *time.Time // the console's clock reads it
}

// newEnv builds the world: orderID paid by Stripe, disputed, shipped with a parcel in
// exception whose checkpoint is HTML; unpaidID; an unfiled event whose type is HTML; the
// payment_received message sent by email.
func newEnv(t *testing.T) *env {
	t.Helper()
	ctx := context.Background()
	st, err := memstore.New(memstore.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = st.Close() })
	at := now
	clock := func() time.Time { return at }
	svc := &seller.Service{Orders: st, Now: clock}
	buyer := order.Buyer{ID: buyerID, Name: evilName, Email: email, Phone: phone, Locale: "en", TimeZone: "Asia/Shanghai", Country: "CN"}
	for _, id := range []string{orderID, unpaidID} {
		if _, _, err := svc.PutOrder(ctx, id, order.Terms{Buyer: buyer, AmountMinor: 12990, Currency: "USD",
			PaymentDueAt: now.Add(72 * time.Hour), CreatedAt: now.Add(-48 * time.Hour)}); err != nil {
			t.Fatal(err)
		}
	}
	record := func(ev order.Event) {
		t.Helper()
		ev.Source, ev.ReceivedAt = "stripe", ev.OccurredAt.Add(time.Second)
		if _, err := st.RecordEvent(ctx, ev, order.Evidence{Body: []byte(`{"id":"` + ev.EventID + `"}`),
			Headers: map[string]string{"content-type": "application/json"}}); err != nil {
			t.Fatal(err)
		}
	}
	record(order.Event{EventID: "evt_paid", Type: "payment_intent.succeeded", Kind: order.KindPaymentSucceeded,
		OrderID: orderID, OccurredAt: now.Add(-47 * time.Hour), AmountMinor: 12990, Currency: "USD", PaymentRef: "pi_1"})
	record(order.Event{EventID: "evt_dispute", Type: "charge.dispute.created", Kind: order.KindDisputeOpened,
		OrderID: orderID, OccurredAt: now.Add(-2 * time.Hour), AmountMinor: 12990, Currency: "USD", PaymentRef: "pi_1",
		DisputeID: "dp_1", DisputeStatus: order.DisputeNeedsResponse, DisputeReason: "product_not_received", RespondBy: respondBy})
	record(order.Event{EventID: unfiledID, Type: evilType, Kind: order.KindPaymentSucceeded,
		OrderID: "AE-9999", OccurredAt: now.Add(-time.Hour), AmountMinor: 500, Currency: "USD", PaymentRef: "pi_9"})
	if _, _, err := svc.AddShipment(ctx, orderID, seller.ShipmentInput{Carrier: "china-post", TrackingNumber: parcel,
		Service: order.ServicePostal, ShippedAt: now.Add(-40 * time.Hour)}); err != nil {
		t.Fatal(err)
	}
	if _, err := st.RecordTrackingEvent(ctx, order.TrackingEvent{Source: "aftership", EventID: "trk_1", Type: "tracking_update",
		TrackingNumber: parcel, Carrier: "china-post", Status: order.ShipmentException, ProviderStatus: "Exception",
		OccurredAt: now.Add(-3 * time.Hour), ReceivedAt: now.Add(-3 * time.Hour),
		Checkpoints: []order.Checkpoint{{At: now.Add(-3 * time.Hour), Location: evilPlace, Message: "Held by customs", Status: "Exception_011"}},
	}, order.Evidence{Body: []byte(`{}`)}); err != nil {
		t.Fatal(err)
	}
	deliverFirstRow(t, st, orderID)
	packs := &evidencepack.Packer{Source: st, Now: clock}
	cfg := console.Config{Orders: svc, List: &recordingLister{Lister: st},
		Messages: packs, Unfiled: st, Buyers: st, Evidence: packs, Sessions: st, Tokens: []string{"other-token", token},
		TimeZone: time.UTC, Now: clock}
	return &env{t: t, st: st, cfg: cfg, handler: console.New(cfg), at: &at}
}

// deliverFirstRow records the order's first buyer outbox row as sent by email, as the
// notifier does (claim, then finish with the channel's result).
func deliverFirstRow(t *testing.T, st store.Store, id string) {
	t.Helper()
	ctx := context.Background()
	rows, err := st.Notifications(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range rows {
		if r.Kind != order.NotifyPaymentReceived {
			continue
		}
		n, err := st.ClaimNotification(ctx, r.Ref(), "test-notifier", now, time.Minute)
		if err != nil {
			t.Fatal(err)
		}
		n.Status, n.UpdatedAt = order.NotificationSent, now
		n.Deliveries = []order.Delivery{{Channel: "email", Status: order.NotificationSent, MessageID: "ses-1", At: now}}
		if err := st.FinishNotification(ctx, n); err != nil {
			t.Fatal(err)
		}
		return
	}
	t.Fatalf("no payment_received row for %s: %+v", id, rows)
}

// client is a browser: cookies kept per path as a browser would (the tests are http).
type client struct {
	e       *env
	cookies map[string]*http.Cookie
	header  http.Header
}

func (e *env) client() *client {
	return &client{e: e, cookies: map[string]*http.Cookie{}, header: http.Header{}}
}

func (c *client) do(method, target string, form url.Values) *httptest.ResponseRecorder {
	c.e.t.Helper()
	var req *http.Request
	if form != nil {
		req = httptest.NewRequest(method, target, strings.NewReader(form.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	} else {
		req = httptest.NewRequest(method, target, nil)
	}
	for k, v := range c.header {
		req.Header[k] = v
	}
	for _, ck := range c.cookies {
		req.AddCookie(ck)
	}
	rec := httptest.NewRecorder()
	c.e.handler.ServeHTTP(rec, req)
	for _, ck := range rec.Result().Cookies() {
		if ck.MaxAge < 0 {
			delete(c.cookies, ck.Name)
		} else {
			c.cookies[ck.Name] = ck
		}
	}
	return rec
}

var csrfField = regexp.MustCompile(`name="csrf" value="([^"]+)"`)

// csrf is the csrf value of the first form of a page.
func csrf(t *testing.T, body string) string {
	t.Helper()
	m := csrfField.FindStringSubmatch(body)
	if m == nil {
		t.Fatalf("no csrf field in:\n%s", body)
	}
	return m[1]
}

// signIn signs c in with tok and returns the response of the POST.
func (c *client) signIn(tok string) *httptest.ResponseRecorder {
	c.e.t.Helper()
	page := c.do("GET", "/console/signin", nil)
	return c.do("POST", "/console/signin", url.Values{"token": {tok}, "csrf": {csrf(c.e.t, page.Body.String())}})
}

// signedIn is a client with a session.
func (e *env) signedIn() *client {
	e.t.Helper()
	c := e.client()
	if rec := c.signIn(token); rec.Code != http.StatusSeeOther || rec.Header().Get("Location") != "/console/today" {
		e.t.Fatalf("sign in: %d %s", rec.Code, rec.Body)
	}
	return c
}
