package httpapi_test

import (
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/orderwire/orderwire/internal/embedded"
	"github.com/orderwire/orderwire/internal/httpapi"
	"github.com/orderwire/orderwire/internal/order"
	"github.com/orderwire/orderwire/internal/payment"
	"github.com/orderwire/orderwire/internal/seller"
	"github.com/orderwire/orderwire/internal/tracking"
)

// TestCarrierScenarios runs every scenario for every carrier-tracking sender, end to end:
// signed as the sender signs, through httpapi.New with the real providers, on the embedded
// store, one store per subtest (e.g. TestCarrierScenarios/easypost/out_of_order). Scenarios
// that do not apply to a sender are not run for it (see TestProviderScenarios).
func TestCarrierScenarios(t *testing.T) {
	for _, s := range carrierSigners() {
		t.Run(s.name, func(t *testing.T) {
			t.Parallel()
			for _, sc := range carrierScenarios {
				if sc.appliesTo != nil && !sc.appliesTo(s) {
					continue
				}
				t.Run(sc.name, func(t *testing.T) { sc.run(t, newCarrierHarness(t, ""), s) })
			}
		})
	}
}

// The parcels of the scenarios: a China Post S10 number and a UPS 1Z number.
var (
	postal  = parcel{carrier: "china-post", number: "RR123456785CN", service: "postal"}
	express = parcel{carrier: "ups", number: "1Z999AA10123456784", service: "express"}
)

const inTransit, delivered = order.ShipmentInTransit, order.ShipmentDelivered

var carrierScenarios = []struct {
	name      string
	appliesTo func(carrierSigner) bool // nil: every sender
	run       func(t *testing.T, h *carrierHarness, s carrierSigner)
}{
	{"valid", nil, func(t *testing.T, h *carrierHarness, s carrierSigner) {
		h.paidOrder(t, "AE-C100", postal)
		e := s.event("c100", postal.number, inTransit, inTransitAt)
		id := h.post(t, s, e)
		got := h.getOrder(t, "AE-C100")
		if got["status"] != "shipped" {
			t.Fatalf("order after in_transit: %v", got)
		}
		wantParcel(t, got, s, e)
		wantTrackingEntry(t, got, s, e, id)
	}},
	{"delivered", nil, func(t *testing.T, h *carrierHarness, s carrierSigner) {
		h.paidOrder(t, "AE-C200", postal)
		e := s.event("c200", postal.number, delivered, deliveredAt)
		first := h.post(t, s, e)
		got := h.getOrder(t, "AE-C200")
		if got["status"] != "delivered" {
			t.Fatalf("order after delivered: %v", got)
		}
		wantParcel(t, got, s, e)
		h.wantDeliveredNotes(t, "AE-C200", s, first)
		// Carriers repeat a delivery (another scan, another event id): no second message.
		again := h.post(t, s, s.event("c200-again", postal.number, delivered, deliveredAt.Add(time.Minute)))
		if again == first {
			t.Fatalf("the repeated delivery has the first one's event id %s", first)
		}
		if entry := timelineEntry(t, h.getOrder(t, "AE-C200"), again); entry["applied"] != false {
			t.Errorf("the repeated delivery was applied: %v", entry)
		}
		h.wantDeliveredNotes(t, "AE-C200", s, first)
	}},
	{"duplicate", nil, func(t *testing.T, h *carrierHarness, s carrierSigner) {
		h.paidOrder(t, "AE-C300", postal)
		d := s.signed(t, s.event("c300", postal.number, delivered, deliveredAt), signFirst, sentAt)
		h.wantAck(t, h.deliver(d), s)
		before := h.getOrder(t, "AE-C300")
		h.wantAck(t, h.deliver(d), s) // the sender's retry: same bytes, same headers
		if after := h.getOrder(t, "AE-C300"); mustJSON(t, after) != mustJSON(t, before) {
			t.Fatalf("a duplicate changed the order\nbefore %v\nafter  %v", before, after)
		}
		h.wantEvidence(t, "AE-C300", 2) // the payment's and the delivery's
		if n := strings.Count(h.logs.String(), `"outcome":"duplicate"`); n != 1 {
			t.Fatalf("%d deliveries logged as duplicate, want 1:\n%s", n, h.logs)
		}
	}},
	{"out_of_order", nil, func(t *testing.T, h *carrierHarness, s carrierSigner) {
		h.paidOrder(t, "AE-C400", postal)
		e := s.event("c400-delivered", postal.number, delivered, deliveredAt)
		h.post(t, s, e)
		before := h.getOrder(t, "AE-C400")
		late := h.post(t, s, s.event("c400-transit", postal.number, inTransit, inTransitAt)) // scanned first, sent last
		got := h.getOrder(t, "AE-C400")
		if got["status"] != "delivered" || got["version"] != before["version"] {
			t.Fatalf("a late in_transit was applied: %v", got)
		}
		wantParcel(t, got, s, e)
		entry := timelineEntry(t, got, late)
		if entry["applied"] != false || !strings.HasPrefix(fmt.Sprint(entry["reason"]), "stale") ||
			entry["occurred_at"] != inTransitAt.Format(time.RFC3339) || entry["shipment_status"] != "in_transit" {
			t.Fatalf("late event entry = %v", entry)
		}
	}},
	{"unregistered_number", nil, func(t *testing.T, h *carrierHarness, s carrierSigner) {
		h.paidOrder(t, "AE-C500") // paid; the carrier scans the parcel before the seller registers it
		e := s.event("c500", express.number, inTransit, inTransitAt)
		id := h.post(t, s, e)
		if !strings.Contains(h.logs.String(), `"outcome":"parked"`) {
			t.Fatalf("the early event was not parked:\n%s", h.logs)
		}
		answer := h.ship(t, "AE-C500", express)
		if answer["status"] != "shipped" {
			t.Fatalf("registration answer: %v", answer)
		}
		wantParcel(t, answer, s, e)
		got := h.getOrder(t, "AE-C500")
		wantParcel(t, got, s, e)
		wantTrackingEntry(t, got, s, e, id)
		h.wantEvidence(t, "AE-C500", 2) // the payment's and the parked event's
	}},
	{"multi_parcel", nil, func(t *testing.T, h *carrierHarness, s carrierSigner) {
		h.paidOrder(t, "AE-C600", postal, express)
		first := s.event("c600-postal", postal.number, delivered, deliveredAt)
		h.post(t, s, first)
		got := h.getOrder(t, "AE-C600")
		if got["status"] != "shipped" || parcelOf(t, got, express.number)["status"] != "pending" {
			t.Fatalf("one of two parcels delivered: %v", got)
		}
		wantParcel(t, got, s, first)
		second := s.event("c600-express", express.number, delivered, deliveredAt.Add(5*time.Minute))
		h.post(t, s, second)
		got = h.getOrder(t, "AE-C600")
		if got["status"] != "delivered" {
			t.Fatalf("both parcels delivered: %v", got)
		}
		wantParcel(t, got, s, second)
		if n := h.notes(t, "AE-C600")[order.NotifyShipmentDelivered]; n != 2 {
			t.Fatalf("%d shipment_delivered rows, want one per parcel", n)
		}
	}},
	{"tampered_body", nil, refusedCarrier(func(t *testing.T, s carrierSigner, e parcelEvent) delivery {
		return tamper(s.signed(t, e, signFirst, sentAt), e.number) // RR123456785CN becomes ...CO
	})},
	{"wrong_secret", nil, refusedCarrier(func(t *testing.T, s carrierSigner, e parcelEvent) delivery {
		return s.signed(t, e, signWrong, sentAt)
	})},
	// AfterShip, 17TRACK and EasyPost sign no timestamp: replays are deduplicated instead.
	{"stale_timestamp", func(s carrierSigner) bool { return s.timed }, refusedCarrier(func(t *testing.T, s carrierSigner, e parcelEvent) delivery {
		return s.signed(t, e, signFirst, provNow.Add(-10*time.Minute))
	})},
	{"rotated_secret", nil, func(t *testing.T, h *carrierHarness, s carrierSigner) {
		h.paidOrder(t, "AE-C800", postal)
		e := s.event("c800", postal.number, inTransit, inTransitAt)
		h.wantAck(t, h.deliver(s.signed(t, e, signSecond, sentAt)), s)
		wantParcel(t, h.getOrder(t, "AE-C800"), s, e)
	}},
	{"unknown_or_disabled_route", nil, func(t *testing.T, h *carrierHarness, s carrierSigner) {
		h.paidOrder(t, "AE-C900", postal)
		before := h.getOrder(t, "AE-C900")
		d := s.signed(t, s.event("c900", postal.number, delivered, deliveredAt), signFirst, sentAt)
		decodeError(t, newCarrierHarness(t, s.name).deliver(d), http.StatusNotFound, "not_found")
		for _, path := range []string{"/webhooks/carriers/dhl", "/webhooks/carriers/" + strings.ToUpper(s.name)} {
			unknown := d
			unknown.path = path
			decodeError(t, h.deliver(unknown), http.StatusNotFound, "not_found")
		}
		if after := h.getOrder(t, "AE-C900"); mustJSON(t, after) != mustJSON(t, before) {
			t.Fatalf("a refused delivery changed the order\nbefore %v\nafter  %v", before, after)
		}
	}},
}

// refusedCarrier is a scenario where bad makes a delivery that must be refused with 401 and
// change nothing; the genuine delivery of the same event is accepted afterwards.
func refusedCarrier(bad func(t *testing.T, s carrierSigner, e parcelEvent) delivery) func(*testing.T, *carrierHarness, carrierSigner) {
	return func(t *testing.T, h *carrierHarness, s carrierSigner) {
		h.paidOrder(t, "AE-C700", postal)
		before := h.getOrder(t, "AE-C700")
		e := s.event("c700", postal.number, delivered, deliveredAt)
		decodeError(t, h.deliver(bad(t, s, e)), http.StatusUnauthorized, "unauthorized")
		if after := h.getOrder(t, "AE-C700"); mustJSON(t, after) != mustJSON(t, before) {
			t.Fatalf("a refused delivery changed the order\nbefore %v\nafter  %v", before, after)
		}
		h.wantEvidence(t, "AE-C700", 1) // the payment's only
		h.post(t, s, e)
		wantParcel(t, h.getOrder(t, "AE-C700"), s, e)
	}
}

// parcel is a shipment as the seller registers it.
type parcel struct{ carrier, number, service string }

// carrierHarness is the real handler with the four carrier senders and the Standard
// Webhooks payment provider (to pay orders) enabled, the embedded store and a fixed clock.
type carrierHarness struct {
	*providerHarness
	carriers map[string]tracking.Provider
	pay      signer
}

// newCarrierHarness enables every carrier sender but disabled (none when "").
func newCarrierHarness(t *testing.T, disabled string) *carrierHarness {
	t.Helper()
	st, err := embedded.Open(t.TempDir(), embedded.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = st.Close() })
	payments, err := payment.Providers(payment.Config{StandardSecrets: standardSecrets[:2]})
	if err != nil {
		t.Fatal(err)
	}
	cfg := carrierConfig()
	for name, list := range map[string]*[]string{"aftership": &cfg.AfterShipSecrets, "17track": &cfg.SeventeenTrackKeys,
		"easypost": &cfg.EasyPostSecrets, "standard": &cfg.StandardSecrets} {
		if name == disabled {
			*list = nil
		}
	}
	carriers, err := tracking.Providers(cfg)
	if err != nil {
		t.Fatal(err)
	}
	logs := &bytes.Buffer{}
	clock := func() time.Time { return provNow }
	h := httpapi.New(httpapi.Config{
		Orders: &seller.Service{Orders: st, Now: clock}, Tokens: []string{token},
		Payments: payments, Events: st, Carriers: carriers, Tracking: st, Now: clock,
		Logger: slog.New(slog.NewJSONHandler(logs, nil)),
	})
	ph := &providerHarness{webhookFixture: &webhookFixture{fixture: &fixture{handler: h, store: st, logs: logs}, events: st}, providers: payments}
	h2 := &carrierHarness{providerHarness: ph, carriers: carriers}
	for _, s := range signers() {
		if s.name == "standard" {
			h2.pay = s
		}
	}
	return h2
}

// paidOrder registers order id, pays it (9 February) and registers its parcels.
func (h *carrierHarness) paidOrder(t *testing.T, id string, parcels ...parcel) {
	t.Helper()
	h.register(t, h.pay, id)
	paid := h.pay.success(t, id, id, time.Date(2026, 2, 9, 12, 0, 0, 0, time.UTC))
	h.providerHarness.wantAck(t, h.deliver(h.pay.sign(t, paid, signFirst, sentAt)), h.pay)
	for _, p := range parcels {
		h.ship(t, id, p)
	}
}

// ship registers parcel p (shipped 10 February) and returns the 201 answer.
func (h *carrierHarness) ship(t *testing.T, id string, p parcel) map[string]any {
	t.Helper()
	rec := h.do("POST", "/v1/orders/"+id+"/shipments", fmt.Sprintf(
		`{"carrier":%q,"tracking_number":%q,"service":%q,"shipped_at":"2026-02-10T09:00:00Z"}`, p.carrier, p.number, p.service))
	if rec.Code != http.StatusCreated {
		t.Fatalf("register %s on %s: %d %s", p.number, id, rec.Code, rec.Body)
	}
	return decodeJSON(t, rec)
}

// post sends e signed with the first secret, wants the sender's success reply, and returns
// the event id orderwire files it under.
func (h *carrierHarness) post(t *testing.T, s carrierSigner, e parcelEvent) string {
	t.Helper()
	d := s.signed(t, e, signFirst, sentAt)
	h.wantAck(t, h.deliver(d), s)
	if e.id != "" {
		return e.id
	}
	ev, err := h.carriers[s.name].Parse(tracking.Request{Method: "POST", Path: d.path, Header: d.header, Body: d.body})
	if err != nil {
		t.Fatal(err)
	}
	return ev.EventID // derived: 17TRACK sends no event id
}

// wantAck checks the sender's own success reply, exactly as Acknowledge returns it.
func (h *carrierHarness) wantAck(t *testing.T, rec *httptest.ResponseRecorder, s carrierSigner) {
	t.Helper()
	status, contentType, body := h.carriers[s.name].Acknowledge()
	if rec.Code != status || rec.Header().Get("Content-Type") != contentType || rec.Body.String() != string(body) {
		t.Fatalf("reply %d %q %s; want %d %q %s", rec.Code, rec.Header().Get("Content-Type"), rec.Body, status, contentType, body)
	}
}

// notes counts the order's outbox rows by kind, read from the store directly.
func (h *carrierHarness) notes(t *testing.T, id string) map[order.NotificationKind]int {
	t.Helper()
	list, err := h.store.Notifications(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	n := map[order.NotificationKind]int{}
	for _, note := range list {
		n[note.Kind]++
	}
	return n
}

// wantDeliveredNotes wants exactly one shipment_delivered row, caused by eventID.
func (h *carrierHarness) wantDeliveredNotes(t *testing.T, id string, s carrierSigner, eventID string) {
	t.Helper()
	list, err := h.store.Notifications(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	var rows []order.Notification
	for _, note := range list {
		if note.Kind == order.NotifyShipmentDelivered {
			rows = append(rows, note)
		}
	}
	if len(rows) != 1 || rows[0].CauseSource != s.name || rows[0].CauseEventID != eventID || rows[0].Status != order.NotificationPending {
		t.Fatalf("shipment_delivered rows = %+v, want one caused by %s %s", rows, s.name, eventID)
	}
}

// parcelOf returns the order's shipment with the tracking number.
func parcelOf(t *testing.T, o map[string]any, number string) map[string]any {
	t.Helper()
	for _, sh := range o["shipments"].([]any) {
		if sh := sh.(map[string]any); sh["tracking_number"] == number {
			return sh
		}
	}
	t.Fatalf("no shipment %s in %v", number, o["shipments"])
	return nil
}

// wantParcel checks that the order shows e's parcel in e's status, worded as s words it.
func wantParcel(t *testing.T, o map[string]any, s carrierSigner, e parcelEvent) {
	t.Helper()
	sh, w := parcelOf(t, o, e.number), s.words[e.status]
	if sh["status"] != string(e.status) || sh["provider_status"] != w.tag || sh["sub_status"] != w.sub ||
		sh["status_at"] != e.at.UTC().Format(time.RFC3339) {
		t.Fatalf("parcel %s = %v, want %s (%s %s) at %s", e.number, sh, e.status, w.tag, w.sub, e.at)
	}
}

// wantTrackingEntry checks e's applied timeline entry, with the body's checkpoints.
func wantTrackingEntry(t *testing.T, o map[string]any, s carrierSigner, e parcelEvent, id string) {
	t.Helper()
	entry, w, at := timelineEntry(t, o, id), s.words[e.status], e.at.UTC().Format(time.RFC3339)
	want := map[string]any{"kind": "tracking_update", "type": s.eventType, "source": s.name, "provider_event_id": id,
		"occurred_at": at, "received_at": provNow.Format(time.RFC3339), "applied": true, "reason": nil,
		"tracking_number": e.number, "shipment_status": string(e.status), "sub_status": w.sub}
	for k, v := range want {
		if entry[k] != v {
			t.Errorf("timeline %s = %v, want %v", k, entry[k], v)
		}
	}
	scans, _ := entry["checkpoints"].([]any)
	if len(scans) != s.scans {
		t.Fatalf("%d checkpoints, want %d: %v", len(scans), s.scans, entry)
	}
	first, last := scans[0].(map[string]any), scans[len(scans)-1].(map[string]any)
	if last["at"] != at || last["location"] != s.location || last["message"] != w.message || last["status"] == nil ||
		fmt.Sprint(first["at"]) >= at || first["message"] == nil {
		t.Fatalf("checkpoints (oldest first, the latest scan from the body) = %v", scans)
	}
}
