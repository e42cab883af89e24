package payment

import (
	"context"
	"net/http"
	"strings"
	"time"
	"unicode"

	"github.com/orderwire/orderwire/internal/order"
	"github.com/orderwire/orderwire/internal/webhooksig"
)

// standard verifies Standard Webhooks (standardwebhooks.com; source:
// standard-webhooks/standard-webhooks libraries/go/webhook.go) and reads orderwire's generic
// payment body, so that any sender able to sign Standard Webhooks can report payments.
//
// Body schema (JSON):
//
//	{
//	  "type": "payment.succeeded" | "payment.failed" | "payment.pending" | "payment.canceled" |
//	          "payment.refunded" | "dispute.opened" | "dispute.updated" | "dispute.closed" |
//	          "fraud.warning",
//	  "timestamp": "2026-03-01T10:00:00Z",   // optional, RFC 3339; default webhook-timestamp
//	  "data": {
//	    "order_id":     "ORD-1001",          // the seller's order id; optional when refs
//	                                         // name a payment already tied to the order
//	    "amount_minor": 1999,                // integer minor units (cents); payments, refunds
//	    "currency":     "USD",               // ISO 4217, required with amount_minor
//	    "payment_ref":  "pay_123",           // optional, the sender's id of the payment
//	    "refs":         ["ch_9", "re_4"],    // optional, the sender's ids of the payment's
//	                                         // parts (charge, capture, refund, ...)
//	    "dispute_id":   "dp_7",              // optional, the sender's id of the dispute
//	    "sequence":     3,                   // optional, the sender's order of the events
//	                                         // about one payment (ties on timestamp)
//	    "refund_total": false,               // payment.refunded: true if amount_minor is the
//	                                         // total refunded so far, false if this refund's
//	    "outcome":      "won" | "lost",      // dispute.closed (older senders; dispute_status
//	                                         // decides when both are given)
//	    "dispute_status": "needs_response",  // dispute.*: needs_response | under_review |
//	                                         // won | lost | closed (orderwire's own words)
//	    "dispute_reason": "fraudulent",      // dispute.*: the sender's reason code, 1-255 bytes
//	    "respond_by":   "2026-03-20T10:00:00Z" // dispute.*: RFC 3339, the seller's deadline
//	  }
//	}
//
// Disputes: dispute_status, dispute_reason and respond_by become DisputeStatus,
// DisputeReason and RespondBy as given (the sender maps its own vocabulary). A dispute.closed
// without dispute_status takes its status from outcome (won or lost); with neither, the order
// records it as closed without a known outcome. Any other dispute_status is invalid.
//
// What ties an event to an order: order_id when present; otherwise its refs. Refs are
// payment_ref followed by refs, each once (at most MaxStandardRefs, each 1–255 bytes with no
// spaces): the store binds them to order_id on the first event naming both, and files a later
// event that names only refs (a refund naming "re_4" and "pay_123", say) on that order.
//
// The event id is the webhook-id header (Standard Webhooks keeps it across retries). Any
// other type is recorded and ignored.
type standard struct {
	sig *webhooksig.Standard
}

func (p *standard) Name() string { return NameStandard }

func (p *standard) Acknowledge() (int, string, []byte) {
	return http.StatusOK, "application/json", []byte(jsonAck)
}

// Verify checks webhook-signature: v1 HMAC-SHA256 entries over
// "<webhook-id>.<webhook-timestamp>.<raw body>", the timestamp within 5 minutes of now
// (webhooksig.Standard.Verify).
func (p *standard) Verify(_ context.Context, r Request, now time.Time) error {
	return p.sig.Verify("payment.standard.Verify", r.Header, r.Body, now)
}

var standardKinds = map[string]order.EventKind{
	"payment.succeeded": order.KindPaymentSucceeded,
	"payment.failed":    order.KindPaymentFailed,
	"payment.pending":   order.KindPaymentPending,
	"payment.canceled":  order.KindPaymentCanceled,
	"payment.refunded":  order.KindRefunded,
	"dispute.opened":    order.KindDisputeOpened,
	"dispute.updated":   order.KindDisputeUpdated,
	"dispute.closed":    order.KindDisputeClosed,
	"fraud.warning":     order.KindFraudWarning,
}

// MaxStandardRefs is the most ids data.payment_ref and data.refs may name together.
const MaxStandardRefs = 16

// standardData is the data object of the generic body.
type standardData struct {
	OrderID     string   `json:"order_id"`
	AmountMinor int64    `json:"amount_minor"`
	Currency    string   `json:"currency"`
	PaymentRef  string   `json:"payment_ref"`
	Refs        []string `json:"refs"`
	DisputeID   string   `json:"dispute_id"`
	Sequence    int64    `json:"sequence"`
	RefundTotal bool     `json:"refund_total"`
	Outcome     string   `json:"outcome"`
	// Disputes.
	DisputeStatus string    `json:"dispute_status"`
	DisputeReason string    `json:"dispute_reason"`
	RespondBy     time.Time `json:"respond_by"`
}

// Parse maps the generic body (see the type's documentation); each type maps to the kind of
// the same name, unknown types to ignored. An amount needs a currency; a ref must be 1–255
// bytes without white space; sequence must not be negative.
func (p *standard) Parse(r Request) (order.Event, error) {
	const op = "payment.standard.Parse"
	m, err := webhooksig.ReadMessage[standardData](op, r.Header, r.Body)
	if err != nil {
		return order.Event{}, err
	}
	d := m.Data
	ev := order.Event{
		Source: NameStandard, EventID: m.ID, Type: m.Type, Kind: order.KindIgnored,
		OrderID: d.OrderID, PaymentRef: d.PaymentRef, OccurredAt: m.SentAt.UTC(),
		DisputeID: d.DisputeID, Sequence: d.Sequence,
	}
	if k, ok := standardKinds[m.Type]; ok {
		ev.Kind = k
	}
	ids := d.Refs
	if d.PaymentRef != "" {
		ids = append([]string{d.PaymentRef}, ids...)
	}
	for _, ref := range ids {
		if len(ref) == 0 || len(ref) > 255 || strings.ContainsFunc(ref, unicode.IsSpace) {
			return order.Event{}, invalid(op, "data.payment_ref and data.refs must be ids of 1-255 bytes without spaces")
		}
	}
	if ev.Refs = refList(ids...); len(ev.Refs) > MaxStandardRefs {
		return order.Event{}, invalid(op, "data.payment_ref and data.refs name more than %d ids", MaxStandardRefs)
	}
	if d.Sequence < 0 {
		return order.Event{}, invalid(op, "data.sequence must not be negative")
	}
	if d.AmountMinor != 0 {
		if err := checkAmount(op, "data.amount_minor", d.AmountMinor); err != nil {
			return order.Event{}, err
		}
		cur, ok := isoCurrency(d.Currency)
		if !ok {
			return order.Event{}, invalid(op, "data.currency must be an ISO 4217 code with data.amount_minor")
		}
		ev.AmountMinor, ev.Currency = d.AmountMinor, cur
	}
	if ev.Kind == order.KindRefunded {
		ev.RefundIsTotal = d.RefundTotal
	}
	if ev.Kind == order.KindDisputeOpened || ev.Kind == order.KindDisputeUpdated || ev.Kind == order.KindDisputeClosed {
		if err := standardDispute(op, d, &ev); err != nil {
			return order.Event{}, err
		}
	}
	return ev, nil
}

// standardDispute sets ev's dispute facts from d (see the type's documentation).
func standardDispute(op string, d standardData, ev *order.Event) error {
	switch {
	case d.DisputeStatus != "" && !order.ValidDisputeStatus(d.DisputeStatus):
		return invalid(op, "data.dispute_status must be needs_response, under_review, won, lost or closed")
	case len(d.DisputeReason) > 255:
		return invalid(op, "data.dispute_reason must be at most 255 bytes")
	}
	ev.DisputeStatus, ev.DisputeReason = d.DisputeStatus, d.DisputeReason
	if !d.RespondBy.IsZero() {
		ev.RespondBy = d.RespondBy.UTC()
	}
	if ev.Kind != order.KindDisputeClosed {
		return nil
	}
	if ev.DisputeStatus == "" && (d.Outcome == order.DisputeWon || d.Outcome == order.DisputeLost) {
		ev.DisputeStatus = d.Outcome
	}
	ev.DisputeOutcome = disputeOutcome(ev.DisputeStatus)
	return nil
}
