package payment

import (
	"slices"
	"strings"
	"testing"

	"github.com/orderwire/orderwire/internal/order"
	"github.com/orderwire/orderwire/internal/order/ordertest"
)

// TestStandardRefs: payment_ref and refs become the event's refs (payment_ref first, each
// once); dispute_id and sequence are carried; a refund may name only refs.
func TestStandardRefs(t *testing.T) {
	p := mustProvider(t, Config{StandardSecrets: []string{standardSecret}}, NameStandard)
	tests := []struct {
		file      string
		kind      order.EventKind
		orderID   string
		refs      []string
		paymentID string
		disputeID string
		sequence  int64
	}{
		{"payment.succeeded.refs.json", order.KindPaymentSucceeded, "ORD-5101", []string{"pay_x71", "ch_x71a"}, "pay_x71", "", 1},
		{"payment.refunded.refs_only.json", order.KindRefunded, "", []string{"re_x71b", "ch_x71a"}, "", "", 2},
		{"dispute.updated.json", order.KindDisputeUpdated, "", []string{"pay_x71"}, "pay_x71", "dp_x71", 4},
		{"payment.refunded.json", order.KindRefunded, "ORD-5001", []string{"pay_8f3k2"}, "pay_8f3k2", "", 0},
		{"payment.failed.json", order.KindPaymentFailed, "ORD-5002", []string{"pay_8f3k3"}, "pay_8f3k3", "", 0},
	}
	for _, w := range tests {
		ev, err := p.Parse(standardRequest(fixture(t, "standard", w.file), standardSecret, "msg_"+w.file, testNow))
		if err != nil {
			t.Errorf("%s: %v", w.file, err)
			continue
		}
		if ev.Kind != w.kind || ev.OrderID != w.orderID || !slices.Equal(ev.Refs, w.refs) || ev.PaymentRef != w.paymentID ||
			ev.DisputeID != w.disputeID || ev.Sequence != w.sequence {
			t.Errorf("%s: kind %s order %q refs %q payment ref %q dispute %q sequence %d; want %s %q %q %q %q %d", w.file,
				ev.Kind, ev.OrderID, ev.Refs, ev.PaymentRef, ev.DisputeID, ev.Sequence,
				w.kind, w.orderID, w.refs, w.paymentID, w.disputeID, w.sequence)
		}
	}
	for _, bad := range []string{"bad_refs.json", "bad_sequence.json"} {
		_, err := p.Parse(standardRequest(fixture(t, "standard", bad), standardSecret, "msg_bad", testNow))
		ordertest.WantCode(t, err, order.CodeInvalid)
	}
	var ids []string
	for i := range MaxStandardRefs + 1 {
		ids = append(ids, `"r`+string(rune('a'+i))+`"`)
	}
	tooMany := `{"type":"payment.refunded","data":{"refs":[` + strings.Join(ids, ",") + `]}}`
	_, err := p.Parse(standardRequest([]byte(tooMany), standardSecret, "msg_many", testNow))
	ordertest.WantCode(t, err, order.CodeInvalid)
	justEnough := `{"type":"payment.refunded","data":{"refs":[` + strings.Join(ids[:MaxStandardRefs], ",") + `]}}`
	if ev, err := p.Parse(standardRequest([]byte(justEnough), standardSecret, "msg_16", testNow)); err != nil || len(ev.Refs) != MaxStandardRefs {
		t.Fatalf("%d refs: %v, %v", MaxStandardRefs, ev.Refs, err)
	}
}

// TestStandardDisputeStatusDecides: dispute_status decides a close over the older outcome,
// and a close with neither has no status (the order refuses it as without an outcome).
func TestStandardDisputeStatusDecides(t *testing.T) {
	p := mustProvider(t, Config{StandardSecrets: []string{standardSecret}}, NameStandard)
	for body, want := range map[string]string{
		`{"type":"dispute.closed","data":{"order_id":"O-1","outcome":"won","dispute_status":"closed"}}`: order.DisputeClosed,
		`{"type":"dispute.closed","data":{"order_id":"O-1","outcome":"won","dispute_status":"lost"}}`:   order.DisputeLost,
		`{"type":"dispute.closed","data":{"order_id":"O-1","outcome":"won"}}`:                           order.DisputeWon,
		`{"type":"dispute.closed","data":{"order_id":"O-1"}}`:                                           "",
	} {
		ev, err := p.Parse(standardRequest([]byte(body), standardSecret, "msg_1", testNow))
		if err != nil || ev.DisputeStatus != want || ev.DisputeOutcome != disputeOutcome(want) {
			t.Errorf("%s: status %q outcome %q, %v; want %q", body, ev.DisputeStatus, ev.DisputeOutcome, err, want)
		}
	}
	for _, body := range []string{
		`{"type":"dispute.opened","data":{"order_id":"O-1","respond_by":"next week"}}`,
		`{"type":"dispute.opened","data":{"order_id":"O-1","dispute_reason":"` + strings.Repeat("x", 256) + `"}}`,
	} {
		_, err := p.Parse(standardRequest([]byte(body), standardSecret, "msg_2", testNow))
		ordertest.WantCode(t, err, order.CodeInvalid)
	}
}
