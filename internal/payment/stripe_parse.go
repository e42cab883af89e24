package payment

import (
	"encoding/json"
	"strings"
	"time"

	"github.com/orderwire/orderwire/internal/order"
)

// stripeEvent holds only the fields Parse needs: decoding into small typed structs is what
// keeps Verify+Parse within 2x of a bare HMAC + json.Unmarshal into a map.
type stripeEvent struct {
	ID      string `json:"id"`
	Type    string `json:"type"`
	Created int64  `json:"created"`
	Data    struct {
		Object stripeObject `json:"object"`
	} `json:"data"`
}

// stripeObject is the union of the PaymentIntent, Checkout Session, Charge, Refund, Dispute
// and Early Fraud Warning fields orderwire reads (Stripe API reference, "The ... object").
type stripeObject struct {
	ID                string                `json:"id"`
	Object            string                `json:"object"`          // "payment_intent", "charge", "dispute", ...
	Amount            int64                 `json:"amount"`          // PaymentIntent, Charge, Refund, Dispute
	AmountReceived    int64                 `json:"amount_received"` // PaymentIntent
	AmountTotal       int64                 `json:"amount_total"`    // Checkout Session
	AmountRefunded    int64                 `json:"amount_refunded"` // Charge: total refunded so far
	Currency          string                `json:"currency"`
	PaymentStatus     string                `json:"payment_status"`   // Checkout Session: paid, unpaid, no_payment_required
	Status            string                `json:"status"`           // Dispute: won, lost, warning_closed, ...
	Reason            string                `json:"reason"`           // Dispute: fraudulent, product_not_received, ...
	EvidenceDetails   stripeEvidenceDetails `json:"evidence_details"` // Dispute
	PaymentIntent     stripeID              `json:"payment_intent"`   // Session, Charge, Refund, Dispute, EFW
	Charge            stripeID              `json:"charge"`           // Refund, Dispute, EFW
	LatestCharge      stripeID              `json:"latest_charge"`    // PaymentIntent
	ClientReferenceID stripeID              `json:"client_reference_id"`
	Metadata          stripeMetadata        `json:"metadata"`
}

// stripeEvidenceDetails is a Dispute's evidence_details: due_by is Unix seconds, 0 or null
// when the issuer allows no response.
type stripeEvidenceDetails struct {
	DueBy int64 `json:"due_by"`
}

// stripeID is an expandable reference: a string id, null, or an expanded object with an id.
// Anything else (a number, an array) is read as no reference.
type stripeID string

func (s *stripeID) UnmarshalJSON(b []byte) error {
	switch {
	case len(b) > 0 && b[0] == '"':
		var v string
		if err := json.Unmarshal(b, &v); err != nil {
			return err
		}
		*s = stripeID(v)
	case len(b) > 0 && b[0] == '{':
		var v struct {
			ID string `json:"id"`
		}
		if err := json.Unmarshal(b, &v); err != nil {
			return err
		}
		*s = stripeID(v.ID)
	}
	return nil // null or anything else: no reference
}

// stripeMetadata reads metadata.order_id; very old API versions send an empty metadata as [].
type stripeMetadata struct {
	OrderID string
}

func (m *stripeMetadata) UnmarshalJSON(b []byte) error {
	if len(b) == 0 || b[0] != '{' {
		return nil
	}
	var v struct {
		OrderID string `json:"order_id"`
	}
	if err := json.Unmarshal(b, &v); err != nil {
		return err
	}
	m.OrderID = v.OrderID
	return nil
}

// objectType is data.object.object, or, when a trimmed payload leaves it out, the object the
// event type names (charge.dispute.* carries a Dispute, charge.refund.* a Refund).
func (e *stripeEvent) objectType() string {
	if t := e.Data.Object.Object; t != "" {
		return t
	}
	for _, p := range []struct{ prefix, object string }{
		{"charge.dispute.", "dispute"}, {"charge.refund.", "refund"}, {"charge.", "charge"},
		{"payment_intent.", "payment_intent"}, {"checkout.session.", "checkout.session"},
		{"refund.", "refund"}, {"radar.early_fraud_warning.", "radar.early_fraud_warning"},
	} {
		if strings.HasPrefix(e.Type, p.prefix) {
			return p.object
		}
	}
	return ""
}

// Parse maps a Stripe event:
//
//	payment_intent.succeeded                    payment_succeeded (amount_received, else amount)
//	checkout.session.completed                  payment_succeeded if payment_status is "paid"
//	                                            (amount_total); payment_pending if "unpaid"
//	                                            (delayed payment methods); else ignored
//	checkout.session.async_payment_succeeded    payment_succeeded (amount_total)
//	payment_intent.payment_failed               payment_failed
//	checkout.session.async_payment_failed       payment_failed
//	payment_intent.processing                   payment_pending
//	payment_intent.canceled                     payment_canceled
//	checkout.session.expired                    payment_canceled
//	charge.refunded                             refunded, amount_refunded, RefundIsTotal
//	charge.dispute.created                      dispute_opened (dispute amount)
//	charge.dispute.updated, .funds_withdrawn,   dispute_updated (dispute amount)
//	  .funds_reinstated
//	charge.dispute.closed                       dispute_closed (a status that is not final
//	                                            reads as closed)
//	radar.early_fraud_warning.created, .updated fraud_warning
//	anything else                               ignored (refs still read: it binds them)
//
// Refunds: Stripe sends charge.refunded for every refund, partial ones included, with the
// Charge's amount_refunded as the running total (RefundIsTotal). refund.created/updated/
// failed and charge.refund.updated describe the same refunds one Refund object at a time, so
// they are recorded as ignored: acting on both would count a refund twice.
//
// Disputes: every charge.dispute.* event carries the Dispute object. DisputeStatus is its
// status in orderwire's words, DisputeReason its reason ("fraudulent", "product_not_received",
// ...), RespondBy its evidence_details.due_by (zero when due_by is 0 or null: the issuer
// allows no response). On charge.dispute.closed, DisputeOutcome is won or lost when the
// status is.
//
//	Stripe status            what it is                                  DisputeStatus
//	warning_needs_response   an inquiry, no funds withdrawn; answer it   needs_response
//	needs_response           a chargeback; answer by due_by              needs_response
//	warning_under_review     inquiry answered, the issuer decides        under_review
//	under_review             chargeback answered, the issuer decides     under_review
//	won                      decided for the seller                      won
//	lost                     decided for the cardholder                  lost
//	warning_closed           inquiry closed without becoming a chargeback closed
//	prevented                stopped before it became a chargeback        closed
//	                         (e.g. Visa RDR)
//	anything else            unknown: no status ("" keeps the dispute's, closed on .closed)
//
// Which order: OrderID is data.object.metadata.order_id, else (Checkout Session)
// client_reference_id, each only when it is a valid order id (order.ValidID); otherwise "".
// Refs, by object (PaymentRef first, which is the PaymentIntent id when the object names
// one, else the Charge, else the Checkout Session):
//
//	payment_intent             id, latest_charge
//	checkout.session           payment_intent, id (cs_...)
//	charge                     payment_intent, id (ch_...)
//	refund                     payment_intent, charge, id (re_...)
//	dispute                    payment_intent, charge; DisputeID is the id (dp_... / du_...)
//	radar.early_fraud_warning  payment_intent, charge (the warning's own issfr_ id is not a
//	                           part of the payment)
//	any other object           payment_intent if it names one
//
// OccurredAt is the event's created (whole seconds). Stripe has no per-object sequence, so
// Sequence is 0.
func (p *stripe) Parse(r Request) (order.Event, error) {
	const op = "payment.stripe.Parse"
	var e stripeEvent
	if err := json.Unmarshal(r.Body, &e); err != nil {
		return order.Event{}, invalid(op, "body is not a Stripe event: malformed JSON")
	}
	if e.ID == "" {
		return order.Event{}, invalid(op, "event has no id")
	}
	obj := &e.Data.Object
	ev := order.Event{
		Source:  NameStripe,
		EventID: e.ID,
		Type:    e.Type,
		Kind:    order.KindIgnored,
		OrderID: firstValidOrderID(obj.Metadata.OrderID),
	}
	if e.Created != 0 { // a negative time is kept: CheckTimes records it as an anomaly
		ev.OccurredAt = time.Unix(e.Created, 0).UTC()
	}
	setStripeRefs(&ev, &e)
	amount := stripeKind(&ev, &e)
	if strings.HasPrefix(e.Type, "charge.dispute.") && e.objectType() == "dispute" {
		setStripeDispute(&ev, &e)
	}
	if amount != 0 {
		if err := checkAmount(op, "data.object amount", amount); err != nil {
			return order.Event{}, err
		}
		cur, ok := isoCurrency(obj.Currency)
		if !ok {
			return order.Event{}, invalid(op, "data.object.currency is not an ISO 4217 code")
		}
		ev.AmountMinor, ev.Currency = amount, cur
	}
	return ev, nil
}

// setStripeRefs sets the event's PaymentRef, Refs and DisputeID from its object (see Parse
// for the ids each object type gives).
func setStripeRefs(ev *order.Event, e *stripeEvent) {
	obj := &e.Data.Object
	pi := string(obj.PaymentIntent)
	switch e.objectType() {
	case "payment_intent":
		ev.PaymentRef = obj.ID
		ev.Refs = paymentRefs(obj.ID, string(obj.LatestCharge))
	case "checkout.session":
		ev.OrderID = firstValidOrderID(obj.Metadata.OrderID, string(obj.ClientReferenceID))
		ev.PaymentRef = firstOf(pi, obj.ID)
		ev.Refs = paymentRefs(pi, obj.ID)
	case "charge":
		ev.PaymentRef = firstOf(pi, obj.ID)
		ev.Refs = paymentRefs(pi, obj.ID)
	case "refund":
		ev.PaymentRef = firstOf(pi, string(obj.Charge))
		ev.Refs = paymentRefs(pi, string(obj.Charge), obj.ID)
	case "dispute":
		ev.PaymentRef = firstOf(pi, string(obj.Charge))
		ev.Refs = paymentRefs(pi, string(obj.Charge))
		ev.DisputeID = obj.ID
	case "radar.early_fraud_warning":
		ev.PaymentRef = firstOf(pi, string(obj.Charge))
		ev.Refs = paymentRefs(pi, string(obj.Charge))
	default:
		ev.PaymentRef = pi
		ev.Refs = paymentRefs(pi)
	}
}

// stripeKind sets the event's Kind from its type (and, for a completed checkout session,
// its payment_status) and returns the amount it records, 0 for none.
func stripeKind(ev *order.Event, e *stripeEvent) int64 {
	obj := &e.Data.Object
	amount := int64(0)
	switch e.Type {
	case "payment_intent.succeeded":
		ev.Kind, amount = order.KindPaymentSucceeded, obj.AmountReceived
		if amount == 0 {
			amount = obj.Amount
		}
	case "checkout.session.completed":
		switch obj.PaymentStatus {
		case "paid":
			ev.Kind, amount = order.KindPaymentSucceeded, obj.AmountTotal
		case "unpaid":
			ev.Kind = order.KindPaymentPending
		}
	case "checkout.session.async_payment_succeeded":
		ev.Kind, amount = order.KindPaymentSucceeded, obj.AmountTotal
	case "payment_intent.payment_failed", "checkout.session.async_payment_failed":
		ev.Kind = order.KindPaymentFailed
	case "payment_intent.processing":
		ev.Kind = order.KindPaymentPending
	case "payment_intent.canceled", "checkout.session.expired":
		ev.Kind = order.KindPaymentCanceled
	case "charge.refunded":
		ev.Kind, amount, ev.RefundIsTotal = order.KindRefunded, obj.AmountRefunded, true
	case "charge.dispute.created":
		ev.Kind, amount = order.KindDisputeOpened, obj.Amount
	case "charge.dispute.updated", "charge.dispute.funds_withdrawn", "charge.dispute.funds_reinstated":
		ev.Kind, amount = order.KindDisputeUpdated, obj.Amount
	case "charge.dispute.closed":
		ev.Kind, amount = order.KindDisputeClosed, obj.Amount
	case "radar.early_fraud_warning.created", "radar.early_fraud_warning.updated":
		ev.Kind = order.KindFraudWarning
	}
	return amount
}

// setStripeDispute sets a dispute event's status, reason, outcome (when closed) and
// evidence deadline from the Dispute object.
func setStripeDispute(ev *order.Event, e *stripeEvent) {
	obj := &e.Data.Object
	ev.DisputeStatus, ev.DisputeReason = stripeDisputeStatus(obj.Status), obj.Reason
	if ev.Kind == order.KindDisputeClosed && !order.DisputeEnded(ev.DisputeStatus) {
		ev.DisputeStatus = order.DisputeClosed
	}
	if ev.Kind == order.KindDisputeClosed {
		ev.DisputeOutcome = disputeOutcome(ev.DisputeStatus)
	}
	if obj.EvidenceDetails.DueBy > 0 {
		ev.RespondBy = time.Unix(obj.EvidenceDetails.DueBy, 0).UTC()
	}
}

// stripeDisputeStatus maps a Dispute's status (see Parse).
func stripeDisputeStatus(status string) string {
	switch status {
	case "warning_needs_response", "needs_response":
		return order.DisputeNeedsResponse
	case "warning_under_review", "under_review":
		return order.DisputeUnderReview
	case "won":
		return order.DisputeWon
	case "lost":
		return order.DisputeLost
	case "warning_closed", "prevented":
		return order.DisputeClosed
	}
	return ""
}

// disputeOutcome is the Event.DisputeOutcome a dispute status implies: won or lost, else "".
func disputeOutcome(status string) string {
	if status == order.DisputeWon || status == order.DisputeLost {
		return status
	}
	return ""
}
