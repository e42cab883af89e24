package httpapi_test

import (
	"fmt"
	"net/http"
	"strings"
	"testing"
)

// The payment fixtures of each provider as deliveries: signed at scSent, the event id taken
// from the provider's Parse. edits are old→new pairs applied to the fixture (loadFixture).

func (h *scenarioHarness) stripe(t *testing.T, file string, edits ...string) signedEvent {
	t.Helper()
	d := signStripe(t, event{body: loadFixture(t, "stripe", file, edits...)}, signFirst, scSent)
	return signedEvent{provider: "stripe", id: h.eventID(t, "stripe", false, d), d: d}
}

func (h *scenarioHarness) paypal(t *testing.T, file string, edits ...string) signedEvent {
	t.Helper()
	d := signPayPal(t, event{id: file, body: loadFixture(t, "paypal", file, edits...)}, signFirst, scSent)
	return signedEvent{provider: "paypal", id: h.eventID(t, "paypal", false, d), d: d}
}

func (h *scenarioHarness) antom(t *testing.T, file string, edits ...string) signedEvent {
	t.Helper()
	d := signAntom(t, event{body: loadFixture(t, "antom", file, edits...)}, signFirst, scSent)
	return signedEvent{provider: "antom", id: h.eventID(t, "antom", false, d), d: d}
}

func (h *scenarioHarness) alipay(t *testing.T, file string, edits ...string) signedEvent {
	t.Helper()
	d := signAlipay(t, event{body: loadFixture(t, "alipay", file, edits...)}, signFirst, scSent)
	return signedEvent{provider: "alipay", id: h.eventID(t, "alipay", false, d), d: d}
}

// standard signs a Standard Webhooks fixture as message id (the event id is webhook-id).
func (h *scenarioHarness) standard(t *testing.T, id, file string, edits ...string) signedEvent {
	t.Helper()
	d := signStandard(t, event{id: id, body: loadFixture(t, "standard", file, edits...)}, signFirst, scSent)
	return signedEvent{provider: "standard", id: id, d: d}
}

// lifeStep is one delivery of a payment's life and what the order shows after it.
type lifeStep struct {
	e    signedEvent
	kind string // the timeline entry's kind; the entry must be applied
	// assign, when set, is the reason the delivery stays unfiled: the listing must show it
	// so, then the seller files it by hand on the order (POST .../assign).
	assign string
	// unapplied, when set, is the start of the reason the entry gives for changing nothing.
	unapplied string
	want      money
}

// lifecycle is one provider's payment, refunds, disputes and warnings on one order.
type lifecycle struct {
	provider, orderID string
	amount            int64
	currency          string
	steps             func(t *testing.T, h *scenarioHarness) []lifeStep
}

// lifecycleScenarios: for every payment provider, a payment that names the order, its
// refunds, a dispute opened → updated → won and another one lost (where the provider has
// disputes), a fraud warning (Stripe, Standard), and events that name only payment
// references, each filed on its order. The order ids, amounts and times are the fixtures'
// own.
func lifecycleScenarios() []scenario {
	var out []scenario
	for _, l := range lifecycles() {
		out = append(out, scenario{"lifecycle/" + l.provider, l.run}, scenario{"lifecycle_reversed/" + l.provider, l.runReversed})
	}
	return out
}

// runReversed delivers the same events newest first, each twice (the provider's retry), the
// ones that need the seller's hand last: the order ends as the lifecycle in order ends, with
// one timeline entry per event, nothing unfiled, and at most one "payment received" message.
// (Whether there is one is not compared: a full refund naming only references that arrives
// before the payment still gets one, a bug reported to the lead; see pairs.)
func (l lifecycle) runReversed(t *testing.T, h *scenarioHarness) {
	h.register(t, l.orderID, l.amount, l.currency)
	steps := l.steps(t, h)
	var byHand []lifeStep
	for i := len(steps) - 1; i >= 0; i-- {
		if steps[i].assign != "" {
			byHand = append(byHand, steps[i])
			continue
		}
		h.post(t, steps[i].e)
		h.post(t, steps[i].e)
	}
	for _, s := range byHand {
		h.post(t, s.e)
		if rec := h.do("POST", "/v1/events/"+s.e.provider+"/"+s.e.id+"/assign", `{"order_id":"`+l.orderID+`"}`); rec.Code != http.StatusOK {
			t.Fatalf("assign %s: %d %s", s.e.id, rec.Code, rec.Body)
		}
	}
	h.wantNoneUnfiled(t)
	o := h.wantMoney(t, l.orderID, steps[len(steps)-1].want)
	if n := len(o["timeline"].([]any)); n != len(steps) {
		t.Fatalf("timeline has %d entries, want %d: %s", n, len(steps), mustJSON(t, o["timeline"]))
	}
	for _, s := range steps {
		entry(t, o, s.e.id)
	}
	if n := h.notes(t, l.orderID)["payment_received"]; n > 1 {
		t.Fatalf("%d payment_received messages, want at most one", n)
	}
}

func (l lifecycle) run(t *testing.T, h *scenarioHarness) {
	h.register(t, l.orderID, l.amount, l.currency)
	steps := l.steps(t, h)
	for i, s := range steps {
		h.post(t, s.e)
		if s.assign != "" {
			got := h.wantUnfiled(t, s.e, s.assign)
			t.Logf("unfiled %s: %v", s.e.id, got)
			rec := h.do("POST", "/v1/events/"+s.e.provider+"/"+s.e.id+"/assign", `{"order_id":"`+l.orderID+`"}`)
			if rec.Code != http.StatusOK {
				t.Fatalf("step %d: assign %s: %d %s", i, s.e.id, rec.Code, rec.Body)
			}
		}
		o := h.wantMoney(t, l.orderID, s.want)
		wantEntry(t, o, s.e, s.kind, s.unapplied == "")
		if r := fmt.Sprint(entry(t, o, s.e.id)["reason"]); s.unapplied != "" && !strings.HasPrefix(r, s.unapplied) {
			t.Fatalf("step %d: %s reason %q, want %q…", i, s.e.id, r, s.unapplied)
		}
	}
	h.wantNoneUnfiled(t)
	o := h.order(t, l.orderID)
	if n := len(o["timeline"].([]any)); n != len(steps) {
		t.Fatalf("timeline has %d entries, want %d: %s", n, len(steps), mustJSON(t, o["timeline"]))
	}
	if n := h.notes(t, l.orderID)["payment_received"]; n != 1 {
		t.Fatalf("%d payment_received messages, want 1", n)
	}
}

func lifecycles() []lifecycle {
	return []lifecycle{
		{"stripe", "ORD-1001", 4999, "USD", func(t *testing.T, h *scenarioHarness) []lifeStep {
			paid := money{status: "awaiting_shipment", payment: "paid", paid: 4999}
			fraud, part := paid, paid
			fraud.fraud = true
			part.fraud, part.payment, part.refunded = true, "partially_refunded", 2000
			open, won, lost := part, part, part
			open.dispute, won.dispute, lost.dispute = "open", "won", "lost"
			refunded := lost
			refunded.status, refunded.payment, refunded.refunded = "refunded", "refunded", 4999
			return []lifeStep{
				{e: h.stripe(t, "payment_intent.succeeded.json"), kind: "payment_succeeded", want: paid},
				// An Early Fraud Warning names only the charge and the PaymentIntent.
				{e: h.stripe(t, "radar.early_fraud_warning.created.json"), kind: "fraud_warning", want: fraud},
				{e: h.stripe(t, "charge.refunded.json"), kind: "refunded", want: part},
				// A Dispute's metadata is empty: it names its charge and PaymentIntent.
				{e: h.stripe(t, "charge.dispute.created.no_metadata.json"), kind: "dispute_opened", want: open},
				{e: h.stripe(t, "charge.dispute.updated.json"), kind: "dispute_updated", want: open},
				{e: h.stripe(t, "charge.dispute.closed.won.json"), kind: "dispute_closed", want: won},
				// A second dispute on the same charge (new event and dispute ids), then lost.
				{e: h.stripe(t, "charge.dispute.created.no_metadata.json", "evt_1PqDisp2eZvKYlo2Cdcre02", "evt_1PqDisp2eZvKYlo2Cdcre03",
					"dp_1PqDisp2eZvKYlo2C0disp01", "dp_1PqDisp2eZvKYlo2C0disp02"), kind: "dispute_opened", want: open},
				{e: h.stripe(t, "charge.dispute.closed.lost.json", "dp_1PqDisp2eZvKYlo2C0disp01", "dp_1PqDisp2eZvKYlo2C0disp02"),
					kind: "dispute_closed", want: lost},
				// charge.refunded without metadata: amount_refunded (the running total) is the whole charge.
				{e: h.stripe(t, "charge.refunded.no_metadata.json"), kind: "refunded", want: refunded},
			}
		}},
		// A Checkout Session naming the order only in client_reference_id; then a refund and
		// an Early Fraud Warning that name only its PaymentIntent (the charge fixtures made
		// this session's: PaymentIntent id and currency).
		{"stripe_checkout", "ORD-1005", 4999, "EUR", func(t *testing.T, h *scenarioHarness) []lifeStep {
			paid := money{status: "awaiting_shipment", payment: "paid", paid: 4999}
			refunded := paid
			refunded.status, refunded.payment, refunded.refunded = "refunded", "refunded", 4999
			flagged := refunded
			flagged.fraud = true
			session := []string{"pi_3PqRsT2eZvKYlo2C1a2b3c4d", "pi_3PqSess2eZvKYlo2C0sess05", "ch_3PqRsT2eZvKYlo2C1e5f6g7h", "ch_3PqSess2eZvKYlo2C1sess05"}
			return []lifeStep{
				{e: h.stripe(t, "checkout.session.completed.client_reference_id.json"), kind: "payment_succeeded", want: paid},
				{e: h.stripe(t, "charge.refunded.no_metadata.json", append(session, `"currency": "usd"`, `"currency": "eur"`)...),
					kind: "refunded", want: refunded},
				{e: h.stripe(t, "radar.early_fraud_warning.created.json", session...), kind: "fraud_warning", want: flagged},
			}
		}},
		{"paypal", "ORD-2001", 4999, "USD", func(t *testing.T, h *scenarioHarness) []lifeStep {
			paid := money{status: "awaiting_shipment", payment: "paid", paid: 4999}
			part, part2 := paid, paid
			part.payment, part.refunded = "partially_refunded", 2000
			part2.payment, part2.refunded = "partially_refunded", 4000
			open, won, lost := part2, part2, part2
			open.dispute, won.dispute, lost.dispute = "open", "won", "lost"
			return []lifeStep{
				{e: h.paypal(t, "PAYMENT.CAPTURE.COMPLETED.json"), kind: "payment_succeeded", want: paid},
				{e: h.paypal(t, "PAYMENT.CAPTURE.REFUNDED.json"), kind: "refunded", want: part},
				// A second refund naming its capture only in links[rel=up].
				{e: h.paypal(t, "PAYMENT.CAPTURE.REFUNDED.no_custom_id.json"), kind: "refunded", want: part2},
				{e: h.paypal(t, "CUSTOMER.DISPUTE.CREATED.json"), kind: "dispute_opened", want: open},
				{e: h.paypal(t, "CUSTOMER.DISPUTE.UPDATED.json"), kind: "dispute_updated", want: open},
				{e: h.paypal(t, "CUSTOMER.DISPUTE.RESOLVED.seller.json"), kind: "dispute_closed", want: won},
				// A dispute naming only disputed_transactions[].seller_transaction_id.
				{e: h.paypal(t, "CUSTOMER.DISPUTE.CREATED.no_custom.json"), kind: "dispute_opened", want: open},
				// ... resolved in the buyer's favour (the fixture's dispute id made PP-D-27804's).
				{e: h.paypal(t, "CUSTOMER.DISPUTE.RESOLVED.buyer.json", "PP-D-27803", "PP-D-27804"), kind: "dispute_closed", want: lost},
			}
		}},
		{"antom", "ORD-3001", 8000, "EUR", func(t *testing.T, h *scenarioHarness) []lifeStep {
			paid := money{status: "awaiting_shipment", payment: "paid", paid: 8000}
			part, part2 := paid, paid
			part.payment, part.refunded = "partially_refunded", 2000
			part2.payment, part2.refunded = "partially_refunded", 5000
			open, won, lost := part2, part2, part2
			open.dispute, won.dispute, lost.dispute = "open", "won", "lost"
			return []lifeStep{
				{e: h.antom(t, "payment_result_success.json"), kind: "payment_succeeded", want: paid},
				// notifyDirectRefund names the paymentId (and no order).
				{e: h.antom(t, "refund_direct_result.json"), kind: "refunded", want: part},
				// notifyRefund names only refundId and refundRequestId, which no event binds:
				// it is unfiled until the seller assigns it.
				{e: h.antom(t, "refund_result_success.json"), kind: "refunded", assign: "reference_not_bound", want: part2},
				{e: h.antom(t, "dispute_created.json"), kind: "dispute_opened", want: open},
				// The defence notice (timed by its request-time: its disputeTime is the
				// dispute's creation) moves the dispute to under_review; the summary stays open.
				{e: h.antom(t, "dispute_defense_supplied.json"), kind: "dispute_updated", want: open},
				{e: h.antom(t, "dispute_judged_customer.json"), kind: "dispute_closed", want: won},
				// A second dispute (the created notice with dispute 2's id), judged against the merchant.
				{e: h.antom(t, "dispute_created.json", "202603101940108001001888C0200001", "202603101940108001001888C0200002"),
					kind: "dispute_opened", want: open},
				{e: h.antom(t, "dispute_judged_merchant.json"), kind: "dispute_closed", want: lost},
			}
		}},
		// Alipay sends no dispute or fraud notification; every notify names out_trade_no.
		{"alipay", "ORD-4001", 9900, "CNY", func(t *testing.T, h *scenarioHarness) []lifeStep {
			paid := money{status: "awaiting_shipment", payment: "paid", paid: 9900}
			part, full := paid, paid
			part.payment, part.refunded = "partially_refunded", 3000
			full.status, full.payment, full.refunded = "refunded", "refunded", 9900
			return []lifeStep{
				{e: h.alipay(t, "trade_success.txt"), kind: "payment_succeeded", want: paid},
				{e: h.alipay(t, "refund_partial.txt"), kind: "refunded", want: part},
				{e: h.alipay(t, "refund_full.txt"), kind: "refunded", want: full},
			}
		}},
		// Alipay Global create_forex_trade: total_fee + currency (JPY, written with two decimals).
		{"alipay_forex", "ORD-4011", 1000, "JPY", func(t *testing.T, h *scenarioHarness) []lifeStep {
			return []lifeStep{{e: h.alipay(t, "forex_trade_finished_jpy.txt"), kind: "payment_succeeded",
				want: money{status: "awaiting_shipment", payment: "paid", paid: 1000}}}
		}},
		{"standard", "ORD-5101", 4200, "EUR", func(t *testing.T, h *scenarioHarness) []lifeStep {
			paid := money{status: "awaiting_shipment", payment: "paid", paid: 4200}
			fraud, part := paid, paid
			fraud.fraud = true
			part.fraud, part.payment, part.refunded = true, "partially_refunded", 1200
			open, won, lost := part, part, part
			open.dispute, won.dispute, lost.dispute = "open", "won", "lost"
			// The dispute fixtures are about ORD-5001's payment pay_8f3k2 (1999 USD): made this
			// order's; opened and closed name no dispute_id, so one is added (an id).
			this := []string{`"order_id": "ORD-5001"`, `"order_id": "ORD-5101"`}
			dispute := func(id string) []string {
				return append(this, `"payment_ref": "pay_8f3k2"`, `"payment_ref": "pay_x71", "dispute_id": "`+id+`"`)
			}
			opened := func(id string) []string {
				return append(dispute(id), `"amount_minor": 1999, "currency": "USD"`, `"amount_minor": 4200, "currency": "EUR"`)
			}
			return []lifeStep{
				{e: h.standard(t, "msg_sc_paid", "payment.succeeded.refs.json"), kind: "payment_succeeded", want: paid},
				{e: h.standard(t, "msg_sc_fraud", "fraud.warning.json", append(this, "pay_8f3k2", "pay_x71")...), kind: "fraud_warning", want: fraud},
				// A refund naming only refs (re_x71b, ch_x71a: the payment bound ch_x71a).
				{e: h.standard(t, "msg_sc_refund", "payment.refunded.refs_only.json"), kind: "refunded", want: part},
				{e: h.standard(t, "msg_sc_d1_open", "dispute.opened.json", opened("dp_x71")...), kind: "dispute_opened", want: open},
				// dispute.updated names only payment_ref and dispute_id.
				{e: h.standard(t, "msg_sc_d1_upd", "dispute.updated.json"), kind: "dispute_updated", want: open},
				// The fixture's outcome is lost; won here (not an id: the other documented value).
				{e: h.standard(t, "msg_sc_d1_won", "dispute.closed.json", append(dispute("dp_x71"), `"outcome": "lost"`, `"outcome": "won"`)...),
					kind: "dispute_closed", want: won},
				{e: h.standard(t, "msg_sc_d2_open", "dispute.opened.json", opened("dp_x72")...), kind: "dispute_opened", want: open},
				{e: h.standard(t, "msg_sc_d2_lost", "dispute.closed.json", dispute("dp_x72")...), kind: "dispute_closed", want: lost},
			}
		}},
	}
}
