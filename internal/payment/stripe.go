package payment

import (
	"context"
	"encoding/hex"
	"encoding/json"
	"net/http"
	"strings"
	"time"

	"github.com/orderwire/orderwire/internal/order"
	"github.com/orderwire/orderwire/internal/webhooksig"
)

// stripe verifies Stripe webhooks (source: stripe/stripe-go webhook/client.go).
//
// The seller must put the order id in metadata.order_id of the PaymentIntent (Checkout:
// payment_intent_data.metadata) AND of the Checkout Session (its top-level metadata is not
// copied to the PaymentIntent). Only data.object.metadata.order_id is read: Charge, Dispute
// and Early Fraud Warning events name the order only if the seller copied the metadata onto
// those objects (an early fraud warning has no metadata at all); otherwise OrderID is "" and
// PaymentRef (the PaymentIntent id) is what links the event to a payment.
type stripe struct {
	keys [][]byte // each whole whsec_... string as bytes: Stripe does NOT base64-decode it
}

func newStripe(secrets []string) *stripe {
	p := &stripe{}
	for _, s := range secrets {
		p.keys = append(p.keys, []byte(s))
	}
	return p
}

func (p *stripe) Name() string { return NameStripe }

func (p *stripe) Acknowledge() (int, string, []byte) {
	return http.StatusOK, "application/json", []byte(jsonAck)
}

// Verify checks Stripe-Signature: t=<unix seconds>,v1=<hex>[,v1=<hex>...], HMAC-SHA256 of
// "<t>.<raw body>". Any v1 matching any configured secret passes; unknown schemes (v0) are
// ignored. Unlike stripe-go, a timestamp more than 5 minutes in the future is refused too.
func (p *stripe) Verify(_ context.Context, r Request, now time.Time) error {
	const op = "payment.stripe.Verify"
	sigHeader := webhooksig.Header(r.Header, "Stripe-Signature")
	if sigHeader == "" {
		return webhooksig.MissingHeader(op, "Stripe-Signature")
	}
	var (
		ts     string
		sigs   [][]byte
		sigBuf [4][32]byte // room for a few signatures without allocating
	)
	for part := range strings.SplitSeq(sigHeader, ",") {
		k, v, ok := strings.Cut(strings.TrimSpace(part), "=")
		if !ok {
			return unauthorized(op, "malformed Stripe-Signature header")
		}
		switch k {
		case "t":
			ts = v
		case "v1":
			if len(v) != 64 {
				continue // not a SHA-256 hex digest: cannot match
			}
			var dst []byte
			if n := len(sigs); n < len(sigBuf) {
				dst = sigBuf[n][:]
			} else {
				dst = make([]byte, 32)
			}
			if _, err := hex.Decode(dst, []byte(v)); err != nil {
				continue
			}
			sigs = append(sigs, dst)
		}
	}
	signedAt, ok := webhooksig.UnixSeconds(ts)
	if !ok {
		return unauthorized(op, "Stripe-Signature header has no valid timestamp (t=)")
	}
	if len(sigs) == 0 {
		return unauthorized(op, "Stripe-Signature header has no v1 signature")
	}
	if err := webhooksig.CheckTimestamp(op, "Stripe-Signature timestamp", signedAt, now); err != nil {
		return err
	}
	if !webhooksig.MACMatches(p.keys, sigs, []byte(ts), []byte{'.'}, r.Body) {
		return webhooksig.NoMatch(op)
	}
	return nil
}

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

// stripeObject is the union of the PaymentIntent, Checkout Session, Charge, Dispute and
// Early Fraud Warning fields orderwire reads.
type stripeObject struct {
	ID             string         `json:"id"`
	Amount         int64          `json:"amount"`          // PaymentIntent, Charge, Dispute
	AmountReceived int64          `json:"amount_received"` // PaymentIntent
	AmountTotal    int64          `json:"amount_total"`    // Checkout Session
	AmountRefunded int64          `json:"amount_refunded"` // Charge: total refunded so far
	Currency       string         `json:"currency"`
	PaymentStatus  string         `json:"payment_status"` // Checkout Session: paid, unpaid, no_payment_required
	Status         string         `json:"status"`         // Dispute: won, lost, warning_closed, ...
	PaymentIntent  stripeID       `json:"payment_intent"`
	Metadata       stripeMetadata `json:"metadata"`
}

// stripeID is an expandable reference: a string id, null, or an expanded object with an id.
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
//	charge.dispute.closed                       dispute_closed, won/lost from status
//	radar.early_fraud_warning.created           fraud_warning
//	anything else, refund.* included            ignored
//
// refund.created/updated/failed are ignored on purpose: every refund also produces
// charge.refunded, whose amount_refunded is the running total, so acting on both would count
// a refund twice. PaymentRef is the PaymentIntent id.
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
		Source:     NameStripe,
		EventID:    e.ID,
		Type:       e.Type,
		Kind:       order.KindIgnored,
		OrderID:    obj.Metadata.OrderID,
		PaymentRef: string(obj.PaymentIntent),
	}
	if e.Created > 0 {
		ev.OccurredAt = time.Unix(e.Created, 0).UTC()
	}
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
	case "charge.dispute.closed":
		ev.Kind, amount = order.KindDisputeClosed, obj.Amount
		switch obj.Status {
		case "won":
			ev.DisputeOutcome = order.DisputeWon
		case "lost":
			ev.DisputeOutcome = order.DisputeLost
		}
	case "radar.early_fraud_warning.created":
		ev.Kind = order.KindFraudWarning
	}
	if strings.HasPrefix(e.Type, "payment_intent.") {
		ev.PaymentRef = obj.ID // the object is the PaymentIntent itself
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
