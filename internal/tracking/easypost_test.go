package tracking

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/orderwire/orderwire/internal/order"
	"github.com/orderwire/orderwire/internal/order/ordertest"
	"golang.org/x/text/unicode/norm"
)

// TestEasyPostVector checks PROVIDERS.md's vector (secret "secret") against Verify.
func TestEasyPostVector(t *testing.T) {
	const want = "hmac-sha256-hex=7cbd5e4c770e25c6d6ae02403f110e800c95bff9e4eeff5798bbdf8c59ee6969"
	p := newEasyPost([]string{"secret"}) // too short for Providers, which fails closed
	r := Request{Header: http.Header{"X-Hmac-Signature": {want}}, Body: []byte(providersDotMDBody)}
	ordertest.WantCode(t, p.Verify(context.Background(), r, testNow), "")
	if got := easyPostRequest([]byte(providersDotMDBody), "secret").Header.Get("X-Hmac-Signature"); got != want {
		t.Fatalf("test signer computes %s", got)
	}
}

func TestEasyPostVerify(t *testing.T) {
	body := fixture(t, "easypost", "tracker_updated.json")
	p := mustProvider(t, Config{EasyPostSecrets: []string{easyPostSecret}}, NameEasyPost)
	rotated := mustProvider(t, Config{EasyPostSecrets: []string{easyPostOtherSecret, easyPostSecret}}, NameEasyPost)
	valid := easyPostRequest(body, easyPostSecret)
	sig := valid.Header.Get("X-Hmac-Signature")
	withSig := func(v string) Request { return Request{Header: http.Header{"X-Hmac-Signature": {v}}, Body: body} }
	if norm.NFKD.String(easyPostSecret) == easyPostSecret {
		t.Fatal("the test secret must change under NFKD")
	}
	unnormalised := hmac.New(sha256.New, []byte(easyPostSecret))
	unnormalised.Write(body)
	tests := []struct {
		name string
		p    Provider
		r    Request
		code order.Code
	}{
		{"valid (key NFKD-normalised)", p, valid, ""},
		{"rotated: second of two secrets matches", rotated, valid, ""},
		{"upper-case hex and prefix", p, withSig(strings.ToUpper(sig)), ""},
		{"lower-case header key", p, Request{Header: http.Header{"x-hmac-signature": {sig}}, Body: body}, ""},
		{"key not normalised", p, withSig("hmac-sha256-hex=" + hex.EncodeToString(unnormalised.Sum(nil))), order.CodeUnauthorized},
		{"tampered body", p, Request{Header: valid.Header, Body: tamper(body)}, order.CodeUnauthorized},
		{"wrong secret", p, easyPostRequest(body, easyPostOtherSecret), order.CodeUnauthorized},
		{"missing header", p, Request{Header: http.Header{}, Body: body}, order.CodeUnauthorized},
		{"no prefix", p, withSig(sig[len("hmac-sha256-hex="):]), order.CodeUnauthorized},
		{"not hex", p, withSig("hmac-sha256-hex=xyz"), order.CodeUnauthorized},
		{"empty digest", p, withSig("hmac-sha256-hex="), order.CodeUnauthorized},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ordertest.WantCode(t, tt.p.Verify(context.Background(), tt.r, testNow), tt.code)
		})
	}
}

func TestEasyPostParse(t *testing.T) {
	p := mustProvider(t, Config{EasyPostSecrets: []string{easyPostSecret}}, NameEasyPost)
	tests := []eventWant{
		{
			file: "tracker_updated.json", typ: "tracker.updated", eventID: "evt_8a1e6f9c4b2d11f0a7c3b5e2d4f6a8c0",
			number: "9400110898825022579493", carrier: "usps", status: order.ShipmentDelivered,
			provider: "delivered", sub: "arrived_at_destination", occurredAt: time.Date(2026, 3, 1, 9, 47, 0, 0, time.UTC),
			checkpoints: 5,
			first: order.Checkpoint{At: time.Date(2026, 2, 25, 21, 13, 0, 0, time.UTC), Location: "ONTARIO, CA, 91761",
				Message: "Shipping Label Created, USPS Awaiting Item", Status: "pre_transit"},
			last: order.Checkpoint{At: time.Date(2026, 3, 1, 9, 47, 0, 0, time.UTC), Location: "PORTLAND, OR, 97209",
				Message: "Delivered, In/At Mailbox", Status: "delivered"},
		},
		{file: "tracker_created.json", typ: "tracker.created", number: "9400110898825022579493", carrier: "usps",
			status: order.ShipmentInfoReceived, provider: "pre_transit", sub: "label_created",
			occurredAt: time.Date(2026, 2, 25, 21, 14, 5, 0, time.UTC)}, // no details: the Tracker's updated_at
		// EasyPost sends every event to one URL: a batch event (whose result.status is an
		// object) is recorded, not refused.
		{file: "batch_updated.json", typ: "batch.updated", eventID: "evt_5e4d3c2b1a0911f0a1b2c3d4e5f6a7b8",
			status: "", occurredAt: time.Date(2026, 2, 25, 21, 10, 0, 0, time.UTC)},
	}
	for _, w := range tests {
		ev, err := p.Parse(easyPostRequest(fixture(t, "easypost", w.file), easyPostSecret))
		if err != nil {
			t.Errorf("%s: %v", w.file, err)
			continue
		}
		w.check(t, NameEasyPost, ev)
	}
	for _, bad := range []string{"malformed.json", "no_id.json"} {
		_, err := p.Parse(Request{Body: fixture(t, "easypost", bad)})
		ordertest.WantCode(t, err, order.CodeInvalid)
	}
	body := fixture(t, "easypost", "tracker_updated.json")
	for name, set := range map[string]map[string]any{
		"tracker without tracking code": {"result.tracking_code": nil},
		"tracker result not an object":  {"result": "trk_1"},
		"tracker status not a string":   {"result.status": map[string]any{"x": 1}},
	} {
		_, err := p.Parse(Request{Body: edit(t, body, set)})
		if order.ErrorCode(err) != order.CodeInvalid {
			t.Errorf("%s: err = %v, want invalid", name, err)
		}
	}
}

// easyPostSpec is the mapping table decided from docs.easypost.com/docs/trackers (status
// and status_detail values; TestEasyPostDocumentedDetails lists them): a failure the carrier
// will retry is attempt_failed, a return under way is not returned yet.
var easyPostSpec = []StatusMapping{
	{"unknown", "", order.ShipmentPending},
	{"pre_transit", "", order.ShipmentInfoReceived},
	{"in_transit", "", order.ShipmentInTransit},
	{"out_for_delivery", "", order.ShipmentOutForDelivery},
	{"delivered", "", order.ShipmentDelivered},
	{"available_for_pickup", "", order.ShipmentAvailableForPickup},
	{"return_to_sender", "", order.ShipmentException},
	{"return_to_sender", "arrived_at_destination", order.ShipmentReturned},
	{"failure", "", order.ShipmentException},
	{"failure", "delayed", order.ShipmentAttemptFailed},
	{"failure", "weather_delay", order.ShipmentAttemptFailed},
	{"failure", "address_correction", order.ShipmentAttemptFailed},
	{"cancelled", "", order.ShipmentException},
}

func TestEasyPostMappingTable(t *testing.T) {
	if got := StatusMappings(NameEasyPost); !slices.Equal(got, easyPostSpec) {
		t.Fatalf("StatusMappings = %v, want %v", got, easyPostSpec)
	}
	p := mustProvider(t, Config{EasyPostSecrets: []string{easyPostSecret}}, NameEasyPost)
	body := fixture(t, "easypost", "tracker_updated.json")
	rows := append(slices.Clone(easyPostSpec),
		StatusMapping{"error", "", ""}, // EasyPost could not track: not the parcel's state
		StatusMapping{"in_transit", "delivery_exception", order.ShipmentInTransit},
		StatusMapping{"teleported", "", ""},
	)
	for _, m := range rows {
		for _, description := range []string{"tracker.updated", "tracker.created"} {
			r := easyPostRequest(edit(t, body, map[string]any{
				"description": description, "result.status": m.ProviderStatus, "result.status_detail": m.SubStatus,
			}), easyPostSecret)
			ordertest.WantCode(t, p.Verify(context.Background(), r, testNow), "")
			ev, err := p.Parse(r)
			if err != nil || ev.Status != m.Status || ev.ProviderStatus != m.ProviderStatus || ev.SubStatus != m.SubStatus {
				t.Errorf("%s %s/%s: status %q, %v; want %q", description, m.ProviderStatus, m.SubStatus, ev.Status, err, m.Status)
			}
		}
	}
	ev, err := p.Parse(Request{Body: edit(t, body, map[string]any{"description": "insurance.purchased"})})
	if err != nil || ev.Status != "" || ev.TrackingNumber != "" {
		t.Errorf("non-tracker event: %+v, %v; want recorded without status or tracking number", ev, err)
	}
}

func TestEasyPostAcknowledge(t *testing.T) {
	p := mustProvider(t, Config{EasyPostSecrets: []string{easyPostSecret}}, NameEasyPost)
	if status, ct, body := p.Acknowledge(); status != http.StatusOK || ct != "application/json" || string(body) != jsonAck {
		t.Fatalf("Acknowledge = %d %s %s", status, ct, body)
	}
}
