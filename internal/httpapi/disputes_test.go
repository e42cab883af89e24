package httpapi_test

import (
	"testing"
	"time"

	"github.com/orderwire/orderwire/internal/embedded"
)

// disputesOf is the order's disputes array as GET /v1/orders/{id} answers it.
func disputesOf(t *testing.T, o map[string]any) []map[string]any {
	t.Helper()
	raw, ok := o["disputes"].([]any)
	if !ok {
		t.Fatalf("disputes is not an array: %#v", o["disputes"])
	}
	var out []map[string]any
	for _, d := range raw {
		out = append(out, d.(map[string]any))
	}
	return out
}

// wantDispute compares one dispute of the GET answer with want, field by field (numbers as
// JSON numbers, times as RFC 3339 strings, a missing deadline as nil).
func wantDispute(t *testing.T, got, want map[string]any) {
	t.Helper()
	if len(got) != len(want) {
		t.Errorf("dispute has fields %v, want %v", got, want)
	}
	for k, w := range want {
		if got[k] != w {
			t.Errorf("dispute %s = %#v, want %#v", k, got[k], w)
		}
	}
}

func rfc3339(t time.Time) string { return t.UTC().Format(time.RFC3339) }

// TestOrderShowsDisputes delivers, through the webhook routes, a Stripe dispute that needs
// a response by evidence_details.due_by and is then lost, and a PayPal dispute with a
// seller_response_due_date; GET /v1/orders/{id} shows each dispute's provider facts and the
// summary string.
func TestOrderShowsDisputes(t *testing.T) {
	st, err := embedded.Open(t.TempDir(), embedded.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = st.Close() })
	h := newScenarioHarness(t, st)

	h.register(t, "ORD-1001", 4999, "USD")
	h.post(t, h.stripe(t, "payment_intent.succeeded.json"))
	h.post(t, h.stripe(t, "charge.dispute.created.json"))
	o := h.order(t, "ORD-1001")
	opened, due := time.Unix(1773000001, 0), time.Unix(1773863999, 0)
	stripeDispute := map[string]any{"provider": "stripe", "provider_dispute_id": "dp_1PqDisp2eZvKYlo2C0disp01",
		"status": "needs_response", "reason": "product_not_received", "amount_minor": 4999.0, "currency": "USD",
		"opened_at": rfc3339(opened), "respond_by": rfc3339(due), "updated_at": rfc3339(opened)}
	if ds := disputesOf(t, o); o["dispute"] != "open" || len(ds) != 1 {
		t.Fatalf("after created: dispute %v, disputes %v", o["dispute"], ds)
	} else {
		wantDispute(t, ds[0], stripeDispute)
	}

	// Closed lost (the Dispute names only its charge and PaymentIntent): the deadline stays.
	h.post(t, h.stripe(t, "charge.dispute.closed.lost.json"))
	o = h.order(t, "ORD-1001")
	stripeDispute["status"], stripeDispute["updated_at"] = "lost", rfc3339(time.Unix(1774000001, 0))
	if ds := disputesOf(t, o); o["dispute"] != "lost" || len(ds) != 1 {
		t.Fatalf("after lost: dispute %v, disputes %v", o["dispute"], ds)
	} else {
		wantDispute(t, ds[0], stripeDispute)
	}

	h.register(t, "ORD-2001", 4999, "USD")
	h.post(t, h.paypal(t, "PAYMENT.CAPTURE.COMPLETED.json"))
	h.post(t, h.paypal(t, "CUSTOMER.DISPUTE.CREATED.json"))
	o = h.order(t, "ORD-2001")
	payPalOpened := time.Date(2026, 3, 10, 8, 0, 5, 0, time.UTC)
	payPalDispute := map[string]any{"provider": "paypal", "provider_dispute_id": "PP-D-27803", "status": "needs_response",
		"reason": "MERCHANDISE_OR_SERVICE_NOT_RECEIVED", "amount_minor": 4999.0, "currency": "USD",
		"opened_at": rfc3339(payPalOpened), "respond_by": "2026-03-30T08:00:00Z", "updated_at": rfc3339(payPalOpened)}
	if ds := disputesOf(t, o); o["dispute"] != "open" || len(ds) != 1 {
		t.Fatalf("paypal: dispute %v, disputes %v", o["dispute"], ds)
	} else {
		wantDispute(t, ds[0], payPalDispute)
	}

	// Resolved in the seller's favour: won; the order with no dispute shows an empty array.
	h.post(t, h.paypal(t, "CUSTOMER.DISPUTE.RESOLVED.seller.json"))
	o = h.order(t, "ORD-2001")
	if ds := disputesOf(t, o); o["dispute"] != "won" || len(ds) != 1 || ds[0]["status"] != "won" ||
		ds[0]["respond_by"] != "2026-03-30T08:00:00Z" {
		t.Fatalf("paypal resolved: dispute %v, disputes %v", o["dispute"], ds)
	}
	h.register(t, "ORD-3001", 8000, "EUR")
	if o = h.order(t, "ORD-3001"); o["dispute"] != nil || len(disputesOf(t, o)) != 0 {
		t.Fatalf("no dispute: %v %v", o["dispute"], o["disputes"])
	}
}
