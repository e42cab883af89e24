package payment

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/orderwire/orderwire/internal/order"
)

// standard verifies Standard Webhooks (standardwebhooks.com; source:
// standard-webhooks/standard-webhooks libraries/go/webhook.go) and reads orderwire's generic
// payment body, so that any sender able to sign Standard Webhooks can report payments.
//
// Body schema (JSON):
//
//	{
//	  "type": "payment.succeeded" | "payment.failed" | "payment.pending" | "payment.canceled" |
//	          "payment.refunded" | "dispute.opened" | "dispute.closed" | "fraud.warning",
//	  "timestamp": "2026-03-01T10:00:00Z",   // optional, RFC 3339; default webhook-timestamp
//	  "data": {
//	    "order_id":     "ORD-1001",          // the seller's order id
//	    "amount_minor": 1999,                // integer minor units (cents); payments, refunds
//	    "currency":     "USD",               // ISO 4217, required with amount_minor
//	    "payment_ref":  "pay_123",           // optional, the sender's payment id
//	    "refund_total": false,               // payment.refunded: true if amount_minor is the
//	                                         // total refunded so far, false if this refund's
//	    "outcome":      "won" | "lost"       // dispute.closed
//	  }
//	}
//
// The event id is the webhook-id header (Standard Webhooks keeps it across retries). Any
// other type is recorded and ignored.
type standard struct {
	keys [][]byte // base64-decoded part after whsec_
}

// newStandard decodes the whsec_<base64> secrets, recording bad ones in fe by position only.
func newStandard(secrets []string, fe *order.FieldErrors) *standard {
	p := &standard{}
	for i, s := range secrets {
		field := fmt.Sprintf("StandardSecrets[%d]", i)
		b64, ok := strings.CutPrefix(s, "whsec_")
		if !ok {
			fe.Add(field, "must start with whsec_")
			continue
		}
		key, err := base64.StdEncoding.DecodeString(b64)
		if err != nil {
			key, err = base64.RawStdEncoding.DecodeString(b64)
		}
		if err != nil || len(key) == 0 {
			fe.Add(field, "is not whsec_ followed by base64")
			continue
		}
		p.keys = append(p.keys, key)
	}
	if len(p.keys) != len(secrets) {
		return nil
	}
	return p
}

func (p *standard) Name() string { return NameStandard }

func (p *standard) Acknowledge() (int, string, []byte) {
	return http.StatusOK, "application/json", []byte(jsonAck)
}

// Verify checks webhook-signature: space-separated "v1,<base64 HMAC-SHA256>" entries over
// "<webhook-id>.<webhook-timestamp>.<raw body>"; other versions (v1a is ed25519) are ignored.
// The timestamp must be within 5 minutes of now in either direction.
func (p *standard) Verify(_ context.Context, r Request, now time.Time) error {
	const op = "payment.standard.Verify"
	id := headerValue(r.Header, "webhook-id")
	ts := headerValue(r.Header, "webhook-timestamp")
	sigHeader := headerValue(r.Header, "webhook-signature")
	switch {
	case id == "":
		return missingHeader(op, "webhook-id")
	case ts == "":
		return missingHeader(op, "webhook-timestamp")
	case sigHeader == "":
		return missingHeader(op, "webhook-signature")
	}
	signedAt, ok := unixSeconds(ts)
	if !ok {
		return unauthorized(op, "webhook-timestamp is not a unix time in seconds")
	}
	if err := checkTimestamp(op, "webhook-timestamp", signedAt, now); err != nil {
		return err
	}
	var sigs [][]byte
	for entry := range strings.FieldsSeq(sigHeader) {
		version, sig, ok := strings.Cut(entry, ",")
		if !ok || version != "v1" {
			continue
		}
		if raw, err := base64.StdEncoding.DecodeString(sig); err == nil {
			sigs = append(sigs, raw)
		}
	}
	if len(sigs) == 0 {
		return unauthorized(op, "webhook-signature has no v1 signature")
	}
	if !macMatches(p.keys, sigs, []byte(id), []byte{'.'}, []byte(ts), []byte{'.'}, r.Body) {
		return unauthorized(op, "no matching signature for any configured secret")
	}
	return nil
}

type standardBody struct {
	Type      string `json:"type"`
	Timestamp string `json:"timestamp"`
	Data      struct {
		OrderID     string `json:"order_id"`
		AmountMinor int64  `json:"amount_minor"`
		Currency    string `json:"currency"`
		PaymentRef  string `json:"payment_ref"`
		RefundTotal bool   `json:"refund_total"`
		Outcome     string `json:"outcome"`
	} `json:"data"`
}

var standardKinds = map[string]order.EventKind{
	"payment.succeeded": order.KindPaymentSucceeded,
	"payment.failed":    order.KindPaymentFailed,
	"payment.pending":   order.KindPaymentPending,
	"payment.canceled":  order.KindPaymentCanceled,
	"payment.refunded":  order.KindRefunded,
	"dispute.opened":    order.KindDisputeOpened,
	"dispute.closed":    order.KindDisputeClosed,
	"fraud.warning":     order.KindFraudWarning,
}

// Parse maps the generic body (see the type's documentation); each type maps to the kind of
// the same name, unknown types to ignored. An amount needs a currency.
func (p *standard) Parse(r Request) (order.Event, error) {
	const op = "payment.standard.Parse"
	id := headerValue(r.Header, "webhook-id")
	if id == "" {
		return order.Event{}, invalid(op, "missing webhook-id header (the event id)")
	}
	var b standardBody
	if err := json.Unmarshal(r.Body, &b); err != nil {
		return order.Event{}, invalid(op, "body is not JSON of the documented schema")
	}
	ev := order.Event{
		Source: NameStandard, EventID: id, Type: b.Type, Kind: order.KindIgnored,
		OrderID: b.Data.OrderID, PaymentRef: b.Data.PaymentRef,
	}
	if k, ok := standardKinds[b.Type]; ok {
		ev.Kind = k
	}
	if b.Timestamp != "" {
		t, err := time.Parse(time.RFC3339Nano, b.Timestamp)
		if err != nil {
			return order.Event{}, invalid(op, "timestamp is not RFC 3339")
		}
		ev.OccurredAt = t.UTC()
	} else if t, ok := unixSeconds(headerValue(r.Header, "webhook-timestamp")); ok {
		ev.OccurredAt = t.UTC()
	}
	if b.Data.AmountMinor != 0 {
		if err := checkAmount(op, "data.amount_minor", b.Data.AmountMinor); err != nil {
			return order.Event{}, err
		}
		cur, ok := isoCurrency(b.Data.Currency)
		if !ok {
			return order.Event{}, invalid(op, "data.currency must be an ISO 4217 code with data.amount_minor")
		}
		ev.AmountMinor, ev.Currency = b.Data.AmountMinor, cur
	}
	if ev.Kind == order.KindRefunded {
		ev.RefundIsTotal = b.Data.RefundTotal
	}
	if ev.Kind == order.KindDisputeClosed {
		switch b.Data.Outcome {
		case order.DisputeWon, order.DisputeLost:
			ev.DisputeOutcome = b.Data.Outcome
		}
	}
	return ev, nil
}
