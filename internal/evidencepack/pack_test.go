package evidencepack_test

import (
	"archive/zip"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/orderwire/orderwire/internal/embedded"
	"github.com/orderwire/orderwire/internal/evidencepack"
	"github.com/orderwire/orderwire/internal/order"
	"github.com/orderwire/orderwire/internal/store"
	"github.com/orderwire/orderwire/internal/store/storetest"
	"github.com/orderwire/orderwire/internal/summary"
)

// world is one order on the embedded store with a Stripe payment and dispute, a parcel
// with carrier events, a buyer message delivered by email, and an event whose id is not a
// safe file name; bodies are what was recorded, by "<source>/<event id>".
type world struct {
	st     store.Store
	buyer  order.Buyer
	bodies map[string][]byte
	now    time.Time
}

const parcel = "RR123456785CN"

func newWorld(t testing.TB, events int) *world {
	t.Helper()
	st, err := embedded.Open(t.TempDir(), embedded.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = st.Close() })
	return newWorldOn(t, st, events, 300)
}

// newWorldOn builds the world on st, with events further webhooks of about 9×repeat bytes
// each (300: ~2.7 KB, a typical provider event).
func newWorldOn(t testing.TB, st store.Store, events, repeat int) *world {
	t.Helper()
	ctx := context.Background()
	w := &world{st: st, buyer: storetest.Buyer("buyer-pack"), bodies: map[string][]byte{}}
	o := storetest.Order(t, "ORD-PACK", w.buyer)
	if err := st.SaveOrder(ctx, o, w.buyer); err != nil {
		t.Fatal(err)
	}
	record := func(ev order.Event, body []byte) {
		t.Helper()
		if _, err := st.RecordEvent(ctx, ev, order.Evidence{Body: body, Headers: map[string]string{"Content-Type": "application/json"}}); err != nil {
			t.Fatal(err)
		}
		w.bodies[ev.Source+"/"+ev.EventID] = body
	}
	pay := storetest.Event("stripe", "evt_pay", o.ID, order.KindPaymentSucceeded, o.AmountMinor, time.Minute)
	record(pay, []byte(`{"id":"evt_pay","type":"payment_intent.succeeded","data":{"object":{"metadata":{"order_id":"ORD-PACK"}}}}`))
	if err := storetest.Ship(t, st, o.ID, "china-post", parcel); err != nil {
		t.Fatal(err)
	}
	for i, status := range []order.ShipmentStatus{order.ShipmentInTransit, order.ShipmentDelivered} {
		ev := storetest.Track("aftership", fmt.Sprintf("trk_%d", i), parcel, "china-post", status, time.Duration(i+2)*time.Hour)
		body := []byte(fmt.Sprintf(`{"event_id":"trk_%d","msg":{"tag":%q}}`, i, status))
		if _, err := st.RecordTrackingEvent(ctx, ev, order.Evidence{Body: body}); err != nil {
			t.Fatal(err)
		}
		w.bodies["aftership/"+ev.EventID] = body
	}
	odd := storetest.Event("standard", "../../etc/passwd", o.ID, order.KindIgnored, 0, 5*time.Hour)
	record(odd, []byte("not json at all \x00\xff"))
	for i := range events {
		ev := storetest.Event("standard", fmt.Sprintf("msg_%04d", i), o.ID, order.KindIgnored, 0, 6*time.Hour+time.Duration(i)*time.Second)
		record(ev, bytes.Repeat([]byte(fmt.Sprintf(`{"i":%04d}`, i)), repeat))
	}
	dispute := storetest.Event("stripe", "evt_dispute", o.ID, order.KindDisputeOpened, o.AmountMinor, 48*time.Hour)
	dispute.DisputeID = "dp_1"
	record(dispute, []byte(`{"id":"evt_dispute","type":"charge.dispute.created"}`))

	// The notifier's side: the payment_received row delivered by email.
	rows, err := st.Notifications(ctx, o.ID)
	if err != nil || len(rows) == 0 {
		t.Fatalf("outbox: %v %v", rows, err)
	}
	w.now = pay.ReceivedAt.Add(72 * time.Hour)
	n, err := st.ClaimNotification(ctx, rows[0].Ref(), "test", pay.ReceivedAt.Add(time.Minute), time.Minute)
	if err != nil {
		t.Fatal(err)
	}
	n.Status, n.UpdatedAt = order.NotificationSent, pay.ReceivedAt.Add(time.Minute)
	n.Deliveries = []order.Delivery{{Channel: "email", Status: order.NotificationSent, MessageID: "0100018c-ses-message-id", At: n.UpdatedAt}}
	if err := st.FinishNotification(ctx, n); err != nil {
		t.Fatal(err)
	}
	return w
}

func (w *world) pack(t testing.TB, lang string, pdf evidencepack.PDFWriter) []byte {
	t.Helper()
	p := &evidencepack.Packer{Source: w.st, PDF: pdf, SellerName: "Loja Azul", Now: func() time.Time { return w.now }}
	pk, err := p.Prepare(context.Background(), "ORD-PACK", lang)
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := pk.Write(context.Background(), &buf); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func files(t *testing.T, pack []byte) map[string][]byte {
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
			t.Fatalf("%s: %v", f.Name, err)
		}
	}
	return out
}

func fakePDF(w io.Writer, s summary.Summary) error {
	_, err := fmt.Fprintf(w, "%%PDF-1.7 fake for %s with %d parcels", s.OrderID, len(s.Parcels))
	return err
}

// TestPackLayout: every file the layout names is there and the manifest verifies; event
// bodies are the recorded bytes; the odd event id is made safe and mapped back; the
// message says what the buyer got, without their contact details; submit/stripe.json has
// the carrier and tracking number; summary.pdf comes from the configured writer.
func TestPackLayout(t *testing.T) {
	w := newWorld(t, 3)
	pack := w.pack(t, "", fakePDF)
	m, err := evidencepack.Verify(bytes.NewReader(pack), int64(len(pack)))
	if err != nil {
		t.Fatal(err)
	}
	got := files(t, pack)
	if m.OrderID != "ORD-PACK" || m.Format != evidencepack.Format || !m.GeneratedAt.Equal(w.now.Truncate(time.Second)) || m.Version == "" || m.Lang != "en" {
		t.Fatalf("manifest header = %+v", m)
	}
	if len(m.Files) != len(got)-1 {
		t.Fatalf("manifest lists %d files, the zip has %d besides it", len(m.Files), len(got)-1)
	}
	for _, name := range []string{"order.json", "timeline.json", "summary.html", "summary.pdf", "submit/stripe.json", "messages/payment_received-2.json"} {
		if _, ok := got[name]; !ok {
			t.Errorf("no %s in the pack", name)
		}
	}
	if _, ok := got["submit/paypal.json"]; ok {
		t.Error("submit/paypal.json for an order PayPal never touched")
	}
	if len(m.Events) != len(w.bodies) {
		t.Fatalf("manifest maps %d events, %d were recorded", len(m.Events), len(w.bodies))
	}
	for _, ev := range m.Events {
		want, ok := w.bodies[ev.Provider+"/"+ev.EventID]
		if !ok || !bytes.Equal(got[ev.Body], want) {
			t.Errorf("%s (%s/%s) is not the recorded body", ev.Body, ev.Provider, ev.EventID)
		}
		if seg := strings.Split(ev.Body, "/"); len(seg) != 3 || seg[0] != "events" || strings.HasPrefix(seg[1], ".") || strings.HasPrefix(seg[2], ".") {
			t.Errorf("unsafe path %q", ev.Body)
		}
		var headers map[string]string
		if err := json.Unmarshal(got[ev.Headers], &headers); err != nil {
			t.Errorf("%s: %v", ev.Headers, err)
		}
	}
	if !bytes.Equal(got["events/standard/%2E.%2F..%2Fetc%2Fpasswd.body"], []byte("not json at all \x00\xff")) {
		t.Errorf("odd event id not kept under its escaped name; events: %v", m.Events)
	}

	var msg struct {
		Kind     string `json:"kind"`
		Status   string `json:"status"`
		SentAt   time.Time
		Channels []struct {
			Channel           string `json:"channel"`
			ProviderMessageID string `json:"provider_message_id"`
		} `json:"channels"`
		Email struct{ Subject, Text string } `json:"email"`
	}
	raw := got["messages/payment_received-2.json"]
	if err := json.Unmarshal(raw, &msg); err != nil {
		t.Fatal(err)
	}
	if msg.Kind != "payment_received" || msg.Status != "sent" || len(msg.Channels) != 1 ||
		msg.Channels[0].ProviderMessageID != "0100018c-ses-message-id" || msg.Email.Subject == "" || !strings.Contains(msg.Email.Text, "ORD-PACK") {
		t.Fatalf("message = %s", raw)
	}
	for name, body := range got {
		if strings.HasPrefix(name, "submit/") {
			continue
		}
		if bytes.Contains(body, []byte(w.buyer.Email)) || bytes.Contains(body, []byte(strings.TrimPrefix(w.buyer.Phone, "+"))) {
			t.Errorf("%s holds the buyer's contact details", name)
		}
	}

	var stripe struct {
		Evidence map[string]string `json:"evidence"`
	}
	if err := json.Unmarshal(got["submit/stripe.json"], &stripe); err != nil {
		t.Fatal(err)
	}
	ev := stripe.Evidence
	if ev["shipping_tracking_number"] != parcel || ev["shipping_carrier"] != "China Post" || ev["shipping_date"] == "" ||
		ev["customer_email_address"] != w.buyer.Email || ev["customer_name"] != w.buyer.Name ||
		!strings.Contains(ev["uncategorized_text"], "payment_received (email)") {
		t.Fatalf("submit/stripe.json evidence = %v", ev)
	}
	if !bytes.HasPrefix(got["summary.pdf"], []byte("%PDF-1.7 fake for ORD-PACK with 1 parcels")) {
		t.Fatalf("summary.pdf = %q", got["summary.pdf"])
	}
	html := string(got["summary.html"])
	for _, want := range []string{"Order evidence summary", "ORD-PACK", parcel, "dp_1", "payment_received", "129.90 BRL"} {
		if !strings.Contains(html, want) {
			t.Errorf("summary.html lacks %q", want)
		}
	}
}

// TestPackChinese: ?lang=zh-CN gives the Chinese labels; without a PDF writer there is no
// summary.pdf; an unknown language is refused before anything is written.
func TestPackChinese(t *testing.T) {
	w := newWorld(t, 0)
	got := files(t, w.pack(t, "zh-CN", nil))
	if html := string(got["summary.html"]); !strings.Contains(html, "订单证据摘要") || !strings.Contains(html, `lang="zh-CN"`) {
		t.Fatalf("summary.html in zh-CN:\n%s", html)
	}
	if _, ok := got["summary.pdf"]; ok {
		t.Fatal("summary.pdf without a PDF writer")
	}
	p := &evidencepack.Packer{Source: w.st}
	if _, err := p.Prepare(context.Background(), "ORD-PACK", "fr"); order.ErrorCode(err) != order.CodeInvalid {
		t.Fatalf("lang=fr: %v", err)
	}
	if _, err := p.Prepare(context.Background(), "ORD-NONE", ""); order.ErrorCode(err) != order.CodeNotFound {
		t.Fatalf("unknown order: %v", err)
	}
}

// TestSummaryEscapes: values from providers are escaped in summary.html.
func TestSummaryEscapes(t *testing.T) {
	w := newWorld(t, 0)
	ev := storetest.Event("standard", "evt_x", "ORD-PACK", order.KindPaymentFailed, 0, 3*time.Hour)
	ev.Type = `<script>alert(1)</script>`
	if _, err := w.st.RecordEvent(context.Background(), ev, order.Evidence{Body: []byte(`{}`)}); err != nil {
		t.Fatal(err)
	}
	html := string(files(t, w.pack(t, "en", nil))["summary.html"])
	if strings.Contains(html, "<script>") || !strings.Contains(html, "&lt;script&gt;") {
		t.Fatal("a provider's event type reached summary.html unescaped")
	}
}

// TestPackPayPalSubmission: an order PayPal sent an event for gets submit/paypal.json, a
// PROOF_OF_FULFILLMENT evidence listing the parcel (carrier OTHER with its name).
func TestPackPayPalSubmission(t *testing.T) {
	w := newWorld(t, 0)
	ev := storetest.Event("paypal", "WH-DISPUTE-1", "ORD-PACK", order.KindDisputeOpened, 0, 50*time.Hour)
	ev.DisputeID = "PP-D-1"
	if _, err := w.st.RecordEvent(context.Background(), ev, order.Evidence{Body: []byte(`{"id":"WH-DISPUTE-1"}`)}); err != nil {
		t.Fatal(err)
	}
	var pp struct {
		Evidences []struct {
			EvidenceType string `json:"evidence_type"`
			EvidenceInfo struct {
				TrackingInfo []map[string]string `json:"tracking_info"`
			} `json:"evidence_info"`
			Notes string `json:"notes"`
		} `json:"evidences"`
	}
	if err := json.Unmarshal(files(t, w.pack(t, "en", nil))["submit/paypal.json"], &pp); err != nil {
		t.Fatal(err)
	}
	if len(pp.Evidences) != 1 || pp.Evidences[0].EvidenceType != "PROOF_OF_FULFILLMENT" || len(pp.Evidences[0].EvidenceInfo.TrackingInfo) != 1 {
		t.Fatalf("submit/paypal.json = %+v", pp)
	}
	ti := pp.Evidences[0].EvidenceInfo.TrackingInfo[0]
	if ti["carrier_name"] != "OTHER" || ti["carrier_name_other"] != "China Post" || ti["tracking_number"] != parcel ||
		!strings.Contains(pp.Evidences[0].Notes, parcel) || strings.Contains(pp.Evidences[0].Notes, w.buyer.Email) {
		t.Fatalf("submit/paypal.json evidence = %+v", pp.Evidences[0])
	}
}
