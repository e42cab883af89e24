package tracking

import (
	"context"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/orderwire/orderwire/internal/order"
	"github.com/orderwire/orderwire/internal/order/ordertest"
)

// TestAfterShipVector checks PROVIDERS.md's vector (secret "secret") against Verify.
func TestAfterShipVector(t *testing.T) {
	p := &afterShip{keys: byteKeys([]string{"secret"})} // too short for Providers, which fails closed
	h := http.Header{"Aftership-Hmac-Sha256": {"fL1eTHcOJcbWrgJAPxEOgAyVv/nk7v9XmLvfjFnuaWk="}}
	ordertest.WantCode(t, p.Verify(context.Background(), Request{Header: h, Body: []byte(providersDotMDBody)}, testNow), "")
	if got := afterShipRequest([]byte(providersDotMDBody), "secret").Header.Get("aftership-hmac-sha256"); got != h.Get("aftership-hmac-sha256") {
		t.Fatalf("test signer computes %s", got)
	}
}

func TestAfterShipVerify(t *testing.T) {
	body := fixture(t, "aftership", "tracking_update_delivered.json")
	p := mustProvider(t, Config{AfterShipSecrets: []string{afterShipSecret}}, NameAfterShip)
	rotated := mustProvider(t, Config{AfterShipSecrets: []string{afterShipOldSecret, afterShipSecret}}, NameAfterShip)
	valid := afterShipRequest(body, afterShipSecret)
	sig := valid.Header.Get("aftership-hmac-sha256")
	withHeader := func(k, v string) Request { return Request{Header: http.Header{k: {v}}, Body: body} }
	tests := []struct {
		name string
		p    Provider
		r    Request
		code order.Code
	}{
		{"valid", p, valid, ""},
		{"rotated: second of two secrets matches", rotated, valid, ""},
		{"lower-case header key (API Gateway)", p, withHeader("aftership-hmac-sha256", sig), ""},
		{"tampered body", p, Request{Header: valid.Header, Body: tamper(body)}, order.CodeUnauthorized},
		{"wrong secret", p, afterShipRequest(body, afterShipOldSecret), order.CodeUnauthorized},
		{"missing header", p, Request{Header: http.Header{}, Body: body}, order.CodeUnauthorized},
		{"not base64", p, withHeader("Aftership-Hmac-Sha256", "not*base64"), order.CodeUnauthorized},
		{"hex instead of base64", p, withHeader("Aftership-Hmac-Sha256", "7cbd5e4c770e25c6d6ae02403f110e80"), order.CodeUnauthorized},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ordertest.WantCode(t, tt.p.Verify(context.Background(), tt.r, testNow), tt.code)
		})
	}
}

func TestAfterShipParse(t *testing.T) {
	p := mustProvider(t, Config{AfterShipSecrets: []string{afterShipSecret}}, NameAfterShip)
	tests := []eventWant{
		{
			file: "tracking_update_delivered.json", typ: "tracking_update", eventID: "3f645f5e-530b-4062-8695-db6a64420af8",
			number: "RR123456785CN", carrier: "china-post", status: order.ShipmentDelivered,
			provider: "Delivered", sub: "Delivered_001", occurredAt: time.Date(2026, 3, 1, 9, 41, 0, 0, time.UTC),
			checkpoints: 6,
			first: order.Checkpoint{At: time.Date(2026, 2, 11, 8, 55, 3, 0, time.UTC), Location: "China",
				Message: "Electronic information submitted by shipper", Status: "InfoReceived_001"},
			last: order.Checkpoint{At: time.Date(2026, 3, 1, 9, 41, 0, 0, time.UTC), Location: "LYON 02",
				Message: "Votre colis a été livré", Status: "Delivered_001"},
		},
		{file: "edd_revise.json", typ: "edd_revise", number: "RR123456785CN", status: "",
			provider: "InTransit", occurredAt: time.Unix(1772011000, 0).UTC()},
		{
			// No event_id: derived from msg.id and ts. A zone-less checkpoint time is read as
			// UTC, a date-only one as midnight UTC; checkpoints are sorted; location is built.
			file: "legacy_no_event_id.json", typ: "tracking_update", number: "LX123456789DE", carrier: "deutsch-post",
			status: order.ShipmentInTransit, occurredAt: time.Date(2026, 2, 27, 18, 30, 0, 0, time.UTC), checkpoints: 2,
			first: order.Checkpoint{At: time.Date(2026, 2, 26, 0, 0, 0, 0, time.UTC), Location: "Germany",
				Message: "The instruction data for this shipment have been provided by the sender", Status: "InfoReceived"},
			last: order.Checkpoint{At: time.Date(2026, 2, 27, 18, 30, 0, 0, time.UTC), Location: "Leipzig, SN, Germany",
				Message: "The shipment has been processed in the parcel center", Status: "InTransit_001"},
		},
	}
	for _, w := range tests {
		r := afterShipRequest(fixture(t, "aftership", w.file), afterShipSecret)
		ev, err := p.Parse(r)
		if err != nil {
			t.Errorf("%s: %v", w.file, err)
			continue
		}
		w.check(t, NameAfterShip, ev)
	}
	// The derived id is stable across retries and differs for another ts.
	legacy := fixture(t, "aftership", "legacy_no_event_id.json")
	a, _ := p.Parse(Request{Body: legacy})
	b, _ := p.Parse(Request{Body: legacy})
	c, _ := p.Parse(Request{Body: edit(t, legacy, map[string]any{"ts": 1772218801})})
	if a.EventID != b.EventID || a.EventID == c.EventID {
		t.Errorf("derived ids %q %q %q: want the first two equal, the third different", a.EventID, b.EventID, c.EventID)
	}
	for _, bad := range []string{"malformed.json", "no_tracking_number.json", "no_event_id.json"} {
		_, err := p.Parse(Request{Body: fixture(t, "aftership", bad)})
		ordertest.WantCode(t, err, order.CodeInvalid)
	}
	delivered := fixture(t, "aftership", "tracking_update_delivered.json")
	for name, set := range map[string]map[string]any{
		"ts not an integer":         {"ts": 1.5},
		"tracking number with #":    {"msg.tracking_number": "RR1#2"},
		"tracking number too long":  {"msg.tracking_number": strings.Repeat("A", 65)},
		"checkpoints not an array":  {"msg.checkpoints": "none"},
		"tracking number is number": {"msg.tracking_number": 123},
	} {
		_, err := p.Parse(Request{Body: edit(t, delivered, set)})
		if order.ErrorCode(err) != order.CodeInvalid {
			t.Errorf("%s: err = %v, want invalid", name, err)
		}
	}
}

// afterShipSpec is the mapping table of issue 4 and PROVIDERS.md, refined by the sub-tags
// (TestAfterShipDocumentedSubtags lists every documented one): delays stay in_transit,
// "Returning to sender" (Exception_010) stays exception, "Returned to sender"
// (Exception_011) is returned.
var afterShipSpec = []StatusMapping{
	{"Pending", "", order.ShipmentPending},
	{"InfoReceived", "", order.ShipmentInfoReceived},
	{"InTransit", "", order.ShipmentInTransit},
	{"OutForDelivery", "", order.ShipmentOutForDelivery},
	{"AttemptFail", "", order.ShipmentAttemptFailed},
	{"Delivered", "", order.ShipmentDelivered},
	{"AvailableForPickup", "", order.ShipmentAvailableForPickup},
	{"Exception", "", order.ShipmentException},
	{"Exception", "Exception_004", order.ShipmentInTransit},
	{"Exception", "Exception_005", order.ShipmentInTransit},
	{"Exception", "Exception_010", order.ShipmentException},
	{"Exception", "Exception_011", order.ShipmentReturned},
	{"Exception", "Exception_016", order.ShipmentInTransit},
	{"Exception", "Exception_017", order.ShipmentInTransit},
	{"Exception", "Exception_019", order.ShipmentInTransit},
	{"Expired", "", order.ShipmentExpired},
}

func TestAfterShipMappingTable(t *testing.T) {
	if got := StatusMappings(NameAfterShip); !slices.Equal(got, afterShipSpec) {
		t.Fatalf("StatusMappings = %v, want %v", got, afterShipSpec)
	}
	p := mustProvider(t, Config{AfterShipSecrets: []string{afterShipSecret}}, NameAfterShip)
	body := fixture(t, "aftership", "tracking_update_delivered.json")
	rows := append(slices.Clone(afterShipSpec),
		StatusMapping{"Exception", "Exception_010", order.ShipmentException}, // returning: not back yet
		StatusMapping{"Exception", "Exception_013", order.ShipmentException},
		StatusMapping{"Delivered", "Delivered_003", order.ShipmentDelivered},
		StatusMapping{"Lost", "", ""}, // unknown tag: recorded, not applied
		StatusMapping{"", "", ""},
	)
	for _, m := range rows {
		sub := m.SubStatus
		if sub == "" {
			sub = m.ProviderStatus + "_001"
		}
		r := afterShipRequest(edit(t, body, map[string]any{"msg.tag": m.ProviderStatus, "msg.subtag": sub}), afterShipSecret)
		ordertest.WantCode(t, p.Verify(context.Background(), r, testNow), "")
		ev, err := p.Parse(r)
		if err != nil || ev.Status != m.Status || ev.ProviderStatus != m.ProviderStatus || ev.SubStatus != sub {
			t.Errorf("tag %s/%s: status %q (%q/%q), %v; want %q", m.ProviderStatus, sub, ev.Status, ev.ProviderStatus, ev.SubStatus, err, m.Status)
		}
	}
	// Only tracking_update applies a status.
	for _, event := range []string{"edd_revise", "tracking_pending_time"} {
		ev, err := p.Parse(Request{Body: edit(t, body, map[string]any{"event": event})})
		if err != nil || ev.Status != "" || ev.Type != event {
			t.Errorf("%s: status %q, %v; want recorded with no status", event, ev.Status, err)
		}
	}
}

func TestAfterShipAcknowledge(t *testing.T) {
	p := mustProvider(t, Config{AfterShipSecrets: []string{afterShipSecret}}, NameAfterShip)
	if status, ct, body := p.Acknowledge(); status != http.StatusOK || ct != "application/json" || string(body) != jsonAck {
		t.Fatalf("Acknowledge = %d %s %s", status, ct, body)
	}
}
