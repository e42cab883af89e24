package tracking

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"testing"

	"github.com/orderwire/orderwire/internal/order"
)

// BenchmarkAfterShipWebhook is Verify + Parse of a realistic tracking_update (Delivered_001,
// six checkpoints, ~5 KB pretty-printed, as AfterShip sends it).
func BenchmarkAfterShipWebhook(b *testing.B) {
	body := fixture(b, "aftership", "tracking_update_delivered.json")
	p := mustProvider(b, Config{AfterShipSecrets: []string{afterShipSecret}}, NameAfterShip)
	r := afterShipRequest(body, afterShipSecret)
	ctx := context.Background()
	b.SetBytes(int64(len(body)))
	b.ReportAllocs()
	for b.Loop() {
		if err := p.Verify(ctx, r, testNow); err != nil {
			b.Fatal(err)
		}
		ev, err := p.Parse(r)
		if err != nil || ev.Status != order.ShipmentDelivered {
			b.Fatal(ev.Status, err)
		}
	}
}

// BenchmarkAfterShipBaseline is the floor the webhook is measured against: HMAC-SHA256 of
// the same body (compared with the base64-decoded header) plus json.Unmarshal of the body
// into map[string]any.
func BenchmarkAfterShipBaseline(b *testing.B) {
	body := fixture(b, "aftership", "tracking_update_delivered.json")
	want, err := base64.StdEncoding.DecodeString(afterShipRequest(body, afterShipSecret).Header.Get("aftership-hmac-sha256"))
	if err != nil {
		b.Fatal(err)
	}
	key := []byte(afterShipSecret)
	b.SetBytes(int64(len(body)))
	b.ReportAllocs()
	for b.Loop() {
		mac := hmac.New(sha256.New, key)
		mac.Write(body)
		if !hmac.Equal(mac.Sum(nil), want) {
			b.Fatal("mac mismatch")
		}
		var m map[string]any
		if err := json.Unmarshal(body, &m); err != nil {
			b.Fatal(err)
		}
	}
}
