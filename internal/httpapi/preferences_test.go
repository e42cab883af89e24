package httpapi_test

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/orderwire/orderwire/internal/httpapi"
	"github.com/orderwire/orderwire/internal/memstore"
	"github.com/orderwire/orderwire/internal/order"
	"github.com/orderwire/orderwire/internal/reminder"
	"github.com/orderwire/orderwire/internal/seller"
)

var prefsNow = time.Date(2026, 11, 22, 9, 30, 0, 0, time.UTC)

// The contact details of the fake buyer: they must never reach a log or an answer.
const (
	buyerEmail = "ana.souza@example.com"
	buyerPhone = "+5511912345678"
)

// prefsStore is the PreferenceStore of these tests: a real store (internal/memstore)
// holding buyer-1, written as the application writes a buyer (SaveOrder with an order of
// theirs, then SetPreferences), that counts the SetPreferences calls reaching it. getErr
// and setErr, when set, fail every call instead (fault injection: set them between
// requests).
type prefsStore struct {
	*memstore.Store
	mu     sync.Mutex
	sets   int
	getErr error
	setErr error
}

func newPrefsStore(tb testing.TB) *prefsStore {
	tb.Helper()
	st, err := memstore.New(memstore.Options{})
	if err != nil {
		tb.Fatal(err)
	}
	b := order.Buyer{ID: "buyer-1", Name: "Ana Souza", Email: buyerEmail, Phone: buyerPhone, Locale: "pt-BR",
		TimeZone: "America/Sao_Paulo", Country: "BR"}
	o, err := order.New("ord-prefs-1", order.Terms{Buyer: b, AmountMinor: 4990, Currency: "BRL",
		PaymentDueAt: prefsNow.Add(72 * time.Hour), CreatedAt: prefsNow.Add(-time.Hour)}, prefsNow.Add(-time.Hour))
	if err != nil {
		tb.Fatal(err)
	}
	ctx := context.Background()
	if err := st.SaveOrder(ctx, o, b); err != nil {
		tb.Fatal(err)
	}
	if err := st.SetPreferences(ctx, b.ID, order.Preferences{Default: order.ChannelsBoth, SMSOptOut: true,
		ByKind: map[order.NotificationKind]order.ChannelChoice{order.NotifyPaymentReminder: order.ChannelsSMS}}); err != nil {
		tb.Fatal(err)
	}
	return &prefsStore{Store: st}
}

func (f *prefsStore) GetBuyer(ctx context.Context, id string) (order.Buyer, error) {
	if f.getErr != nil {
		return order.Buyer{}, f.getErr
	}
	return f.Store.GetBuyer(ctx, id)
}

func (f *prefsStore) SetPreferences(ctx context.Context, id string, p order.Preferences) error {
	if f.setErr != nil {
		return f.setErr
	}
	err := f.Store.SetPreferences(ctx, id, p)
	if err == nil {
		f.mu.Lock()
		f.sets++
		f.mu.Unlock()
	}
	return err
}

// prefs returns buyer id's stored preferences (zero for an unknown buyer).
func (f *prefsStore) prefs(id string) order.Preferences {
	b, err := f.Store.GetBuyer(context.Background(), id)
	if err != nil {
		return order.Preferences{}
	}
	return b.Preferences
}

// writes is how many SetPreferences calls the store accepted.
func (f *prefsStore) writes() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.sets
}

// prefsFixture is the API over prefsStore (a real in-memory store), with a fake
// unsubscribe verifier, and its JSON log.
type prefsFixture struct {
	handler http.Handler
	prefs   *prefsStore
	logs    *bytes.Buffer
}

func newPrefsFixture(t *testing.T, cfg httpapi.Config) *prefsFixture {
	t.Helper()
	f := &prefsFixture{prefs: newPrefsStore(t), logs: &bytes.Buffer{}}
	if cfg.Orders == nil {
		cfg.Orders = brokenOrders{}
	}
	if cfg.Preferences == nil {
		cfg.Preferences = f.prefs
	}
	if cfg.Unsubscribe == nil {
		cfg.Unsubscribe = fakeVerifier{}
	}
	cfg.Tokens = []string{token}
	cfg.Now = func() time.Time { return prefsNow }
	cfg.Logger = slog.New(slog.NewJSONHandler(f.logs, nil))
	f.handler = httpapi.New(cfg)
	return f
}

// call sends a request without credentials unless headers add them.
func call(h http.Handler, method, target string, body io.Reader, header ...string) *httptest.ResponseRecorder {
	req := httptest.NewRequest(method, target, body)
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return rec
}

func (f *prefsFixture) put(path, body string) *httptest.ResponseRecorder {
	return call(f.handler, "PUT", path, strings.NewReader(body), "Authorization", "Bearer "+token)
}

func TestPutPreferences(t *testing.T) {
	f := newPrefsFixture(t, httpapi.Config{})
	rec := f.put("/v1/buyers/buyer-1/preferences", `{"default":"email","by_kind":{"payment_reminder":"sms",
	  "shipment_delivered":"none","payment_received":"both","shipment_shipped":""},"email_opt_out":false,"sms_opt_out":true}`)
	if rec.Code != http.StatusOK || rec.Header().Get("Content-Type") != "application/json; charset=utf-8" {
		t.Fatalf("PUT: %d %v %s", rec.Code, rec.Header(), rec.Body)
	}
	want := `{"default":"email","by_kind":{"payment_received":"both","payment_reminder":"sms","shipment_delivered":"none"},"email_opt_out":false,"sms_opt_out":true}`
	if got := strings.TrimSpace(rec.Body.String()); got != want {
		t.Fatalf("body\n got %s\nwant %s", got, want)
	}
	p := f.prefs.prefs("buyer-1")
	if p.Default != order.ChannelsEmail || len(p.ByKind) != 3 || p.ByKind[order.NotifyShipmentDelivered] != order.ChannelsNone ||
		p.EmailOptOut || !p.SMSOptOut || p.UpdatedBy != "seller" || !p.UpdatedAt.Equal(prefsNow) {
		t.Fatalf("stored %+v", p)
	}
	// Leaving default and by_kind out resets them; the answer's by_kind is {} and not null.
	rec = f.put("/v1/buyers/buyer-1/preferences", `{"email_opt_out":true,"sms_opt_out":false,"by_kind":null}`)
	want = `{"default":"","by_kind":{},"email_opt_out":true,"sms_opt_out":false}`
	if got := strings.TrimSpace(rec.Body.String()); rec.Code != http.StatusOK || got != want {
		t.Fatalf("reset: %d %s", rec.Code, got)
	}
	if p := f.prefs.prefs("buyer-1"); p.Default != "" || p.ByKind != nil || !p.EmailOptOut {
		t.Fatalf("stored after reset %+v", p)
	}
}

func TestPutPreferencesListsEveryBadField(t *testing.T) {
	f := newPrefsFixture(t, httpapi.Config{})
	body := `{"default":"sometimes","by_kind":{"payment_reminder":5,"made_up":"sms","payment_received":"none",
	  "order_terminated":"none","shipment_shipped":"fax","shipment_delivered":"email"},"email_opt_out":"yes","colour":"red"}`
	e := decodeError(t, f.put("/v1/buyers/bad%20id/preferences", body), http.StatusBadRequest, "invalid")
	var fields []string
	for k := range e.Error.Fields {
		fields = append(fields, k)
	}
	sort.Strings(fields)
	want := "buyer_id by_kind.made_up by_kind.order_terminated by_kind.payment_received by_kind.payment_reminder " +
		"by_kind.shipment_shipped colour default email_opt_out sms_opt_out"
	if strings.Join(fields, " ") != want {
		t.Fatalf("fields = %v\nwant %s", fields, want)
	}
	for field, reason := range map[string]string{
		"colour": "unknown field", "sms_opt_out": "is required", "by_kind.made_up": "unknown notification kind",
		"by_kind.payment_received": "a transactional message cannot be turned off",
		"by_kind.payment_reminder": "must be one of email, sms, both, none", "email_opt_out": "must be true or false",
	} {
		if e.Error.Fields[field] != reason {
			t.Errorf("%s: %q, want %q", field, e.Error.Fields[field], reason)
		}
	}
	if f.prefs.writes() != 0 {
		t.Fatal("an invalid request was stored")
	}
}

func TestPutPreferencesBadBodies(t *testing.T) {
	f := newPrefsFixture(t, httpapi.Config{})
	for name, body := range map[string]string{
		"empty": "", "not JSON": `{"default":`, "array": `[]`, "null": `null`, "two objects": `{}{}`,
		"by_kind not an object": `{"by_kind":["sms"],"email_opt_out":false,"sms_opt_out":false}`,
	} {
		t.Run(name, func(t *testing.T) {
			decodeError(t, f.put("/v1/buyers/buyer-1/preferences", body), http.StatusBadRequest, "invalid")
		})
	}
	big := `{"default":"` + strings.Repeat("x", httpapi.MaxPreferencesBodyBytes) + `"}`
	decodeError(t, f.put("/v1/buyers/buyer-1/preferences", big), http.StatusRequestEntityTooLarge, "too_large")
	if f.prefs.writes() != 0 {
		t.Fatal("a bad request was stored")
	}
}

func TestPutPreferencesStatuses(t *testing.T) {
	f := newPrefsFixture(t, httpapi.Config{})
	const ok = `{"email_opt_out":false,"sms_opt_out":false}`
	decodeError(t, f.put("/v1/buyers/nobody/preferences", ok), http.StatusNotFound, "not_found")

	rec := call(f.handler, "PUT", "/v1/buyers/buyer-1/preferences", strings.NewReader(ok), "Authorization", "Bearer wrong")
	decodeError(t, rec, http.StatusUnauthorized, "unauthorized")
	decodeError(t, call(f.handler, "PUT", "/v1/buyers/buyer-1/preferences", strings.NewReader(ok)), http.StatusUnauthorized, "unauthorized")
	if f.prefs.writes() != 0 {
		t.Fatal("an unauthenticated request was stored")
	}

	f.prefs.setErr = order.Internal("fake.SetPreferences", errSecret)
	rec = f.put("/v1/buyers/buyer-1/preferences", ok)
	decodeError(t, rec, http.StatusInternalServerError, "internal")
	if strings.Contains(rec.Body.String(), "secret-internal-detail") {
		t.Fatalf("internal cause leaked: %s", rec.Body)
	}

	// Without Config.Preferences the route does not exist.
	h := httpapi.New(httpapi.Config{Orders: brokenOrders{}, Tokens: []string{token}})
	decodeError(t, call(h, "PUT", "/v1/buyers/buyer-1/preferences", strings.NewReader(ok), "Authorization", "Bearer "+token),
		http.StatusNotFound, "not_found")
}

// profileOrders answers BuyerProfile with the profile it holds.
type profileOrders struct {
	brokenOrders
	profile seller.BuyerProfile
}

func (o profileOrders) BuyerProfile(context.Context, string) (seller.BuyerProfile, error) {
	return o.profile, nil
}

func TestBuyerProfileShowsPreferences(t *testing.T) {
	p := seller.BuyerProfile{Buyer: order.Buyer{ID: "buyer-1", Name: "A***", Email: "a***@example.com"},
		Rating: reminder.Rating{Tier: "standard"}}
	for name, c := range map[string]struct {
		prefs order.Preferences
		want  string
	}{
		"never set": {order.Preferences{}, `{"by_kind":{},"default":"","email_opt_out":false,"sms_opt_out":false}`},
		"set": {order.Preferences{Default: order.ChannelsSMS, EmailOptOut: true, UpdatedBy: "buyer", UpdatedAt: prefsNow,
			ByKind: map[order.NotificationKind]order.ChannelChoice{order.NotifyShipmentShipped: order.ChannelsBoth}},
			`{"by_kind":{"shipment_shipped":"both"},"default":"sms","email_opt_out":true,"sms_opt_out":false}`},
	} { // want: keys sorted, as the decoded answer re-marshals
		t.Run(name, func(t *testing.T) {
			p.Buyer.Preferences = c.prefs
			h := httpapi.New(httpapi.Config{Orders: profileOrders{profile: p}, Tokens: []string{token}})
			rec := call(h, "GET", "/v1/buyers/buyer-1", nil, "Authorization", "Bearer "+token)
			got := decodeJSON(t, rec)
			if rec.Code != http.StatusOK || mustJSON(t, got["preferences"]) != c.want {
				t.Fatalf("%d preferences = %s, want %s", rec.Code, mustJSON(t, got["preferences"]), c.want)
			}
		})
	}
}

// TestBuyerProfileShowsEmailFeedback: email_feedback says whether the buyer's email is
// suppressed, why and since when, and counts soft bounces.
func TestBuyerProfileShowsEmailFeedback(t *testing.T) {
	p := seller.BuyerProfile{Buyer: order.Buyer{ID: "buyer-1", Name: "A***", Email: "a***@example.com"},
		Rating: reminder.Rating{Tier: "standard"}}
	for name, c := range map[string]struct {
		feedback order.EmailFeedback
		want     string
	}{
		"none":        {order.EmailFeedback{}, `{"soft_bounces":0,"suppressed":false}`},
		"soft bounce": {order.EmailFeedback{SoftBounces: 2}, `{"soft_bounces":2,"suppressed":false}`},
		"hard bounce": {order.EmailFeedback{SuppressedReason: order.SuppressHardBounce, SuppressedAt: prefsNow, SoftBounces: 1},
			`{"soft_bounces":1,"suppressed":true,"suppressed_at":"` + prefsNow.UTC().Format(time.RFC3339Nano) + `","suppressed_reason":"hard_bounce"}`},
	} { // want: keys sorted, as the decoded answer re-marshals
		t.Run(name, func(t *testing.T) {
			p.Buyer.EmailFeedback = c.feedback
			h := httpapi.New(httpapi.Config{Orders: profileOrders{profile: p}, Tokens: []string{token}})
			rec := call(h, "GET", "/v1/buyers/buyer-1", nil, "Authorization", "Bearer "+token)
			got := decodeJSON(t, rec)
			if rec.Code != http.StatusOK || mustJSON(t, got["email_feedback"]) != c.want {
				t.Fatalf("%d email_feedback = %s, want %s", rec.Code, mustJSON(t, got["email_feedback"]), c.want)
			}
		})
	}
}
