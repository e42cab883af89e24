package payment

import (
	"net/http"
	"slices"
	"testing"
	"time"

	"github.com/orderwire/orderwire/internal/order"
)

func TestPayPalRefs(t *testing.T) {
	p := mustProvider(t, Config{PayPalWebhookID: payPalWebhookID}, NamePayPal)
	const (
		capture   = "5O190127TN364715T"
		ppOrder   = "5O190127TN364715S"
		authz     = "7W5147081L658180V"
		authOrder = "8MC585209K746392H"
	)
	tests := []refsWant{
		{file: "PAYMENT.CAPTURE.COMPLETED.json", orderID: "ORD-2001", refs: []string{capture, ppOrder}},
		{file: "PAYMENT.CAPTURE.COMPLETED.after_authorization.json", refs: []string{"0T620041DV1451934", authz, authOrder}},
		{file: "PAYMENT.AUTHORIZATION.CREATED.json", orderID: "ORD-2003", refs: []string{authz, authOrder}},
		{file: "PAYMENT.CAPTURE.REFUNDED.json", orderID: "ORD-2001", refs: []string{capture, "1JU08902781691411"}},
		// Reference-only: the refund names its capture only in links[rel=up].
		{file: "PAYMENT.CAPTURE.REFUNDED.no_custom_id.json", refs: []string{capture, "1JU08902781691412"}},
		{file: "PAYMENT.CAPTURE.REVERSED.json", orderID: "ORD-2001", refs: []string{capture, "8KD82187YJ553541U"}},
		{file: "CHECKOUT.ORDER.APPROVED.json", orderID: "ORD-2002", refs: []string{ppOrder}},
		{file: "CHECKOUT.ORDER.COMPLETED.captured.json", orderID: "ORD-2002", refs: []string{ppOrder, "3C679366HH908993F"}},
		{file: "CUSTOMER.DISPUTE.CREATED.json", orderID: "ORD-2001", refs: []string{capture}, disputeID: "PP-D-27803"},
		// Reference-only, two disputed transactions: both are refs; buyer_transaction_id is not.
		{file: "CUSTOMER.DISPUTE.CREATED.no_custom.json", refs: []string{capture, "6P201238UO475826U"}, disputeID: "PP-D-27804"},
		{file: "CUSTOMER.DISPUTE.UPDATED.json", orderID: "ORD-2001", refs: []string{capture}, disputeID: "PP-D-27803"},
		{file: "CUSTOMER.DISPUTE.RESOLVED.seller.json", orderID: "ORD-2001", refs: []string{capture}, disputeID: "PP-D-27803"},
		{file: "CUSTOMER.DISPUTE.RESOLVED.buyer.json", orderID: "ORD-2001", refs: []string{capture}, disputeID: "PP-D-27803"},
	}
	for _, w := range tests {
		ev, err := p.Parse(Request{Header: http.Header{}, Body: fixture(t, "paypal", w.file)})
		if err != nil {
			t.Errorf("%s: %v", w.file, err)
			continue
		}
		w.check(t, ev)
	}
}

// TestPayPalOrderIDCandidates: seller fields are read in order and only valid order ids
// count; PayPal's own "default" reference_id is not an order.
func TestPayPalOrderIDCandidates(t *testing.T) {
	p := mustProvider(t, Config{PayPalWebhookID: payPalWebhookID}, NamePayPal)
	for _, tt := range []struct{ body, want string }{
		{`{"id":"WH-1","event_type":"CHECKOUT.ORDER.APPROVED","resource":{"id":"O1","purchase_units":[{"reference_id":"default"}]}}`, ""},
		{`{"id":"WH-2","event_type":"CHECKOUT.ORDER.APPROVED","resource":{"id":"O2","purchase_units":[{"reference_id":"ORD-7"}]}}`, "ORD-7"},
		{`{"id":"WH-3","event_type":"PAYMENT.CAPTURE.COMPLETED","resource":{"id":"C3","custom_id":"{\"cart\":3}","invoice_id":"INV-3"}}`, "INV-3"},
		{`{"id":"WH-4","event_type":"CUSTOMER.DISPUTE.CREATED","resource":{"dispute_id":"PP-D-4","disputed_transactions":[{"seller_transaction_id":"C4","custom":"no spaces allowed"},{"seller_transaction_id":"C5","invoice_number":"ORD-5"}]}}`, "ORD-5"},
	} {
		ev, err := p.Parse(Request{Header: http.Header{}, Body: []byte(tt.body)})
		if err != nil {
			t.Fatalf("%s: %v", tt.body, err)
		}
		if ev.OrderID != tt.want {
			t.Errorf("%s: order %q, want %q", ev.EventID, ev.OrderID, tt.want)
		}
		checkRefsContract(t, ev)
	}
}

// TestPayPalRiskDispute: the deprecated RISK.DISPUTE.CREATED opens a dispute when it carries
// a dispute resource, and is still a well-formed event when it carries none.
func TestPayPalRiskDispute(t *testing.T) {
	p := mustProvider(t, Config{PayPalWebhookID: payPalWebhookID}, NamePayPal)
	ev, err := p.Parse(Request{Header: http.Header{}, Body: []byte(
		`{"id":"WH-R1","event_type":"RISK.DISPUTE.CREATED","resource":{"dispute_id":"PP-D-9","disputed_transactions":[{"seller_transaction_id":"C9"}]}}`)})
	if err != nil || ev.Kind != order.KindDisputeOpened || ev.DisputeID != "PP-D-9" || !slices.Equal(ev.Refs, []string{"C9"}) {
		t.Fatalf("got %+v, %v", ev, err)
	}
	ev, err = p.Parse(Request{Header: http.Header{}, Body: []byte(`{"id":"WH-R2","event_type":"RISK.DISPUTE.CREATED"}`)})
	if err != nil || ev.Kind != order.KindDisputeOpened || len(ev.Refs) != 0 || ev.OrderID != "" {
		t.Fatalf("got %+v, %v", ev, err)
	}
}

// TestPayPalDisputeStatuses pins the status table of Parse's doc comment.
func TestPayPalDisputeStatuses(t *testing.T) {
	for in, want := range map[[2]string]string{
		{"OPEN", ""}: order.DisputeNeedsResponse, {"WAITING_FOR_SELLER_RESPONSE", ""}: order.DisputeNeedsResponse,
		{"WAITING_FOR_BUYER_RESPONSE", ""}: order.DisputeUnderReview, {"UNDER_REVIEW", ""}: order.DisputeUnderReview,
		{"RESOLVED", "RESOLVED_SELLER_FAVOUR"}: order.DisputeWon, {"RESOLVED", "RESOLVED_BUYER_FAVOUR"}: order.DisputeLost,
		{"RESOLVED", "ACCEPTED"}: order.DisputeLost, {"RESOLVED", "CANCELED_BY_BUYER"}: order.DisputeClosed,
		{"RESOLVED", "RESOLVED_WITH_PAYOUT"}: order.DisputeClosed, {"RESOLVED", "DENIED"}: order.DisputeClosed,
		{"RESOLVED", "NONE"}: order.DisputeClosed, {"RESOLVED", ""}: order.DisputeClosed,
		{"OTHER", ""}: "", {"", ""}: "", {"OPEN", "RESOLVED_BUYER_FAVOUR"}: order.DisputeNeedsResponse,
	} {
		if got := payPalDisputeStatus(in[0], in[1]); got != want {
			t.Errorf("%v: %q, want %q", in, got, want)
		}
	}
}

func TestPayPalLinkID(t *testing.T) {
	for href, want := range map[string]string{
		"https://api.sandbox.paypal.com/v2/payments/captures/5O190127TN364715T":  "5O190127TN364715T",
		"https://api-m.paypal.com/v2/payments/authorizations/7W5147081L658180V/": "7W5147081L658180V",
		"https://api.paypal.com/v2/checkout/orders/1W5313654M9708630?fields=x#y": "1W5313654M9708630",
		"https://api.paypal.com/v2/payments/captures/5O190127TN364715T/refund":   "",
		"https://api.paypal.com/v2/payments/refunds/1JU08902781691411":           "",
		"https://api.paypal.com/v1/notifications/webhooks-events/WH-1":           "",
		"https://api.paypal.com/v2/payments/captures/../../orders/ab%2Fcd":       "",
		"::not a url": "",
		"":            "",
	} {
		if got := payPalLinkID(href); got != want {
			t.Errorf("%q: %q, want %q", href, got, want)
		}
	}
}

// TestPayPalOccurredAt: the event's create_time, unless the resource's update_time is the
// same instant given more precisely; the transmission time only when neither parses.
func TestPayPalOccurredAt(t *testing.T) {
	at := func(s string) time.Time {
		v, err := time.Parse(time.RFC3339Nano, s)
		if err != nil {
			t.Fatal(err)
		}
		return v.UTC()
	}
	for _, tt := range []struct{ create, update, sent, want string }{
		{"2026-03-01T09:59:42.940Z", "2026-03-01T09:59:41Z", "", "2026-03-01T09:59:42.940Z"},
		{"2026-03-01T09:59:42.940Z", "2026-03-01T09:59:42.940512Z", "", "2026-03-01T09:59:42.940512Z"},
		{"2026-03-01T09:59:42Z", "2026-03-01T01:59:42.5-08:00", "", "2026-03-01T09:59:42.5Z"},
		{"2026-03-01T09:59:42.940Z", "2026-03-01T09:59:42.941512Z", "", "2026-03-01T09:59:42.940Z"},
		{"", "2026-03-05T11:00:00-08:00", "", "2026-03-05T19:00:00Z"},
		{"garbage", "", "2026-03-01T10:00:00Z", "2026-03-01T10:00:00Z"},
	} {
		if got := payPalOccurredAt(tt.create, tt.update, tt.sent); !got.Equal(at(tt.want)) {
			t.Errorf("%q %q %q: %v, want %s", tt.create, tt.update, tt.sent, got, tt.want)
		}
	}
	if got := payPalOccurredAt("", "", ""); !got.IsZero() {
		t.Errorf("no time at all: %v", got)
	}
}
