package payment

import (
	"bytes"
	"slices"
	"testing"

	"github.com/orderwire/orderwire/internal/order"
)

// refsWant is what ties one fixture's event to its order: the order id it names, its
// payment references in order, and the dispute id.
type refsWant struct {
	file      string
	orderID   string
	refs      []string
	disputeID string
}

// check compares ev's order id, Refs and DisputeID with w, and checks the Refs contract
// (PaymentRef among them, none empty, none twice).
func (w refsWant) check(t *testing.T, ev order.Event) {
	t.Helper()
	if ev.OrderID != w.orderID || !slices.Equal(ev.Refs, w.refs) || ev.DisputeID != w.disputeID {
		t.Errorf("%s: order %q refs %q dispute %q; want %q %q %q", w.file, ev.OrderID, ev.Refs, ev.DisputeID,
			w.orderID, w.refs, w.disputeID)
	}
	checkRefsContract(t, ev)
}

// checkRefsContract fails unless ev's Refs hold PaymentRef (when set), no empty id and no
// id twice, and OrderID is empty or a valid order id.
func checkRefsContract(t *testing.T, ev order.Event) {
	t.Helper()
	if ev.PaymentRef != "" && !slices.Contains(ev.Refs, ev.PaymentRef) {
		t.Errorf("%s: payment ref %q is not among refs %q", ev.EventID, ev.PaymentRef, ev.Refs)
	}
	for i, r := range ev.Refs {
		if r == "" || slices.Contains(ev.Refs[i+1:], r) {
			t.Errorf("%s: refs %q hold an empty or repeated id", ev.EventID, ev.Refs)
		}
	}
	if ev.OrderID != "" && !order.ValidID(ev.OrderID) {
		t.Errorf("%s: order id %q is not a valid order id", ev.EventID, ev.OrderID)
	}
}

func TestStripeRefs(t *testing.T) {
	p := mustProvider(t, Config{StripeSecrets: []string{stripeSecret}}, NameStripe)
	const (
		pi      = "pi_3PqRsT2eZvKYlo2C1a2b3c4d"
		ch      = "ch_3PqRsT2eZvKYlo2C1e5f6g7h"
		dispute = "dp_1PqDisp2eZvKYlo2C0disp01"
	)
	tests := []refsWant{
		{file: "payment_intent.succeeded.json", orderID: "ORD-1001", refs: []string{pi, ch}},
		{file: "payment_intent.payment_failed.json", orderID: "ORD-1001", refs: []string{pi, "ch_3PqRsT2eZvKYlo2C1fail01"}},
		{file: "checkout.session.completed.json", orderID: "ORD-1002",
			refs: []string{"pi_3PqSess2eZvKYlo2C0sess01", "cs_test_a1B2c3D4e5F6g7H8i9J0kLmNoPqRsTuVwXyZ"}},
		// The order named only in client_reference_id.
		{file: "checkout.session.completed.client_reference_id.json", orderID: "ORD-1005",
			refs: []string{"pi_3PqSess2eZvKYlo2C0sess05", "cs_test_b2C3d4E5f6G7h8I9j0K1lMnOpQrStUvWxYzA"}},
		// An expired session may have no PaymentIntent: the session id is the payment's ref.
		{file: "checkout.session.expired.json", orderID: "ORD-1004", refs: []string{"cs_test_a1B2c3D4e5F6g7H8i9J0kLmNoPqRsTuVwXyZ"}},
		{file: "charge.refunded.json", orderID: "ORD-1001", refs: []string{pi, ch}},
		// Reference-only: the refund, dispute and warning events the issue reports lost.
		{file: "charge.refunded.no_metadata.json", refs: []string{pi, ch}},
		{file: "charge.refunded.legacy_metadata.json", refs: []string{pi, ch}},
		{file: "refund.created.json", refs: []string{pi, ch, "re_3PqRsT2eZvKYlo2C1rE1a2b3"}},
		{file: "charge.dispute.created.no_metadata.json", refs: []string{pi, ch}, disputeID: dispute},
		{file: "charge.dispute.created.json", orderID: "ORD-1001", refs: []string{pi, ch}, disputeID: dispute},
		{file: "charge.dispute.updated.json", refs: []string{pi, ch}, disputeID: dispute},
		{file: "charge.dispute.funds_withdrawn.json", refs: []string{pi, ch}, disputeID: dispute},
		{file: "charge.dispute.funds_reinstated.json", refs: []string{pi, ch}, disputeID: dispute},
		{file: "charge.dispute.closed.won.json", orderID: "ORD-1001", refs: []string{pi, ch}, disputeID: dispute},
		{file: "charge.dispute.closed.lost.json", refs: []string{pi, ch}, disputeID: dispute},
		{file: "charge.dispute.closed.warning_closed.json", refs: []string{pi, ch}, disputeID: "dp_1PqDisp2eZvKYlo2C0inqu01"},
		{file: "radar.early_fraud_warning.created.json", refs: []string{pi, ch}},
		{file: "radar.early_fraud_warning.updated.json", refs: []string{pi, ch}},
		{file: "customer.created.json"},
	}
	for _, w := range tests {
		ev, err := p.Parse(Request{Body: fixture(t, "stripe", w.file)})
		if err != nil {
			t.Errorf("%s: %v", w.file, err)
			continue
		}
		w.check(t, ev)
	}
}

// TestStripeOrderIDMustBeValid: a seller field that is not a valid order id names no order
// (the refs still tie the event to its payment); metadata.order_id wins over
// client_reference_id when both are valid.
func TestStripeOrderIDMustBeValid(t *testing.T) {
	p := mustProvider(t, Config{StripeSecrets: []string{stripeSecret}}, NameStripe)
	body := fixture(t, "stripe", "checkout.session.completed.client_reference_id.json")
	edit := func(old, repl string) []byte {
		t.Helper()
		if !bytes.Contains(body, []byte(old)) {
			t.Fatalf("fixture lacks %q", old)
		}
		return bytes.Replace(body, []byte(old), []byte(repl), 1)
	}
	for _, tt := range []struct {
		name, want string
		body       []byte
	}{
		{"client_reference_id with a space", "", edit(`"ORD-1005"`, `"cart 1005"`)},
		{"client_reference_id too long", "", edit(`"ORD-1005"`, `"`+string(bytes.Repeat([]byte("x"), 65))+`"`)},
		{"metadata first", "ORD-9", edit(`"metadata": {}`, `"metadata": {"order_id": "ORD-9"}`)},
		{"bad metadata, good client_reference_id", "ORD-1005", edit(`"metadata": {}`, `"metadata": {"order_id": "ORD 9"}`)},
	} {
		ev, err := p.Parse(Request{Body: tt.body})
		if err != nil {
			t.Fatalf("%s: %v", tt.name, err)
		}
		if ev.OrderID != tt.want || len(ev.Refs) != 2 {
			t.Errorf("%s: order %q refs %q; want order %q and the two refs", tt.name, ev.OrderID, ev.Refs, tt.want)
		}
	}
}

// TestStripeRefsFromTrimmedPayload: without data.object.object the event type says what the
// object is, and a legacy Charge with no PaymentIntent is its own payment ref.
func TestStripeRefsFromTrimmedPayload(t *testing.T) {
	p := mustProvider(t, Config{StripeSecrets: []string{stripeSecret}}, NameStripe)
	for _, tt := range []struct {
		body       string
		paymentRef string
		refs       []string
		disputeID  string
	}{
		{`{"id":"evt_1","type":"charge.dispute.created","data":{"object":{"id":"dp_1","charge":"ch_1","payment_intent":null,"amount":5,"currency":"usd"}}}`,
			"ch_1", []string{"ch_1"}, "dp_1"},
		{`{"id":"evt_2","type":"charge.refunded","data":{"object":{"id":"ch_2","amount_refunded":5,"currency":"usd"}}}`,
			"ch_2", []string{"ch_2"}, ""},
		{`{"id":"evt_3","type":"charge.refund.updated","data":{"object":{"id":"re_3","charge":{"id":"ch_3"},"payment_intent":"pi_3"}}}`,
			"pi_3", []string{"pi_3", "ch_3", "re_3"}, ""},
		{`{"id":"evt_4","type":"payment_intent.succeeded","data":{"object":{"id":"pi_4","latest_charge":{"id":"ch_4"},"amount":5,"currency":"usd"}}}`,
			"pi_4", []string{"pi_4", "ch_4"}, ""},
	} {
		ev, err := p.Parse(Request{Body: []byte(tt.body)})
		if err != nil {
			t.Fatalf("%s: %v", tt.body, err)
		}
		if ev.PaymentRef != tt.paymentRef || !slices.Equal(ev.Refs, tt.refs) || ev.DisputeID != tt.disputeID {
			t.Errorf("%s: payment ref %q refs %q dispute %q; want %q %q %q", ev.EventID, ev.PaymentRef, ev.Refs, ev.DisputeID,
				tt.paymentRef, tt.refs, tt.disputeID)
		}
	}
}

// TestStripeDisputeStatuses pins the status table of Parse's doc comment.
func TestStripeDisputeStatuses(t *testing.T) {
	for status, want := range map[string]string{
		"warning_needs_response": order.DisputeNeedsResponse, "needs_response": order.DisputeNeedsResponse,
		"warning_under_review": order.DisputeUnderReview, "under_review": order.DisputeUnderReview,
		"won": order.DisputeWon, "lost": order.DisputeLost, "warning_closed": order.DisputeClosed,
		"prevented": order.DisputeClosed, "charge_refunded": "", "": "",
	} {
		if got := stripeDisputeStatus(status); got != want {
			t.Errorf("status %q: %q, want %q", status, got, want)
		}
	}
}

// TestStripeDisputeClosedWithoutFinalStatus: a close whose status is not final (prevented
// is; an unknown one is not) still ends the dispute, as closed with no outcome.
func TestStripeDisputeClosedWithoutFinalStatus(t *testing.T) {
	p := mustProvider(t, Config{StripeSecrets: []string{stripeSecret}}, NameStripe)
	for _, status := range []string{"prevented", "something_new", "under_review"} {
		body := `{"id":"evt_c","type":"charge.dispute.closed","created":1773000000,"data":{"object":{"id":"du_1",` +
			`"object":"dispute","amount":100,"currency":"usd","status":"` + status + `","reason":"general",` +
			`"evidence_details":{"due_by":null},"charge":"ch_1"}}}`
		ev, err := p.Parse(Request{Body: []byte(body)})
		if err != nil || ev.DisputeStatus != order.DisputeClosed || ev.DisputeOutcome != "" || !ev.RespondBy.IsZero() ||
			ev.DisputeReason != "general" {
			t.Errorf("%s: %+v, %v", status, ev, err)
		}
	}
}
