package tracking

import (
	"context"
	"net/http"
	"testing"
	"time"

	"github.com/orderwire/orderwire/internal/order"
	"github.com/orderwire/orderwire/internal/order/ordertest"
)

// TestStandardOfficialVector is standard-webhooks/standard-webhooks libraries/go/webhook_test.go
// TestWebhookSign, verified at a fixed now.
func TestStandardOfficialVector(t *testing.T) {
	p := mustProvider(t, Config{StandardSecrets: []string{standardSecret}}, NameStandard)
	h := http.Header{
		"Webhook-Id":        {"msg_p5jXN8AQM9LWM0D4loKWxJek"},
		"Webhook-Timestamp": {"1614265330"},
		"Webhook-Signature": {"v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="},
	}
	r := Request{Header: h, Body: []byte(standardOfficialBody)}
	ordertest.WantCode(t, p.Verify(context.Background(), r, time.Unix(1614265330, 0)), "")
	ordertest.WantCode(t, p.Verify(context.Background(), r, time.Unix(1614265330+301, 0)), order.CodeUnauthorized)
}

func TestStandardVerify(t *testing.T) {
	body := fixture(t, "standard", "shipment_updated.json")
	p := mustProvider(t, Config{StandardSecrets: []string{standardSecret}}, NameStandard)
	rotated := mustProvider(t, Config{StandardSecrets: []string{standardOtherSecret, standardSecret}}, NameStandard)
	valid := standardRequest(body, standardSecret, "msg_2Zx9Y", testNow)
	without := func(name string) Request {
		h := valid.Header.Clone()
		h.Del(name)
		return Request{Header: h, Body: body}
	}
	withSig := func(v string) Request {
		h := valid.Header.Clone()
		h.Set("webhook-signature", v)
		return Request{Header: h, Body: body}
	}
	sig := valid.Header.Get("webhook-signature")
	tests := []struct {
		name string
		p    Provider
		r    Request
		now  time.Time
		code order.Code
	}{
		{"valid", p, valid, testNow, ""},
		{"valid 299 s later", p, valid, testNow.Add(299 * time.Second), ""},
		{"rotated: second of two secrets matches", rotated, valid, testNow, ""},
		{"several signatures, other versions ignored", p, withSig("v1a,AAAA v2," + sig[3:] + " v1,Ceo5qEr07ixe2NLpvHk3FH9bwy/WavXrAFQ/9tdO6mc= " + sig), testNow, ""},
		{"tampered body", p, Request{Header: valid.Header, Body: tamper(body)}, testNow, order.CodeUnauthorized},
		{"wrong secret", p, standardRequest(body, standardOtherSecret, "msg_2Zx9Y", testNow), testNow, order.CodeUnauthorized},
		{"stale timestamp", p, standardRequest(body, standardSecret, "msg_2Zx9Y", testNow.Add(-301*time.Second)), testNow, order.CodeUnauthorized},
		{"far-future timestamp", p, standardRequest(body, standardSecret, "msg_2Zx9Y", testNow.Add(301*time.Second)), testNow, order.CodeUnauthorized},
		{"missing webhook-id", p, without("webhook-id"), testNow, order.CodeUnauthorized},
		{"missing webhook-timestamp", p, without("webhook-timestamp"), testNow, order.CodeUnauthorized},
		{"missing webhook-signature", p, without("webhook-signature"), testNow, order.CodeUnauthorized},
		{"only other versions", p, withSig("v2," + sig[3:]), testNow, order.CodeUnauthorized},
		{"timestamp not a number", p, func() Request { r := without(""); r.Header.Set("webhook-timestamp", "soon"); return r }(), testNow, order.CodeUnauthorized},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ordertest.WantCode(t, tt.p.Verify(context.Background(), tt.r, tt.now), tt.code)
		})
	}
}

func TestStandardParse(t *testing.T) {
	p := mustProvider(t, Config{StandardSecrets: []string{standardSecret}}, NameStandard)
	tests := []eventWant{
		{
			file: "shipment_updated.json", typ: "shipment.updated", eventID: "msg_shipment_updated", number: "CP123456785CN",
			carrier: "yunexpress", status: order.ShipmentOutForDelivery, provider: "out_for_delivery", sub: "with_local_courier",
			occurredAt: time.Date(2026, 3, 1, 7, 30, 0, 0, time.UTC), checkpoints: 3,
			first: order.Checkpoint{At: time.Date(2026, 2, 20, 3, 0, 0, 0, time.UTC), Location: "Shenzhen, CN",
				Message: "Departed origin hub", Status: "in_transit"},
			last: order.Checkpoint{At: time.Date(2026, 3, 1, 7, 30, 0, 0, time.UTC), Location: "Valencia, ES",
				Message: "With local courier for delivery", Status: "out_for_delivery"},
		},
		{file: "unknown_status.json", typ: "shipment.updated", number: "CP123456785CN", status: "",
			provider: "customs_hold", occurredAt: testNow}, // no timestamp: webhook-timestamp
		{file: "unknown_type.json", typ: "shipment.label_printed", status: "",
			occurredAt: time.Date(2026, 2, 19, 8, 0, 0, 0, time.UTC)},
	}
	for _, w := range tests {
		id := "msg_" + w.file[:len(w.file)-len(".json")]
		ev, err := p.Parse(standardRequest(fixture(t, "standard", w.file), standardSecret, id, testNow))
		if err != nil {
			t.Errorf("%s: %v", w.file, err)
			continue
		}
		w.check(t, NameStandard, ev)
	}
	for _, bad := range []string{"malformed.json", "bad_checkpoint_time.json"} {
		_, err := p.Parse(standardRequest(fixture(t, "standard", bad), standardSecret, "msg_bad", testNow))
		ordertest.WantCode(t, err, order.CodeInvalid)
	}
	body := fixture(t, "standard", "shipment_updated.json")
	_, err := p.Parse(Request{Header: http.Header{}, Body: body})
	ordertest.WantCode(t, err, order.CodeInvalid) // no webhook-id: no event id
	for name, set := range map[string]map[string]any{
		"no tracking number":    {"data.tracking_number": nil},
		"timestamp not RFC3339": {"timestamp": "yesterday"},
		"data not an object":    {"data": []any{1}},
	} {
		_, err := p.Parse(standardRequest(edit(t, body, set), standardSecret, "msg_x", testNow))
		if order.ErrorCode(err) != order.CodeInvalid {
			t.Errorf("%s: err = %v, want invalid", name, err)
		}
	}
}

// TestStandardStatuses: every order.ShipmentStatus passes verbatim; anything else is "".
func TestStandardStatuses(t *testing.T) {
	p := mustProvider(t, Config{StandardSecrets: []string{standardSecret}}, NameStandard)
	body := fixture(t, "standard", "shipment_updated.json")
	statuses := append([]order.ShipmentStatus{}, order.ShipmentStatuses...)
	for _, s := range append(statuses, "Delivered", "IN_TRANSIT", "lost", "") {
		ev, err := p.Parse(standardRequest(edit(t, body, map[string]any{"data.status": string(s)}), standardSecret, "msg_s", testNow))
		want := s
		if !s.Valid() {
			want = ""
		}
		if err != nil || ev.Status != want || ev.ProviderStatus != string(s) {
			t.Errorf("status %q: got %q, %v; want %q", s, ev.Status, err, want)
		}
	}
	if len(StatusMappings(NameStandard)) != 0 {
		t.Error("standard has no mapping table")
	}
}
