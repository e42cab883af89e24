package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/orderwire/orderwire/internal/loadgen"
	"github.com/orderwire/orderwire/internal/order"
)

// consoleWorld is what the console's browser tests find on `orderwire serve --dev`
// (embedded store, its notifier every 200 ms), built through the API and signed webhooks
// (the Stripe and AfterShip fixtures of internal/payment/testdata and internal/tracking/
// testdata, each naming the provider document it follows):
//
//   - cwDisputed: paid by Stripe (payment_intent.succeeded naming the order), shipped with
//     parcel cwParcel, carried to delivered by three AfterShip updates (checkpoints, and
//     shipment messages in the local outbox), then disputed by charge.dispute.created
//     naming only the charge, evidence_details.due_by = dueBy;
//   - cwUnpaid: registered, never paid (pending_payment);
//   - cwPaid: paid, no parcel (awaiting_shipment); its buyer's name is an HTML tag;
//   - cwEarlier: paid, no parcel, disputed with an earlier deadline (earlierDue) than
//     cwDisputed's, so it comes first on Today;
//   - one Stripe payment_intent.succeeded (unfiledID, cwUnpaid's amount) whose payment
//     intent no order names: unfiled, reference_not_bound.
type consoleWorld struct {
	base, token string
	api         apiFunc
	dueBy       time.Time // cwDisputed's dispute deadline
	earlierDue  time.Time // cwEarlier's, before dueBy
	unfiledID   string
	stop        func() int
}

const (
	cwDisputed  = "CW-1001"
	cwUnpaid    = "CW-1002"
	cwPaid      = "CW-1003"
	cwEarlier   = "CW-1004"
	cwParcel    = "RR123456785CN" // a valid UPU S10 number (check digit 5)
	cwNewParcel = "RR876543216CN" // another (check digit 6), registered from the console
	cwEmail     = "dana.walker@example.com"
	cwPhone     = "+8613812341234"
	cwTagName   = "<script>alert(1)</script> Lee"
)

// cwContacts are the seeded buyers' email addresses and phone number, which no console page
// may show in clear.
var cwContacts = []string{cwEmail, cwPhone, "li.wei@example.com", "lee@example.com", "ana@example.com"}

// seedConsole starts the server and builds the world; the server stops when the test ends.
func seedConsole(t *testing.T) *consoleWorld {
	t.Helper()
	keys := &stormKeys{&loadgen.Keys{Stripe: "whsec_" + randomKey(t), AfterShip: randomKey(t)}}
	w := &consoleWorld{token: "tok-console-" + randomKey(t)[:8]}
	env := map[string]string{"ORDERWIRE_DATA_DIR": privateDir(t), "ORDERWIRE_API_TOKEN": w.token,
		"ORDERWIRE_STRIPE_WEBHOOK_SECRETS": keys.Stripe, "ORDERWIRE_AFTERSHIP_WEBHOOK_SECRETS": keys.AfterShip}
	base, _, stop := startServeArgs(t, env, "--sweep-every", "0", "--notify-every", "200ms")
	t.Cleanup(func() { stop() })
	w.base, w.stop = base, stop
	w.api = func(method, path, body string, out any) (int, []byte) {
		t.Helper()
		code, raw := call(t, method, base+path, w.token, body)
		if out != nil && code < 300 {
			if err := json.Unmarshal([]byte(raw), out); err != nil {
				t.Fatalf("%s %s: %v", method, path, err)
			}
		}
		return code, []byte(raw)
	}
	deliver := func(what string, s signed) {
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
			t.Fatalf("%s: webhook answered %d, want 200", what, resp.StatusCode)
		}
	}
	now := time.Now().UTC().Truncate(time.Second)
	tz := daytimeZone(t, now)
	put := func(id, buyerID, name, contact string, amount int64) {
		t.Helper()
		body := fmt.Sprintf(`{"buyer":{"id":%q,"name":%q,%s"locale":"en-US","timezone":%q,"country":"US"},
		 "amount_minor":%d,"currency":"USD","created_at":%q,"payment_due_at":%q}`, buyerID, name, contact, tz, amount,
			now.Add(-3*time.Hour).Format(time.RFC3339), now.Add(5*24*time.Hour).Format(time.RFC3339))
		if code, raw := w.api("PUT", "/v1/orders/"+id, body, nil); code != 201 {
			t.Fatalf("PUT %s: %d %s", id, code, raw)
		}
	}
	put(cwDisputed, "buyer-cw1", "Dana Walker", fmt.Sprintf(`"email":%q,"phone":%q,`, cwEmail, cwPhone), 4999)
	put(cwUnpaid, "buyer-cw2", "Li Wei", `"email":"li.wei@example.com",`, 2500)
	put(cwPaid, "buyer-cw3", cwTagName, `"email":"lee@example.com",`, 1200)
	put(cwEarlier, "buyer-cw4", "Ana Souza", `"email":"ana@example.com",`, 3300)

	pay := func(o *stormOrder, eventID string, metadata map[string]any, at time.Time) {
		t.Helper()
		body := loadJSON(t, "payment", "stripe", "payment_intent.succeeded.json").set("id", eventID,
			"created", num(at.Unix()), "data.object.id", o.paymentRef, "data.object.metadata", metadata,
			"data.object.amount", num(o.amount), "data.object.amount_received", num(o.amount),
			"data.object.currency", "usd", "data.object.latest_charge", o.chargeRef).bytes()
		deliver("stripe "+eventID, keys.signPayment(t, "stripe", eventID, body, time.Now()))
	}
	disputed := &stormOrder{id: cwDisputed, amount: 4999, currency: "USD", paymentRef: "pi_3ConsT2eZvKYlo2C1a2b3c4d",
		chargeRef: "ch_3ConsT2eZvKYlo2C1e5f6g7h", disputeRef: "dp_1ConsD2eZvKYlo2C0disp01"}
	pay(disputed, "evt_3ConsPay2eZvKYlo2C0aBcDeFg", map[string]any{"order_id": cwDisputed}, now.Add(-60*time.Minute))
	paid := &stormOrder{id: cwPaid, amount: 1200, currency: "USD", paymentRef: "pi_3ConsT2eZvKYlo2C9z8y7x6w",
		chargeRef: "ch_3ConsT2eZvKYlo2C9v8u7t6s"}
	pay(paid, "evt_3ConsPay2eZvKYlo2C1hIjKlMn", map[string]any{"order_id": cwPaid}, now.Add(-55*time.Minute))
	w.unfiledID = "evt_3ConsLost2eZvKYlo2C2oPqRsTu"
	lost := &stormOrder{amount: 2500, currency: "USD", paymentRef: "pi_3ConsLost2eZvKYlo2C5q6r7s",
		chargeRef: "ch_3ConsLost2eZvKYlo2C5t6u7v"}
	pay(lost, w.unfiledID, map[string]any{}, now.Add(-30*time.Minute))

	shipment := fmt.Sprintf(`{"carrier":"china-post","tracking_number":%q,"service":"postal","shipped_at":%q}`,
		cwParcel, now.Add(-50*time.Minute).Format(time.RFC3339))
	if code, raw := w.api("POST", "/v1/orders/"+cwDisputed+"/shipments", shipment, nil); code != 201 {
		t.Fatalf("POST shipment: %d %s", code, raw)
	}
	p := stormParcel{number: cwParcel, carrier: "china-post", sender: "aftership"}
	for i, st := range []order.ShipmentStatus{order.ShipmentInTransit, order.ShipmentOutForDelivery, order.ShipmentDelivered} {
		body, id := carrierBuilders["aftership"](t, parcelEvent{o: disputed, p: p, seq: 700 + i, status: st,
			at: now.Add(time.Duration(i*10-40) * time.Minute)})
		deliver("aftership "+id, keys.signCarrier("aftership", id, body, time.Now()))
	}

	dispute := func(o *stormOrder, eventID string, due time.Time) {
		t.Helper()
		body := loadJSON(t, "payment", "stripe", "charge.dispute.created.no_metadata.json").set("id", eventID,
			"created", num(now.Add(-10*time.Minute).Unix()), "data.object.id", o.disputeRef,
			"data.object.created", num(now.Add(-11*time.Minute).Unix()), "data.object.charge", o.chargeRef,
			"data.object.payment_intent", nil, "data.object.amount", num(o.amount), "data.object.currency", "usd",
			"data.object.evidence_details.due_by", num(due.Unix())).bytes()
		deliver("stripe dispute "+eventID, keys.signPayment(t, "stripe", eventID, body, time.Now()))
	}
	w.dueBy, w.earlierDue = now.Add(7*24*time.Hour), now.Add(3*24*time.Hour)
	dispute(disputed, "evt_1ConsDisp2eZvKYlo2Cdcre02", w.dueBy)
	earlier := &stormOrder{id: cwEarlier, amount: 3300, currency: "USD", paymentRef: "pi_3ConsT2eZvKYlo2C4e4e4e4e",
		chargeRef: "ch_3ConsT2eZvKYlo2C4f4f4f4f", disputeRef: "dp_1ConsD2eZvKYlo2C0disp04"}
	pay(earlier, "evt_3ConsPay2eZvKYlo2C4gHiJkLm", map[string]any{"order_id": cwEarlier}, now.Add(-45*time.Minute))
	dispute(earlier, "evt_1ConsDisp2eZvKYlo2Cdcre04", w.earlierDue)

	// The world is as described, through the API, before any page is looked at.
	for id, want := range map[string]string{cwDisputed: "delivered", cwUnpaid: "pending_payment", cwPaid: "awaiting_shipment",
		cwEarlier: "awaiting_shipment"} {
		var got walkOrder
		if code, raw := w.api("GET", "/v1/orders/"+id, "", &got); code != 200 || got.Status != want {
			t.Fatalf("seed: %s is %q (%d, %d bytes), want %s", id, got.Status, code, len(raw), want)
		}
		due := map[string]time.Time{cwDisputed: w.dueBy, cwEarlier: w.earlierDue}[id]
		if !due.IsZero() && (len(got.Disputes) != 1 || got.Disputes[0].RespondBy == nil || !got.Disputes[0].RespondBy.Equal(due)) {
			t.Fatalf("seed: %s disputes %+v, want one due by %s", id, got.Disputes, due)
		}
	}
	var unfiled struct {
		Events []struct {
			Provider string `json:"provider"`
			EventID  string `json:"provider_event_id"`
		} `json:"events"`
	}
	if code, raw := w.api("GET", "/v1/events?status=unfiled", "", &unfiled); code != 200 || len(unfiled.Events) != 1 ||
		unfiled.Events[0].EventID != w.unfiledID {
		t.Fatalf("seed: unfiled events %d %s, want only %s", code, raw, w.unfiledID)
	}
	walkWaitOutbox(t, w.api, cwDisputed, "shipment_delivered")
	return w
}

// contains reports whether s contains sub, ignoring case and reading "_" as a space (a
// status may be shown as awaiting_shipment or "Awaiting shipment").
func contains(s, sub string) bool {
	norm := func(x string) string { return strings.ToLower(strings.ReplaceAll(x, "_", " ")) }
	return strings.Contains(norm(s), norm(sub))
}
