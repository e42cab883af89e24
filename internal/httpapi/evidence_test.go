package httpapi_test

import (
	"archive/zip"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"maps"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/orderwire/orderwire/internal/evidencepack"
	"github.com/orderwire/orderwire/internal/httpapi"
	"github.com/orderwire/orderwire/internal/order"
	"github.com/orderwire/orderwire/internal/seller"
	"github.com/orderwire/orderwire/internal/store"
)

// TestEvidencePackRoute walks one order through the routes on both stores — a Stripe
// payment (payment_intent.succeeded), a parcel, AfterShip's delivered update and a Stripe
// dispute naming only the charge, then the payment_received message delivered by email —
// and downloads GET /v1/orders/ORD-1001/evidence: a zip whose manifest verifies, whose
// events/ bodies are the bytes the providers delivered, and whose submit/stripe.json holds
// the tracking number and carrier. Without the bearer token it is 401, for an unknown order
// 404, for an unknown language 400.
func TestEvidencePackRoute(t *testing.T) { onBothStores(t, testEvidencePackRoute) }

func testEvidencePackRoute(t *testing.T, st store.Store) {
	h := newScenarioHarness(t, st)
	clock := func() time.Time { return scNow }
	h.handler = httpapi.New(httpapi.Config{
		Orders: &seller.Service{Orders: st, Now: clock}, Tokens: []string{token},
		Payments: h.payments, Events: st, Carriers: h.carriers, Tracking: st, Now: clock,
		Evidence: &evidencepack.Packer{Source: st, Now: clock},
		Logger:   slog.New(slog.NewJSONHandler(h.logs, nil)),
	})
	h.register(t, "ORD-1001", 4999, "USD")
	delivered := []signedEvent{h.stripe(t, "payment_intent.succeeded.json")}
	h.post(t, delivered[0])
	if rec := h.do("POST", "/v1/orders/ORD-1001/shipments",
		`{"carrier":"china-post","tracking_number":"RR123456785CN","service":"postal","shipped_at":"2026-02-10T09:00:00Z"}`); rec.Code != http.StatusCreated {
		t.Fatalf("shipment: %d %s", rec.Code, rec.Body)
	}
	dispute := h.stripe(t, "charge.dispute.created.no_metadata.json")
	signedWith := dispute.d.header
	dispute.d = withNoise(dispute.d) // a proxy's forwarding headers and cookies: not evidence
	for _, e := range []signedEvent{h.aftership(t, "tracking_update_delivered.json"), dispute} {
		h.post(t, e)
		delivered = append(delivered, e)
	}
	if o := h.order(t, "ORD-1001"); o["status"] != "delivered" || o["dispute"] != "open" {
		t.Fatalf("order before the pack: status %v dispute %v", o["status"], o["dispute"])
	}
	deliverFirstRow(t, st, "ORD-1001")

	rec := h.do("GET", "/v1/orders/ORD-1001/evidence", "")
	if rec.Code != http.StatusOK || rec.Header().Get("Content-Type") != "application/zip" ||
		!strings.Contains(rec.Header().Get("Content-Disposition"), `filename="orderwire-evidence-ORD-1001.zip"`) {
		t.Fatalf("GET evidence: %d %v", rec.Code, rec.Header())
	}
	pack := rec.Body.Bytes()
	m, err := evidencepack.Verify(bytes.NewReader(pack), int64(len(pack)))
	if err != nil {
		t.Fatal(err)
	}
	got := unzip(t, pack)
	bodies, headers := map[string][]byte{}, map[string]map[string]string{}
	for _, ev := range m.Events {
		bodies[ev.Provider+"/"+ev.EventID] = got[ev.Body]
		var h map[string]string
		if err := json.Unmarshal(got[ev.Headers], &h); err != nil {
			t.Fatalf("%s: %v", ev.Headers, err)
		}
		headers[ev.Provider+"/"+ev.EventID] = h
	}
	// The dispute's headers.json proves the delivery: its Stripe-Signature, Content-Type and
	// User-Agent, and nothing of what the proxies added.
	want := map[string]string{"stripe-signature": signedWith.Get("Stripe-Signature"),
		"content-type": signedWith.Get("Content-Type"), "user-agent": "Provider-Webhooks/1.0"}
	if h := headers["stripe/"+dispute.id]; !maps.Equal(h, want) || want["stripe-signature"] == "" {
		t.Errorf("headers.json of the dispute = %v, want %v", h, want)
	}
	for _, e := range delivered {
		if b, ok := bodies[e.provider+"/"+e.id]; !ok || !bytes.Equal(b, e.d.body) {
			t.Errorf("events/ body of %s %s is not the delivered bytes (found %v)", e.provider, e.id, ok)
		}
	}
	var stripe struct {
		Evidence map[string]string `json:"evidence"`
	}
	if err := json.Unmarshal(got["submit/stripe.json"], &stripe); err != nil {
		t.Fatalf("submit/stripe.json: %v", err)
	}
	if stripe.Evidence["shipping_tracking_number"] != "RR123456785CN" || stripe.Evidence["shipping_carrier"] != "China Post" {
		t.Fatalf("submit/stripe.json evidence = %v", stripe.Evidence)
	}
	if msg := got["messages/payment_received-2.json"]; !bytes.Contains(msg, []byte("ses-message-id-1")) || bytes.Contains(msg, []byte("camille@example.com")) {
		t.Fatalf("messages/payment_received-2.json = %s", msg)
	}
	if !strings.Contains(string(got["summary.html"]), "RR123456785CN") {
		t.Fatal("summary.html does not show the parcel")
	}

	if rec := h.do("GET", "/v1/orders/ORD-1001/evidence?lang=zh-CN", ""); rec.Code != http.StatusOK ||
		!strings.Contains(string(unzip(t, rec.Body.Bytes())["summary.html"]), "订单证据摘要") {
		t.Fatalf("zh-CN pack: %d", rec.Code)
	}
	for _, c := range []struct {
		path string
		want int
	}{{"/v1/orders/ORD-9999/evidence", 404}, {"/v1/orders/ORD-1001/evidence?lang=xx", 400}} {
		if rec := h.do("GET", c.path, ""); rec.Code != c.want {
			t.Errorf("GET %s: %d, want %d", c.path, rec.Code, c.want)
		}
	}
	if noToken := call(h.handler, "GET", "/v1/orders/ORD-1001/evidence", nil); noToken.Code != http.StatusUnauthorized {
		t.Errorf("without a token: %d", noToken.Code)
	}
}

// deliverFirstRow records the order's first outbox row as sent by email, as the notifier
// does (claim, then finish with the channel's result).
func deliverFirstRow(t *testing.T, st store.Store, id string) {
	t.Helper()
	ctx := context.Background()
	rows, err := st.Notifications(ctx, id)
	if err != nil || len(rows) == 0 || rows[0].Kind != order.NotifyPaymentReceived {
		t.Fatalf("outbox of %s: %+v %v", id, rows, err)
	}
	at := scNow
	n, err := st.ClaimNotification(ctx, rows[0].Ref(), "test-notifier", at, time.Minute)
	if err != nil {
		t.Fatal(err)
	}
	n.Status, n.UpdatedAt = order.NotificationSent, at
	n.Deliveries = []order.Delivery{{Channel: "email", Status: order.NotificationSent, MessageID: "ses-message-id-1", At: at}}
	if err := st.FinishNotification(ctx, n); err != nil {
		t.Fatal(err)
	}
}

func unzip(t *testing.T, pack []byte) map[string][]byte {
	t.Helper()
	zr, err := zip.NewReader(bytes.NewReader(pack), int64(len(pack)))
	if err != nil {
		t.Fatal(err)
	}
	out := map[string][]byte{}
	for _, f := range zr.File {
		rc, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		out[f.Name], err = io.ReadAll(rc)
		rc.Close()
		if err != nil {
			t.Fatal(err)
		}
	}
	return out
}

// failingPacks writes the start of a pack, then fails, as a store failing halfway would.
type failingPacks struct{}

func (failingPacks) PackEvidence(context.Context, string, string) (func(context.Context, io.Writer) error, error) {
	return func(_ context.Context, w io.Writer) error {
		if _, err := w.Write(bytes.Repeat([]byte("PK\x03\x04 partial "), 4096)); err != nil {
			return err
		}
		return order.Internal("test", errors.New("store went away"))
	}, nil
}

// TestEvidencePackAbortedMidStream: a failure after the first byte aborts the response, so
// the client sees a broken transfer rather than a complete-looking 200, and the cause is
// logged once.
func TestEvidencePackAbortedMidStream(t *testing.T) {
	var logs bytes.Buffer
	srv := httptest.NewServer(httpapi.New(httpapi.Config{Tokens: []string{token}, Evidence: failingPacks{},
		Logger: slog.New(slog.NewJSONHandler(&logs, nil))}))
	defer srv.Close()
	req, _ := http.NewRequest("GET", srv.URL+"/v1/orders/ORD-1/evidence", nil)
	req.Header.Set("Authorization", "Bearer "+token)
	res, err := srv.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	if _, err := io.ReadAll(res.Body); err == nil {
		t.Fatal("the aborted pack read as a complete response")
	}
	if !strings.Contains(logs.String(), "evidence pack aborted") || !strings.Contains(logs.String(), "store went away") {
		t.Fatalf("log: %s", logs.String())
	}
}
