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

// TestSeventeenTrackVector checks PROVIDERS.md's vector (key "KEY") against Verify.
func TestSeventeenTrackVector(t *testing.T) {
	const want = "40761275e666bd1a072cbe255928034ca4c4fd4f95a30bb48e04f7f24ac7aa27"
	p := &seventeenTrack{keys: byteKeys([]string{"KEY"})} // too short for Providers, which fails closed
	r := Request{Header: http.Header{"Sign": {want}}, Body: []byte(providersDotMDBody)}
	ordertest.WantCode(t, p.Verify(context.Background(), r, testNow), "")
	r.Header = http.Header{"Sign": {strings.ToUpper(want)}} // hex in either case
	ordertest.WantCode(t, p.Verify(context.Background(), r, testNow), "")
	if got := seventeenRequest([]byte(providersDotMDBody), "KEY").Header.Get("sign"); got != want {
		t.Fatalf("test signer computes %s", got)
	}
}

func TestSeventeenTrackVerify(t *testing.T) {
	body := fixture(t, "17track", "tracking_updated_delivered.json")
	p := mustProvider(t, Config{SeventeenTrackKeys: []string{seventeenKey}}, NameSeventeenTrack)
	rotated := mustProvider(t, Config{SeventeenTrackKeys: []string{seventeenOldKey, seventeenKey}}, NameSeventeenTrack)
	valid := seventeenRequest(body, seventeenKey)
	sig := valid.Header.Get("sign")
	withSign := func(v string) Request { return Request{Header: http.Header{"Sign": {v}}, Body: body} }
	tests := []struct {
		name string
		p    Provider
		r    Request
		code order.Code
	}{
		{"valid", p, valid, ""},
		{"rotated: second of two keys matches", rotated, valid, ""},
		{"lower-case header key", p, Request{Header: http.Header{"sign": {sig}}, Body: body}, ""},
		{"tampered body", p, Request{Header: valid.Header, Body: tamper(body)}, order.CodeUnauthorized},
		{"wrong key", p, seventeenRequest(body, seventeenOldKey), order.CodeUnauthorized},
		{"missing header", p, Request{Header: http.Header{}, Body: body}, order.CodeUnauthorized},
		{"not hex", p, withSign(strings.Repeat("z", 64)), order.CodeUnauthorized},
		{"short digest", p, withSign(sig[:62]), order.CodeUnauthorized},
		{"HMAC instead of plain hash", p, withSign(easyPostRequest(body, seventeenKey).Header.Get("X-Hmac-Signature")[16:]), order.CodeUnauthorized},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ordertest.WantCode(t, tt.p.Verify(context.Background(), tt.r, testNow), tt.code)
		})
	}
}

func TestSeventeenTrackParse(t *testing.T) {
	p := mustProvider(t, Config{SeventeenTrackKeys: []string{seventeenKey}}, NameSeventeenTrack)
	delivered := eventWant{
		file: "tracking_updated_delivered.json", typ: "TRACKING_UPDATED", number: "LZ987654326CN", carrier: "3011",
		status: order.ShipmentDelivered, provider: "Delivered", sub: "Delivered_Other",
		occurredAt: time.Date(2026, 2, 28, 11, 4, 0, 0, time.UTC), checkpoints: 6,
		// Events of both providers (China Post, then Correos) merged and sorted.
		first: order.Checkpoint{At: time.Date(2026, 2, 10, 10, 22, 0, 0, time.UTC), Location: "CN",
			Message: "Electronic information received", Status: "InfoReceived"},
		last: order.Checkpoint{At: time.Date(2026, 2, 28, 11, 4, 0, 0, time.UTC), Location: "Valencia",
			Message: "Entregado", Status: "Delivered_Other"},
	}
	stopped := eventWant{file: "tracking_stopped.json", typ: "TRACKING_STOPPED", number: "LZ987654326CN", carrier: "3011"}
	var ids []string
	for _, w := range []eventWant{delivered, stopped} {
		ev, err := p.Parse(seventeenRequest(fixture(t, "17track", w.file), seventeenKey))
		if err != nil {
			t.Fatalf("%s: %v", w.file, err)
		}
		w.check(t, NameSeventeenTrack, ev)
		ids = append(ids, ev.EventID)
	}
	// 17TRACK sends no event id: the derived one is stable for the same state (a re-push with
	// other sync bookkeeping), and new for a new scan.
	body := fixture(t, "17track", "tracking_updated_delivered.json")
	again, _ := p.Parse(Request{Body: edit(t, body, map[string]any{"data.track_info.misc_info": nil})})
	later, _ := p.Parse(Request{Body: edit(t, body, map[string]any{
		"data.track_info.latest_event.time_utc": "2026-02-28T11:05:00Z",
		"data.track_info.tracking":              map[string]any{"providers": []any{}},
	})})
	if ids[0] == ids[1] || again.EventID != ids[0] || later.EventID == ids[0] {
		t.Errorf("derived ids: updated %q stopped %q re-push %q later %q", ids[0], ids[1], again.EventID, later.EventID)
	}
	if !later.OccurredAt.Equal(time.Date(2026, 2, 28, 11, 5, 0, 0, time.UTC)) {
		t.Errorf("without checkpoints OccurredAt = %v, want latest_event.time_utc", later.OccurredAt)
	}
	// time_iso is used when time_utc is absent; an address builds a missing location.
	isoOnly, err := p.Parse(Request{Body: edit(t, body, map[string]any{
		"data.track_info.tracking": map[string]any{"providers": []any{map[string]any{"events": []any{map[string]any{
			"time_iso": "2026-02-28T12:09:00+01:00", "description": "Entregado", "stage": "Delivered",
			"address": map[string]any{"city": "Valencia", "country": "ES"},
		}}}}},
	})})
	if err != nil || len(isoOnly.Checkpoints) != 1 || isoOnly.Checkpoints[0].Location != "Valencia, ES" ||
		isoOnly.Checkpoints[0].Status != "Delivered" || !isoOnly.OccurredAt.Equal(time.Date(2026, 2, 28, 11, 9, 0, 0, time.UTC)) {
		t.Errorf("time_iso checkpoint: %+v, %v", isoOnly, err)
	}
	for _, bad := range []string{"malformed.json", "no_number.json"} {
		_, err := p.Parse(Request{Body: fixture(t, "17track", bad)})
		ordertest.WantCode(t, err, order.CodeInvalid)
	}
	for name, set := range map[string]map[string]any{
		"carrier not an integer": {"data.carrier": 30.5},
		"no event type":          {"event": nil},
		"number not a string":    {"data.number": 42},
	} {
		_, err := p.Parse(Request{Body: edit(t, body, set)})
		if order.ErrorCode(err) != order.CodeInvalid {
			t.Errorf("%s: err = %v, want invalid", name, err)
		}
	}
	// An event type 17TRACK may add later is recorded, even without a number.
	ev, err := p.Parse(Request{Body: []byte(`{"event":"QUOTA_LOW","data":{"remaining":10}}`)})
	if err != nil || ev.Status != "" || ev.EventID == "" {
		t.Errorf("unknown event: %+v, %v", ev, err)
	}
}

// seventeenTrackSpec is the mapping table of issue 4 and PROVIDERS.md, refined by the
// sub-statuses (TestSeventeenTrackDocumentedSubStatuses lists every documented one): a delay
// stays in_transit; of the returning sub-statuses only Exception_Returned (back with the
// sender) is "returned".
var seventeenTrackSpec = []StatusMapping{
	{"NotFound", "", order.ShipmentPending},
	{"InfoReceived", "", order.ShipmentInfoReceived},
	{"InTransit", "", order.ShipmentInTransit},
	{"Expired", "", order.ShipmentExpired},
	{"AvailableForPickup", "", order.ShipmentAvailableForPickup},
	{"OutForDelivery", "", order.ShipmentOutForDelivery},
	{"DeliveryFailure", "", order.ShipmentAttemptFailed},
	{"Delivered", "", order.ShipmentDelivered},
	{"Exception", "", order.ShipmentException},
	{"Exception", "Exception_Delayed", order.ShipmentInTransit},
	{"Exception", "Exception_Returning", order.ShipmentException},
	{"Exception", "Exception_Returned", order.ShipmentReturned},
}

func TestSeventeenTrackMappingTable(t *testing.T) {
	if got := StatusMappings(NameSeventeenTrack); !slices.Equal(got, seventeenTrackSpec) {
		t.Fatalf("StatusMappings = %v, want %v", got, seventeenTrackSpec)
	}
	p := mustProvider(t, Config{SeventeenTrackKeys: []string{seventeenKey}}, NameSeventeenTrack)
	body := fixture(t, "17track", "tracking_updated_delivered.json")
	rows := append(slices.Clone(seventeenTrackSpec),
		StatusMapping{"Exception", "Exception_Returning", order.ShipmentException},
		StatusMapping{"Exception", "Exception_Lost", order.ShipmentException},
		StatusMapping{"InTransit", "InTransit_CustomsProcessing", order.ShipmentInTransit},
		StatusMapping{"DeliveryFailure", "DeliveryFailure_InvalidAddress", order.ShipmentAttemptFailed},
		StatusMapping{"Alert", "", ""}, // unknown status: recorded, not applied
	)
	for _, m := range rows {
		sub := m.SubStatus
		if sub == "" {
			sub = m.ProviderStatus + "_Other"
		}
		r := seventeenRequest(edit(t, body, map[string]any{
			"data.track_info.latest_status.status": m.ProviderStatus, "data.track_info.latest_status.sub_status": sub,
		}), seventeenKey)
		ordertest.WantCode(t, p.Verify(context.Background(), r, testNow), "")
		ev, err := p.Parse(r)
		if err != nil || ev.Status != m.Status || ev.ProviderStatus != m.ProviderStatus || ev.SubStatus != sub {
			t.Errorf("%s/%s: status %q, %v; want %q", m.ProviderStatus, sub, ev.Status, err, m.Status)
		}
	}
	ev, err := p.Parse(Request{Body: edit(t, body, map[string]any{"event": "TRACKING_STOPPED"})})
	if err != nil || ev.Status != "" {
		t.Errorf("TRACKING_STOPPED with track_info: status %q, %v; want none", ev.Status, err)
	}
}

func TestSeventeenTrackAcknowledge(t *testing.T) {
	p := mustProvider(t, Config{SeventeenTrackKeys: []string{seventeenKey}}, NameSeventeenTrack)
	if status, ct, body := p.Acknowledge(); status != http.StatusOK || ct != "application/json" || string(body) != jsonAck {
		t.Fatalf("Acknowledge = %d %s %s", status, ct, body)
	}
}
