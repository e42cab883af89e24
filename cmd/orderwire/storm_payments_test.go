package main

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/orderwire/orderwire/internal/order"
)

// stormOrder is one order of the storm and every provider id that names its payment.
type stormOrder struct {
	id       string
	provider string // the payment provider; for a carrier order, the one that paid it in setup
	amount   int64
	currency string
	parcels  []stormParcel // carrier orders only
	// The provider's ids: paymentRef is the payment (Stripe PaymentIntent, PayPal capture,
	// Antom paymentId, Alipay trade_no, the Standard payment_ref), chargeRef the Stripe Charge
	// or the PayPal order, disputeRef the dispute's.
	paymentRef, chargeRef, disputeRef string
}

// payEvent is one payment event the storm sends, as intended: the test checks that the
// provider's parser reads it as this kind at this time.
type payEvent struct {
	o       *stormOrder
	seq     int // the event's number within its order, for ids
	kind    order.EventKind
	at      time.Time
	amount  int64  // the payment, this refund or the disputed amount
	total   int64  // refunds so far, this one included (providers that send the running total)
	outcome string // dispute_closed: order.DisputeWon or order.DisputeLost
}

// payBuilders build each provider's body for a payEvent, from its fixtures. refOnly reports
// that the body names the payment only by the provider's references, not the order (as the
// provider sends that event: see the list).
var payBuilders = map[string]func(t testing.TB, e payEvent) (body []byte, refOnly bool){
	"stripe": stripeBody, "paypal": payPalBody, "antom": antomBody, "alipay": alipayBody, "standard": standardBody,
}

// payKinds are the kinds each provider's storm events use: the ones it sends and orderwire
// can file by order id or payment reference. Antom refunds are left out: a REFUND_RESULT
// names only the refund's own ids (refundRequestId, refundId), which no earlier Antom
// notification binds to a payment, so no fold can place it without the seller's help.
// Alipay sends no failure (a trade waits or closes) and no dispute or fraud notice; PayPal
// and Antom send no fraud warning.
var payKinds = map[string]map[order.EventKind]bool{
	"stripe":   kinds(order.KindPaymentPending, order.KindPaymentFailed, order.KindRefunded, order.KindDisputeOpened, order.KindDisputeClosed, order.KindFraudWarning),
	"paypal":   kinds(order.KindPaymentPending, order.KindPaymentFailed, order.KindRefunded, order.KindDisputeOpened, order.KindDisputeClosed),
	"antom":    kinds(order.KindPaymentPending, order.KindPaymentFailed, order.KindDisputeOpened, order.KindDisputeClosed),
	"alipay":   kinds(order.KindPaymentPending, order.KindRefunded),
	"standard": kinds(order.KindPaymentPending, order.KindPaymentFailed, order.KindRefunded, order.KindDisputeOpened, order.KindDisputeClosed, order.KindFraudWarning),
}

// payCurrency is the currency of each provider's orders (Alipay classic settles in CNY).
var payCurrency = map[string]string{"stripe": "USD", "paypal": "USD", "antom": "EUR", "alipay": "CNY", "standard": "USD"}

func kinds(list ...order.EventKind) map[order.EventKind]bool {
	m := map[order.EventKind]bool{order.KindPaymentSucceeded: true}
	for _, k := range list {
		m[k] = true
	}
	return m
}

// decimal writes minor units of a two-decimal currency as the providers' decimal strings.
func decimal(minor int64) string { return fmt.Sprintf("%d.%02d", minor/100, minor%100) }

// stripeBody: payment_intent.* events carry the PaymentIntent with the order id in its
// metadata; charge.refunded, charge.dispute.* and radar.early_fraud_warning.created name the
// Charge and the PaymentIntent only (Stripe does not copy a PaymentIntent's metadata to its
// Charge, and a Dispute's metadata is empty).
func stripeBody(t testing.TB, e payEvent) ([]byte, bool) {
	o := e.o
	file := map[order.EventKind]string{
		order.KindPaymentPending: "payment_intent.processing.json", order.KindPaymentFailed: "payment_intent.payment_failed.json",
		order.KindPaymentSucceeded: "payment_intent.succeeded.json", order.KindRefunded: "charge.refunded.json",
		order.KindDisputeOpened: "charge.dispute.created.json", order.KindFraudWarning: "radar.early_fraud_warning.created.json",
	}[e.kind]
	if e.kind == order.KindDisputeClosed {
		file = "charge.dispute.closed." + e.outcome + ".json"
	}
	j := loadJSON(t, "payment", "stripe", file).set("id", fmt.Sprintf("evt_storm%s_%d", squash(o.id), e.seq),
		"created", num(e.at.Unix()))
	cur := strings.ToLower(o.currency)
	switch e.kind {
	case order.KindPaymentPending, order.KindPaymentFailed, order.KindPaymentSucceeded:
		j.set("data.object.id", o.paymentRef, "data.object.metadata", map[string]any{"order_id": o.id},
			"data.object.amount", num(o.amount), "data.object.currency", cur)
		if e.kind == order.KindPaymentSucceeded {
			j.set("data.object.amount_received", num(e.amount), "data.object.latest_charge", o.chargeRef)
		}
		return j.bytes(), false
	case order.KindRefunded:
		j.set("data.object.id", o.chargeRef, "data.object.payment_intent", o.paymentRef, "data.object.metadata", map[string]any{},
			"data.object.amount", num(o.amount), "data.object.amount_captured", num(o.amount),
			"data.object.amount_refunded", num(e.total), "data.object.currency", cur, "data.object.refunded", e.total == o.amount)
	case order.KindDisputeOpened, order.KindDisputeClosed:
		j.set("data.object.id", o.disputeRef, "data.object.charge", o.chargeRef, "data.object.payment_intent", o.paymentRef,
			"data.object.metadata", map[string]any{}, "data.object.amount", num(e.amount), "data.object.currency", cur)
	case order.KindFraudWarning:
		j.set("data.object.id", "issfr_storm"+squash(o.id), "data.object.charge", o.chargeRef, "data.object.payment_intent", o.paymentRef,
			"data.object.created", num(e.at.Unix()))
	}
	return j.bytes(), true
}

// payPalBody: capture events name the order in resource.custom_id; a v2 refund names its
// capture only in links[rel=up]; a dispute names it in disputed_transactions[].seller_transaction_id.
func payPalBody(t testing.TB, e payEvent) ([]byte, bool) {
	o := e.o
	file := map[order.EventKind]string{
		order.KindPaymentPending: "PAYMENT.CAPTURE.PENDING.json", order.KindPaymentFailed: "PAYMENT.CAPTURE.DENIED.json",
		order.KindPaymentSucceeded: "PAYMENT.CAPTURE.COMPLETED.json", order.KindRefunded: "PAYMENT.CAPTURE.REFUNDED.json",
		order.KindDisputeOpened: "CUSTOMER.DISPUTE.CREATED.json",
	}[e.kind]
	if e.kind == order.KindDisputeClosed {
		file = map[string]string{order.DisputeWon: "CUSTOMER.DISPUTE.RESOLVED.seller.json", order.DisputeLost: "CUSTOMER.DISPUTE.RESOLVED.buyer.json"}[e.outcome]
	}
	at := e.at.UTC().Format(time.RFC3339Nano)
	j := loadJSON(t, "payment", "paypal", file).set("id", fmt.Sprintf("WH-STORM%s-%d", squash(o.id), e.seq), "create_time", at,
		"resource.create_time", at, "resource.update_time", at)
	money := map[string]any{"currency_code": o.currency, "value": decimal(e.amount)}
	api := "https://api.sandbox.paypal.com/v2/"
	switch e.kind {
	case order.KindPaymentPending, order.KindPaymentFailed, order.KindPaymentSucceeded:
		j.set("resource.id", o.paymentRef, "resource.custom_id", o.id, "resource.amount", map[string]any{"currency_code": o.currency, "value": decimal(o.amount)},
			"resource.links.0.href", api+"payments/captures/"+o.paymentRef, "resource.links.1.href", api+"payments/captures/"+o.paymentRef+"/refund",
			"resource.links.2.href", api+"checkout/orders/"+o.chargeRef)
		return j.bytes(), false
	case order.KindRefunded:
		refund := fmt.Sprintf("%sR%d", o.paymentRef[:10], e.seq)
		j.set("resource.id", refund, "resource.custom_id", removed, "resource.amount", money,
			"resource.links.0.href", api+"payments/refunds/"+refund, "resource.links.1.href", api+"payments/captures/"+o.paymentRef)
	default: // disputes
		j.set("resource.dispute_id", o.disputeRef, "resource.dispute_amount", money,
			"resource.links.0.href", "https://api.sandbox.paypal.com/v1/customer/disputes/"+o.disputeRef,
			"resource.disputed_transactions.0.seller_transaction_id", o.paymentRef,
			"resource.disputed_transactions.0.gross_amount", map[string]any{"currency_code": o.currency, "value": decimal(o.amount)},
			"resource.disputed_transactions.0.custom", removed, "resource.disputed_transactions.0.invoice_number", removed)
	}
	return j.bytes(), true
}

var beijing = time.FixedZone("CST", 8*60*60) // Antom and Alipay write their times in +08:00

// antomBody: payment and dispute notifications name the order in paymentRequestId (one
// payment per order: Antom wants a new paymentRequestId for every payment).
func antomBody(t testing.TB, e payEvent) ([]byte, bool) {
	o := e.o
	file := map[order.EventKind]string{
		order.KindPaymentPending: "payment_pending.json", order.KindPaymentFailed: "payment_result_fail.json",
		order.KindPaymentSucceeded: "payment_result_success.json", order.KindDisputeOpened: "dispute_created.json",
	}[e.kind]
	if e.kind == order.KindDisputeClosed {
		file = map[string]string{order.DisputeWon: "dispute_judged_customer.json", order.DisputeLost: "dispute_judged_merchant.json"}[e.outcome]
	}
	at := e.at.In(beijing).Format(time.RFC3339)
	j := loadJSON(t, "payment", "antom", file).set("paymentRequestId", o.id, "paymentId", o.paymentRef)
	money := map[string]any{"value": fmt.Sprint(e.amount), "currency": o.currency}
	switch e.kind {
	case order.KindPaymentPending:
		j.set("paymentCreateTime", at, "paymentAmount", money)
	case order.KindPaymentFailed:
		j.set("paymentTime", at)
	case order.KindPaymentSucceeded:
		j.set("paymentTime", at, "paymentAmount", money)
	case order.KindDisputeOpened:
		j.set("disputeId", o.disputeRef, "disputeTime", at, "disputeAmount", money)
	case order.KindDisputeClosed:
		j.set("disputeId", o.disputeRef, "disputeJudgedTime", at)
	}
	return j.bytes(), false
}

// alipayBody: every trade notification names the order in out_trade_no and the trade in
// trade_no; a refund is a TRADE_SUCCESS (partial) or TRADE_CLOSED (full) notification with
// refund_fee, the refunded total.
func alipayBody(t testing.TB, e payEvent) ([]byte, bool) {
	o := e.o
	file := map[order.EventKind]string{order.KindPaymentPending: "wait_buyer_pay.txt", order.KindPaymentSucceeded: "trade_success.txt"}[e.kind]
	if e.kind == order.KindRefunded {
		file = map[bool]string{false: "refund_partial.txt", true: "refund_full.txt"}[e.total == o.amount]
	}
	f := loadForm(t, "alipay", file)
	at := e.at.In(beijing).Format(time.DateTime)
	f.Set("notify_id", fmt.Sprintf("2026storm%s%04d", squash(o.id), e.seq))
	f.Set("out_trade_no", o.id)
	f.Set("trade_no", o.paymentRef)
	f.Set("notify_time", at)
	for _, field := range []string{"total_amount", "invoice_amount", "receipt_amount", "buyer_pay_amount"} {
		if f.Has(field) {
			f.Set(field, decimal(o.amount))
		}
	}
	switch e.kind {
	case order.KindPaymentPending:
		f.Set("gmt_create", at)
	case order.KindPaymentSucceeded:
		f.Set("gmt_payment", at)
	case order.KindRefunded:
		f.Set("refund_fee", decimal(e.total))
		f.Set("gmt_refund", at)
		f.Set("out_biz_no", fmt.Sprintf("RF-%s-%d", o.id, e.seq))
		if f.Has("gmt_close") {
			f.Set("gmt_close", at)
		}
	}
	return []byte(f.Encode()), false
}

// standardBody: orderwire's generic body names the order in data.order_id.
func standardBody(t testing.TB, e payEvent) ([]byte, bool) {
	o := e.o
	file := map[order.EventKind]string{
		order.KindPaymentPending: "payment.pending.json", order.KindPaymentFailed: "payment.failed.json",
		order.KindPaymentSucceeded: "payment.succeeded.json", order.KindRefunded: "payment.refunded.json",
		order.KindDisputeOpened: "dispute.opened.json", order.KindDisputeClosed: "dispute.closed.json",
		order.KindFraudWarning: "fraud.warning.json",
	}[e.kind]
	j := loadJSON(t, "payment", "standard", file)
	data := map[string]any{"order_id": o.id, "payment_ref": o.paymentRef}
	switch e.kind {
	case order.KindPaymentSucceeded, order.KindRefunded:
		data["amount_minor"], data["currency"] = num(e.amount), o.currency
	case order.KindDisputeClosed:
		data["outcome"] = e.outcome
	}
	j.set("timestamp", e.at.UTC().Format(time.RFC3339), "data", data)
	return j.bytes(), false
}

// squash is id without its punctuation, for provider ids built from it.
func squash(id string) string {
	return strings.NewReplacer("-", "", "_", "", ".", "", ":", "").Replace(id)
}
