package store

import (
	"encoding/base64"
	"strings"
	"testing"
	"time"

	"github.com/orderwire/orderwire/internal/order"
)

func TestCursorRoundTrip(t *testing.T) {
	at := time.Date(2026, 12, 5, 1, 2, 3, 4, time.UTC)
	o := order.Order{ID: "o-1", UpdatedAt: at}
	for plan, rank := range map[string]string{
		planUpdated:   ListSK(o),
		planAttention: AttentionSK(order.AttentionItem{Kind: order.AttentionDispute, At: at}, "o-1"),
	} {
		c := encodeCursor(plan, rank)
		if got, err := decodeCursor(c, plan); err != nil || got != rank {
			t.Errorf("%s: decode(encode(%q)) = %q, %v", plan, rank, got, err)
		}
		other := planAttention
		if plan == planAttention {
			other = planUpdated
		}
		if _, err := decodeCursor(c, other); order.ErrorCode(err) != order.CodeInvalid {
			t.Errorf("%s cursor read as %s: %v, want invalid", plan, other, err)
		}
	}
	if got, err := decodeCursor("", planUpdated); err != nil || got != "" {
		t.Errorf("no cursor: %q, %v", got, err)
	}
	for _, bad := range []string{"%%%", "o1|u|x", strings.Repeat("A", 40),
		base64.RawURLEncoding.EncodeToString([]byte("o1|u|2026-12-05T01:02:03Z#o-1")),             // not SortableTime
		base64.RawURLEncoding.EncodeToString([]byte("o1|a|2#2026-12-05T01:02:03.000000004Z#o-1")), // no such class
		base64.RawURLEncoding.EncodeToString([]byte("o1|u|2026-12-05T01:02:03.000000004Z#o/1")),   // not an id
	} {
		if _, err := decodeCursor(bad, planUpdated); order.ErrorCode(err) != order.CodeInvalid {
			t.Errorf("cursor %q: %v, want invalid", bad, err)
		}
		if _, err := decodeCursor(bad, planAttention); order.ErrorCode(err) != order.CodeInvalid {
			t.Errorf("cursor %q (attention): %v, want invalid", bad, err)
		}
	}
}

// FuzzDecodeCursor: a cursor is accepted only in the one form encodeCursor gives it.
func FuzzDecodeCursor(f *testing.F) {
	f.Add(encodeCursor(planUpdated, ListSK(order.Order{ID: "o-1", UpdatedAt: time.Unix(1, 0)})))
	f.Add(encodeCursor(planAttention, "1#"+SortableTime(time.Unix(2, 0))+"#o-2"))
	f.Add("garbage")
	f.Fuzz(func(t *testing.T, c string) {
		for _, plan := range []string{planUpdated, planAttention} {
			rank, err := decodeCursor(c, plan)
			if err == nil && c != "" && encodeCursor(plan, rank) != c {
				t.Fatalf("%q accepted as %q, which encodes as %q", c, rank, encodeCursor(plan, rank))
			}
		}
	})
}

// TestOrderListKeys: an order is in the three newest-first partitions, and in one attention
// partition per standing item, keyed so that disputes sort first.
func TestOrderListKeys(t *testing.T) {
	at := time.Date(2026, 12, 5, 0, 0, 0, 0, time.UTC)
	o := order.Order{ID: "o-9", Status: order.StatusAwaitingShipment, PaymentStatus: order.PaymentPaid, PaidMinor: 100,
		UpdatedAt: at, CreatedAt: at.Add(-time.Hour),
		Disputes: []order.Dispute{{ID: "d", Status: order.DisputeNeedsResponse, RespondBy: at.Add(48 * time.Hour)}}}
	got := OrderListKeys(o)
	sk := SortableTime(at) + "#o-9"
	want := []ListIndexKey{{"ORDERS", sk}, {"STATUS#awaiting_shipment", sk}, {"PAYSTATUS#paid", sk},
		{"ATTENTION#dispute_response", "0#" + SortableTime(at.Add(48*time.Hour)) + "#o-9"},
		{"ATTENTION#unshipped", "1#" + SortableTime(at.Add(-time.Hour)) + "#o-9"}}
	if len(got) != len(want) {
		t.Fatalf("keys %v, want %v", got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("key %d = %v, want %v", i, got[i], want[i])
		}
	}
	row := order.Notification{OrderID: "o-9", Kind: order.NotifyShipmentShipped, Seq: 3, Status: order.NotificationFailed, UpdatedAt: at}
	if sk, ok := MessageProblemSK(row); !ok || sk != "1#"+SortableTime(at)+"#o-9#MSG#shipment_shipped#000000000003" {
		t.Errorf("MessageProblemSK = %q, %v", sk, ok)
	}
	row.Status = order.NotificationSent
	if _, ok := MessageProblemSK(row); ok {
		t.Error("a sent row has a message problem key")
	}
}
