package main

import (
	"archive/zip"
	"bytes"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/ledongthuc/pdf"

	"github.com/orderwire/orderwire/internal/evidencepack"
	"github.com/orderwire/orderwire/internal/loadgen"
	"github.com/orderwire/orderwire/internal/order"
	"github.com/orderwire/orderwire/internal/sns"
	"github.com/orderwire/orderwire/internal/sns/snstest"
)

// TestDisputeWalk is issue 11's "Done means" walk, end to end through `orderwire serve`
// (embedded store, its own notifier every 200 ms, seller alerts also published to an SNS
// topic on the fauxqs emulator, read back from a subscribed SQS queue): one order is
// registered, reminded (a sweep past the first reminder step, delivered before payment),
// paid by a signed Stripe payment_intent.succeeded whose latest_charge binds the charge,
// given a parcel, carried to delivered by three signed AfterShip updates (shipment messages),
// then disputed by a Stripe charge.dispute.created that names only the charge (no metadata,
// no payment_intent). The order shows the dispute with respond_by = evidence_details.due_by;
// one dispute_opened alert reaches /local/alerts and SNS, and no second one after a
// redelivery and a further notifier pass; the evidence pack verifies against its manifest,
// its events/ bodies are the delivered bytes, submit/stripe.json names the parcel and the
// carrier, summary.pdf opens and names the order, and messages/ holds the buyer's reminder
// and shipment messages but no seller alert.
//
// Nothing the buyer can be identified by is printed: failures name kinds, ids and fields.
func TestDisputeWalk(t *testing.T) {
	topic := snstest.NewTopic(t) // skips without fauxqs; fails under make test
	for k, v := range map[string]string{"AWS_ENDPOINT_URL_SNS": os.Getenv("ORDERWIRE_TEST_SNS_ENDPOINT"),
		"AWS_REGION": "us-east-1", "AWS_ACCESS_KEY_ID": "test", "AWS_SECRET_ACCESS_KEY": "test"} {
		t.Setenv(k, v) // serve builds its SNS client from the process environment
	}
	keys := &stormKeys{&loadgen.Keys{Stripe: "whsec_" + randomKey(t), AfterShip: randomKey(t)}}
	const tok = "tok-walk"
	env := map[string]string{"ORDERWIRE_DATA_DIR": privateDir(t), "ORDERWIRE_API_TOKEN": tok,
		"ORDERWIRE_STRIPE_WEBHOOK_SECRETS": keys.Stripe, "ORDERWIRE_AFTERSHIP_WEBHOOK_SECRETS": keys.AfterShip,
		"ORDERWIRE_SELLER_ALERTS_TOPIC": topic.ARN}
	base, _, stop := startServeArgs(t, env, "--sweep-every", "0", "--notify-every", "200ms")
	defer stop()
	api := func(method, path, body string, out any) (int, []byte) {
		t.Helper()
		req, err := http.NewRequest(method, base+path, strings.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		req.Header.Set("Authorization", "Bearer "+tok)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		raw, err := io.ReadAll(resp.Body)
		if err != nil {
			t.Fatal(err)
		}
		if out != nil && resp.StatusCode < 300 {
			if err := json.Unmarshal(raw, out); err != nil {
				t.Fatalf("%s %s: %v", method, path, err)
			}
		}
		return resp.StatusCode, raw
	}
	delivered := map[string][]byte{} // "<provider>/<event id>" → the exact bytes sent
	deliver := func(provider, id string, s signed) {
		t.Helper()
		req, err := http.NewRequest("POST", base+s.Path, bytes.NewReader(s.Body))
		if err != nil {
			t.Fatal(err)
		}
		req.Header = s.Header.Clone()
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("%s event %s: %d, want 200", provider, id, resp.StatusCode)
		}
		delivered[provider+"/"+id] = s.Body
	}

	const (
		orderID = "DW-1001"
		number  = "RR123456785CN" // a valid UPU S10 number, as in the AfterShip fixture
		carrier = "china-post"
	)
	o := &stormOrder{id: orderID, amount: 4999, currency: "USD",
		paymentRef: "pi_3WalkT2eZvKYlo2C1a2b3c4d", chargeRef: "ch_3WalkT2eZvKYlo2C1e5f6g7h", disputeRef: "dp_1WalkD2eZvKYlo2C0disp01"}
	now := time.Now().UTC().Truncate(time.Second)
	tz := daytimeZone(t, now)

	// 1. The order, created 3 h ago (the first reminder step, +1 h, is long due).
	orderJSON := fmt.Sprintf(`{"buyer":{"id":"buyer-walk","name":"Dana Walker","email":"dana.walker@example.com",
	 "locale":"en-US","timezone":%q,"country":"US"},"amount_minor":4999,"currency":"USD",
	 "created_at":%q,"payment_due_at":%q}`, tz, now.Add(-3*time.Hour).Format(time.RFC3339), now.Add(5*24*time.Hour).Format(time.RFC3339))
	if code, raw := api("PUT", "/v1/orders/"+orderID, orderJSON, nil); code != 201 {
		t.Fatalf("PUT order: %d %s", code, raw)
	}

	// 2. A reminder: one sweep past the first step, delivered before the payment (a reminder
	// still queued when the payment lands would be skipped).
	var sweep struct {
		Report struct {
			Reminders int `json:"reminders"`
		} `json:"report"`
	}
	if code, raw := api("POST", "/local/reminders/run", fmt.Sprintf(`{"at":%q}`, now.Add(-90*time.Minute).Format(time.RFC3339)), &sweep); code != 200 || sweep.Report.Reminders != 1 {
		t.Fatalf("sweep: %d %s, want one reminder", code, raw)
	}
	walkWaitOutbox(t, api, orderID, "payment_reminder")

	// 3. Stripe: payment_intent.succeeded naming the order; latest_charge binds the charge.
	payID := "evt_3WalkPay2eZvKYlo2C0aBcDeFg"
	pay := loadJSON(t, "payment", "stripe", "payment_intent.succeeded.json").set("id", payID,
		"created", num(now.Add(-60*time.Minute).Unix()), "data.object.id", o.paymentRef,
		"data.object.metadata", map[string]any{"order_id": orderID}, "data.object.amount", num(o.amount),
		"data.object.amount_received", num(o.amount), "data.object.currency", "usd", "data.object.latest_charge", o.chargeRef).bytes()
	deliver("stripe", payID, keys.signPayment(t, "stripe", payID, pay, time.Now()))
	var got walkOrder
	if code, raw := api("GET", "/v1/orders/"+orderID, "", &got); code != 200 || got.Status != "awaiting_shipment" || got.PaidMinor != 4999 {
		t.Fatalf("after the payment: %d status %q paid %d (%d bytes)", code, got.Status, got.PaidMinor, len(raw))
	}

	// 4. The parcel, then AfterShip carries it to delivered.
	shipment := fmt.Sprintf(`{"carrier":%q,"tracking_number":%q,"service":"postal","shipped_at":%q}`,
		carrier, number, now.Add(-50*time.Minute).Format(time.RFC3339))
	if code, raw := api("POST", "/v1/orders/"+orderID+"/shipments", shipment, nil); code != 201 {
		t.Fatalf("POST shipment: %d %s", code, raw)
	}
	p := stormParcel{number: number, carrier: carrier, sender: "aftership"}
	for i, st := range []order.ShipmentStatus{order.ShipmentInTransit, order.ShipmentOutForDelivery, order.ShipmentDelivered} {
		body, id := carrierBuilders["aftership"](t, parcelEvent{o: o, p: p, seq: 900 + i, status: st,
			at: now.Add(time.Duration(i*10-40) * time.Minute)})
		deliver("aftership", id, keys.signCarrier("aftership", id, body, time.Now()))
	}
	got = walkOrder{}
	if code, _ := api("GET", "/v1/orders/"+orderID, "", &got); code != 200 || got.Status != "delivered" ||
		len(got.Shipments) != 1 || got.Shipments[0].Status != "delivered" || got.Shipments[0].TrackingNumber != number {
		t.Fatalf("after the carrier updates: %d status %q shipments %+v", code, got.Status, got.Shipments)
	}
	walkWaitOutbox(t, api, orderID, "shipment_delivered")

	// 5. The dispute, naming only the charge.
	disputeID := "evt_1WalkDisp2eZvKYlo2Cdcre02"
	dueBy := now.Add(7 * 24 * time.Hour).Unix()
	dispute := loadJSON(t, "payment", "stripe", "charge.dispute.created.no_metadata.json").set("id", disputeID,
		"created", num(now.Add(-10*time.Minute).Unix()), "data.object.id", o.disputeRef,
		"data.object.created", num(now.Add(-11*time.Minute).Unix()), "data.object.charge", o.chargeRef,
		"data.object.payment_intent", nil, "data.object.amount", num(o.amount), "data.object.currency", "usd",
		"data.object.evidence_details.due_by", num(dueBy)).bytes()
	disputeSigned := keys.signPayment(t, "stripe", disputeID, dispute, time.Now())
	deliver("stripe", disputeID, disputeSigned)
	got = walkOrder{}
	if code, _ := api("GET", "/v1/orders/"+orderID, "", &got); code != 200 || len(got.Disputes) != 1 {
		t.Fatalf("after the dispute: %d disputes %+v", code, got.Disputes)
	}
	d := got.Disputes[0]
	if d.Provider != "stripe" || d.ProviderDisputeID != o.disputeRef || d.Status != "needs_response" ||
		d.Reason != "product_not_received" || d.AmountMinor != 4999 || d.Currency != "USD" ||
		d.RespondBy == nil || !d.RespondBy.Equal(time.Unix(dueBy, 0)) || got.Dispute == nil || *got.Dispute != "open" {
		t.Fatalf("dispute %+v (respond_by want %s), summary %v", d, time.Unix(dueBy, 0).UTC(), got.Dispute)
	}

	// 6. dispute_opened, delivered once: /local/alerts and SNS.
	alerts := walkWaitAlerts(t, api, "dispute_opened", 1)
	if n := countAlerts(alerts, "dispute_opened", orderID); n != 1 || len(alerts) != 1 {
		t.Fatalf("/local/alerts: %s, want one dispute_opened for %s", describeAlerts(alerts), orderID)
	}
	if a := alerts[0].Alert; a == nil || a.EventID != disputeID || a.Source != "stripe" || !strings.Contains(a.Detail, o.disputeRef) {
		t.Fatalf("alert %+v, want the dispute's event and id", a)
	}
	msgs := topic.Receive(t, 1, 10*time.Second)
	if len(msgs) != 1 || msgs[0].MessageAttributes[sns.AttrKind].Value != "dispute_opened" ||
		msgs[0].MessageAttributes[sns.AttrOrderID].Value != orderID {
		t.Fatalf("SNS delivered %d messages (%s), want one dispute_opened for %s", len(msgs), describeEnvelopes(msgs), orderID)
	}

	// 7. The evidence pack.
	resp, err := func() (*http.Response, error) {
		req, _ := http.NewRequest("GET", base+"/v1/orders/"+orderID+"/evidence", nil)
		req.Header.Set("Authorization", "Bearer "+tok)
		return http.DefaultClient.Do(req)
	}()
	if err != nil {
		t.Fatal(err)
	}
	pack, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	if err != nil || resp.StatusCode != 200 || resp.Header.Get("Content-Type") != "application/zip" {
		t.Fatalf("GET evidence: %d %q %v", resp.StatusCode, resp.Header.Get("Content-Type"), err)
	}
	m, err := evidencepack.Verify(bytes.NewReader(pack), int64(len(pack)))
	if err != nil || m.OrderID != orderID {
		t.Fatalf("Verify: %v (order %q)", err, m.OrderID)
	}
	// Verify must be able to fail: the same pack with one byte of summary.pdf changed.
	if _, err := evidencepack.Verify(bytes.NewReader(flipFile(t, pack, "summary.pdf")), int64(len(pack))); err == nil ||
		!strings.Contains(err.Error(), "summary.pdf") {
		t.Fatalf("Verify of a tampered pack: %v, want a failure naming summary.pdf", err)
	}
	files := unzip(t, pack)
	inPack := map[string]bool{}
	for _, e := range m.Events {
		key := e.Provider + "/" + e.EventID
		inPack[key] = true
		want, ok := delivered[key]
		if !ok {
			t.Errorf("the pack holds event %s, which this test did not deliver", key)
			continue
		}
		if body, ok := files[e.Body]; !ok || !bytes.Equal(body, want) {
			t.Errorf("%s: %d bytes in the pack (present %v), delivered %d bytes: not the same", e.Body, len(body), ok, len(want))
		}
		if !strings.HasPrefix(e.Body, "events/"+e.Provider+"/") || !strings.HasSuffix(e.Body, ".body") {
			t.Errorf("event %s is at %s", key, e.Body)
		}
	}
	for key := range delivered {
		if !inPack[key] {
			t.Errorf("delivered event %s is not in the pack", key)
		}
	}
	if _, ok := files["events/stripe/"+disputeID+".body"]; !ok {
		t.Errorf("no events/stripe/%s.Body", disputeID)
	}
	var submit struct {
		Evidence struct {
			ShippingCarrier        string `json:"shipping_carrier"`
			ShippingTrackingNumber string `json:"shipping_tracking_number"`
		} `json:"evidence"`
	}
	if err := json.Unmarshal(files["submit/stripe.json"], &submit); err != nil {
		t.Fatalf("submit/stripe.json: %v", err)
	}
	if submit.Evidence.ShippingTrackingNumber != number || submit.Evidence.ShippingCarrier != "China Post" {
		t.Errorf("submit/stripe.json: shipping_tracking_number %q, shipping_carrier %q; want %q, %q",
			submit.Evidence.ShippingTrackingNumber, submit.Evidence.ShippingCarrier, number, "China Post")
	}
	if text := pdfText(t, files["summary.pdf"]); !strings.Contains(text, orderID) {
		t.Errorf("summary.pdf does not name the order %s", orderID)
	}
	kinds := map[string]int{}
	for _, mm := range m.Messages {
		if !strings.HasPrefix(mm.Path, "messages/") {
			t.Errorf("message file %s", mm.Path)
		}
		var msg struct {
			Kind   string `json:"kind"`
			Status string `json:"status"`
		}
		if err := json.Unmarshal(files[mm.Path], &msg); err != nil {
			t.Fatalf("%s: %v", mm.Path, err)
		}
		kinds[msg.Kind]++
		if msg.Status != "sent" {
			t.Errorf("%s: status %q, want sent", mm.Path, msg.Status)
		}
		if strings.HasPrefix(msg.Kind, "seller_") || strings.Contains(mm.Path, "seller_") {
			t.Errorf("a seller alert among the buyer's messages: %s (%s)", mm.Path, msg.Kind)
		}
	}
	for _, want := range []string{"payment_reminder", "payment_received", "shipment_delivered"} {
		if kinds[want] != 1 {
			t.Errorf("messages/ holds %d %s, want 1 (kinds %v)", kinds[want], want, kinds)
		}
	}
	if kinds["shipment_shipped"]+kinds["shipment_out_for_delivery"] == 0 {
		t.Errorf("messages/ holds no shipment message but the delivery (kinds %v)", kinds)
	}

	// 8. No second dispute_opened: the dispute redelivered (a duplicate), then a
	// charge.dispute.updated whose alert proves the notifier has run again since.
	deliver("stripe", disputeID, disputeSigned)
	updID := "evt_1WalkUpd2eZvKYlo2Cdcre03"
	upd := loadJSON(t, "payment", "stripe", "charge.dispute.updated.json").set("id", updID,
		"created", num(now.Add(-5*time.Minute).Unix()), "data.object.id", o.disputeRef,
		"data.object.charge", o.chargeRef, "data.object.payment_intent", nil, "data.object.metadata", map[string]any{},
		"data.object.amount", num(o.amount), "data.object.currency", "usd").bytes()
	deliver("stripe", updID, keys.signPayment(t, "stripe", updID, upd, time.Now()))
	alerts = walkWaitAlerts(t, api, "dispute_updated", 1)
	if countAlerts(alerts, "dispute_opened", orderID) != 1 || countAlerts(alerts, "dispute_updated", orderID) != 1 || len(alerts) != 2 {
		t.Fatalf("/local/alerts after a redelivery and an update: %s, want dispute_opened and dispute_updated once each", describeAlerts(alerts))
	}
	msgs = topic.Receive(t, 1, 10*time.Second)
	if len(msgs) != 1 || msgs[0].MessageAttributes[sns.AttrKind].Value != "dispute_updated" {
		t.Fatalf("SNS after a redelivery and an update: %s, want only dispute_updated", describeEnvelopes(msgs))
	}
}

// walkOrder is the part of GET /v1/orders/{id} the walk checks.
type walkOrder struct {
	Status    string  `json:"status"`
	PaidMinor int64   `json:"paid_minor"`
	Dispute   *string `json:"dispute"`
	Disputes  []struct {
		Provider          string     `json:"provider"`
		ProviderDisputeID string     `json:"provider_dispute_id"`
		Status            string     `json:"status"`
		Reason            string     `json:"reason"`
		AmountMinor       int64      `json:"amount_minor"`
		Currency          string     `json:"currency"`
		RespondBy         *time.Time `json:"respond_by"`
	} `json:"disputes"`
	Shipments []struct {
		TrackingNumber string `json:"tracking_number"`
		Status         string `json:"status"`
	} `json:"shipments"`
}

// walkEntry is one line of /local/outbox or /local/alerts, without the buyer's address.
type walkEntry struct {
	OrderID string `json:"order_id"`
	Kind    string `json:"kind"`
	Alert   *struct {
		Source  string `json:"source"`
		EventID string `json:"event_id"`
		Detail  string `json:"detail"`
	} `json:"alert"`
}

type apiFunc func(method, path, body string, out any) (int, []byte)

// walkWaitOutbox polls /local/outbox (bounded: 10 s) until a message of kind for orderID is
// there: the server's notifier has delivered it.
func walkWaitOutbox(t *testing.T, api apiFunc, orderID, kind string) {
	t.Helper()
	var seen []string
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
		var entries []walkEntry
		if code, _ := api("GET", "/local/outbox", "", &entries); code != 200 {
			t.Fatalf("GET /local/outbox: %d", code)
		}
		seen = seen[:0]
		for _, e := range entries {
			seen = append(seen, e.OrderID+":"+e.Kind)
			if e.OrderID == orderID && e.Kind == kind {
				return
			}
		}
	}
	t.Fatalf("no %s for %s in /local/outbox within 10 s (there: %v)", kind, orderID, seen)
}

// walkWaitAlerts polls /local/alerts (bounded: 10 s) until it holds want alerts of kind, and
// returns the whole list.
func walkWaitAlerts(t *testing.T, api apiFunc, kind string, want int) []walkEntry {
	t.Helper()
	var entries []walkEntry
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
		entries = nil
		if code, _ := api("GET", "/local/alerts", "", &entries); code != 200 {
			t.Fatalf("GET /local/alerts: %d", code)
		}
		n := 0
		for _, e := range entries {
			if e.Kind == kind {
				n++
			}
		}
		if n >= want {
			return entries
		}
	}
	t.Fatalf("/local/alerts: %s after 10 s, want %d %s", describeAlerts(entries), want, kind)
	return nil
}

func countAlerts(list []walkEntry, kind, orderID string) int {
	n := 0
	for _, e := range list {
		if e.Kind == kind && e.OrderID == orderID {
			n++
		}
	}
	return n
}

func describeAlerts(list []walkEntry) string {
	var out []string
	for _, e := range list {
		out = append(out, e.Kind+" on "+e.OrderID)
	}
	return "[" + strings.Join(out, ", ") + "]"
}

func describeEnvelopes(list []snstest.Envelope) string {
	var out []string
	for _, e := range list {
		out = append(out, e.MessageAttributes[sns.AttrKind].Value+" on "+e.MessageAttributes[sns.AttrOrderID].Value)
	}
	return "[" + strings.Join(out, ", ") + "]"
}

// daytimeZone is a time zone in which now and the next hour are between 10:00 and 19:00,
// so that neither the sweep nor the notifier holds the reminder back for quiet hours.
func daytimeZone(t *testing.T, now time.Time) string {
	t.Helper()
	for _, name := range []string{"UTC", "Europe/Paris", "Europe/Athens", "Europe/Moscow", "Asia/Dubai", "Asia/Karachi",
		"Asia/Dhaka", "Asia/Bangkok", "Asia/Shanghai", "Asia/Tokyo", "Australia/Brisbane", "Pacific/Noumea",
		"Pacific/Auckland", "Pacific/Honolulu", "America/Anchorage", "America/Los_Angeles", "America/Denver",
		"America/Chicago", "America/New_York", "America/Sao_Paulo", "Atlantic/South_Georgia", "Atlantic/Cape_Verde"} {
		loc, err := time.LoadLocation(name)
		if err != nil {
			continue
		}
		if h := now.In(loc).Hour(); h >= 10 && h < 19 {
			return name
		}
	}
	t.Fatalf("no time zone with daytime at %s", now)
	return ""
}

func randomKey(t *testing.T) string {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		t.Fatal(err)
	}
	return base64.RawURLEncoding.EncodeToString(b)
}

// unzip returns every file of the zip by name.
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
		b, err := io.ReadAll(rc)
		rc.Close()
		if err != nil {
			t.Fatalf("%s: %v", f.Name, err)
		}
		out[f.Name] = b
	}
	return out
}

// flipFile is a copy of the zip with one byte of name's compressed data inverted.
func flipFile(t *testing.T, pack []byte, name string) []byte {
	t.Helper()
	raw := bytes.Clone(pack)
	zr, err := zip.NewReader(bytes.NewReader(raw), int64(len(raw)))
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range zr.File {
		if f.Name == name {
			off, err := f.DataOffset()
			if err != nil {
				t.Fatal(err)
			}
			raw[off+int64(f.CompressedSize64)/2] ^= 0xFF
			return raw
		}
	}
	t.Fatalf("no %s in the pack", name)
	return nil
}

// pdfText opens a PDF with github.com/ledongthuc/pdf (failing the test if it does not
// open or has no page) and returns the strings its pages show, decoded through each font's
// ToUnicode CMap (bfchar and bfrange, two-byte codes) where there is one.
func pdfText(t *testing.T, doc []byte) string {
	t.Helper()
	r, err := pdf.NewReader(bytes.NewReader(doc), int64(len(doc)))
	if err != nil {
		t.Fatalf("summary.pdf does not open: %v", err)
	}
	if r.NumPage() < 1 {
		t.Fatal("summary.pdf has no page")
	}
	var b strings.Builder
	for n := 1; n <= r.NumPage(); n++ {
		page := r.Page(n)
		cmaps := map[string]func(string) string{}
		fonts := page.Resources().Key("Font")
		for _, name := range fonts.Keys() {
			cmaps[name] = cmapDecoder(fonts.Key(name).Key("ToUnicode"))
		}
		decode := func(s string) string { return s }
		pdf.Interpret(page.V.Key("Contents"), func(stk *pdf.Stack, op string) {
			args := make([]pdf.Value, stk.Len())
			for i := len(args) - 1; i >= 0; i-- {
				args[i] = stk.Pop()
			}
			switch op {
			case "Tf":
				decode = func(s string) string { return s }
				if d := cmaps[args[0].Name()]; d != nil {
					decode = d
				}
			case "Tj":
				b.WriteString(decode(args[0].RawString()))
			case "TJ":
				for i := 0; i < args[0].Len(); i++ {
					if v := args[0].Index(i); v.Kind() == pdf.String {
						b.WriteString(decode(v.RawString()))
					}
				}
			case "Td", "TD", "T*", "Tm":
				b.WriteByte('\n')
			}
		})
	}
	return b.String()
}

var (
	walkBfchar  = regexp.MustCompile(`<([0-9A-Fa-f]{4})>\s*<([0-9A-Fa-f]{4})>`)
	walkBfrange = regexp.MustCompile(`<([0-9A-Fa-f]{4})>\s*<([0-9A-Fa-f]{4})>\s*<([0-9A-Fa-f]{4})>`)
)

// cmapDecoder reads a ToUnicode CMap with two-byte codes (nil when v is null).
func cmapDecoder(v pdf.Value) func(string) string {
	if v.IsNull() {
		return nil
	}
	raw, err := io.ReadAll(v.Reader())
	if err != nil {
		return nil
	}
	hex := func(h string) int { n, _ := strconv.ParseUint(h, 16, 32); return int(n) }
	chars := map[int]rune{}
	type span struct{ lo, hi, dst int }
	var spans []span
	text := string(raw)
	for _, sec := range strings.Split(text, "beginbfrange")[1:] {
		sec, _, _ = strings.Cut(sec, "endbfrange")
		for _, m := range walkBfrange.FindAllStringSubmatch(sec, -1) {
			spans = append(spans, span{hex(m[1]), hex(m[2]), hex(m[3])})
		}
	}
	for _, sec := range strings.Split(text, "beginbfchar")[1:] {
		sec, _, _ = strings.Cut(sec, "endbfchar")
		for _, m := range walkBfchar.FindAllStringSubmatch(sec, -1) {
			chars[hex(m[1])] = rune(hex(m[2]))
		}
	}
	return func(s string) string {
		var b strings.Builder
		for i := 0; i+1 < len(s); i += 2 {
			c := int(s[i])<<8 | int(s[i+1])
			r, ok := chars[c]
			for _, sp := range spans {
				if !ok && c >= sp.lo && c <= sp.hi {
					r, ok = rune(sp.dst+c-sp.lo), true
				}
			}
			if !ok {
				r = '\uFFFD'
			}
			b.WriteRune(r)
		}
		return b.String()
	}
}
