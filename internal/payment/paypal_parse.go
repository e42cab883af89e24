package payment

import (
	"encoding/json"
	"net/url"
	"regexp"
	"strings"
	"time"

	"github.com/orderwire/orderwire/internal/order"
	"github.com/orderwire/orderwire/internal/webhooksig"
)

type payPalMoney struct {
	Value        string `json:"value"`
	CurrencyCode string `json:"currency_code"`
}

type payPalLink struct {
	Href string `json:"href"`
	Rel  string `json:"rel"`
}

type payPalIDs []struct {
	ID string `json:"id"`
}

// payPalEvent holds the webhook envelope and the union of the resource fields orderwire
// reads: Payments v2 capture, refund and authorization, Orders v2 order, Disputes v1 dispute.
type payPalEvent struct {
	ID           string `json:"id"`
	EventType    string `json:"event_type"`
	ResourceType string `json:"resource_type"` // capture, refund, authorization, checkout-order, dispute
	CreateTime   string `json:"create_time"`
	Resource     struct {
		ID                string       `json:"id"`
		CustomID          string       `json:"custom_id"`
		InvoiceID         string       `json:"invoice_id"`
		Amount            *payPalMoney `json:"amount"`
		UpdateTime        string       `json:"update_time"`
		SupplementaryData struct {
			RelatedIDs struct {
				OrderID         string `json:"order_id"`
				AuthorizationID string `json:"authorization_id"`
				CaptureID       string `json:"capture_id"`
			} `json:"related_ids"`
		} `json:"supplementary_data"`
		PurchaseUnits []struct {
			CustomID    string `json:"custom_id"`
			InvoiceID   string `json:"invoice_id"`
			ReferenceID string `json:"reference_id"`
			Payments    struct {
				Captures       payPalIDs `json:"captures"`
				Authorizations payPalIDs `json:"authorizations"`
			} `json:"payments"`
		} `json:"purchase_units"`
		Links []payPalLink `json:"links"`
		// Disputes (resource_type "dispute").
		DisputeID             string       `json:"dispute_id"`
		DisputeAmount         *payPalMoney `json:"dispute_amount"`
		Status                string       `json:"status"` // capture, refund: COMPLETED, ...; dispute: OPEN, ...
		Reason                string       `json:"reason"`
		SellerResponseDueDate string       `json:"seller_response_due_date"`
		DisputeOutcome        struct {
			OutcomeCode string `json:"outcome_code"`
		} `json:"dispute_outcome"`
		DisputedTransactions []struct {
			SellerTransactionID string `json:"seller_transaction_id"`
			InvoiceNumber       string `json:"invoice_number"`
			Custom              string `json:"custom"`
		} `json:"disputed_transactions"`
	} `json:"resource"`
}

// resourceKind is resource_type, or, when it is missing, what the event type implies.
func (e *payPalEvent) resourceKind() string {
	if e.ResourceType != "" {
		return e.ResourceType
	}
	switch {
	case e.EventType == "PAYMENT.CAPTURE.REFUNDED" || e.EventType == "PAYMENT.CAPTURE.REVERSED":
		return "refund"
	case strings.HasPrefix(e.EventType, "PAYMENT.CAPTURE."):
		return "capture"
	case strings.HasPrefix(e.EventType, "PAYMENT.AUTHORIZATION."):
		return "authorization"
	case strings.HasPrefix(e.EventType, "CHECKOUT.ORDER."):
		return "checkout-order"
	case strings.HasSuffix(e.EventType, ".DISPUTE.CREATED") || strings.HasPrefix(e.EventType, "CUSTOMER.DISPUTE."):
		return "dispute"
	}
	return ""
}

// Parse maps a PayPal event:
//
//	PAYMENT.CAPTURE.COMPLETED         payment_succeeded (resource.amount)
//	PAYMENT.CAPTURE.PENDING           payment_pending
//	PAYMENT.CAPTURE.DENIED, DECLINED  payment_failed
//	PAYMENT.CAPTURE.REFUNDED          refunded (this refund's amount, not a total)
//	PAYMENT.CAPTURE.REVERSED          refunded (the reversed amount)
//	CUSTOMER.DISPUTE.CREATED,         dispute_opened (dispute_amount); RISK.DISPUTE.CREATED is
//	  RISK.DISPUTE.CREATED            deprecated and documented without payload: read the same
//	CUSTOMER.DISPUTE.UPDATED          dispute_updated (dispute_amount)
//	CUSTOMER.DISPUTE.RESOLVED         dispute_closed, status from dispute_outcome.outcome_code
//	CHECKOUT.ORDER.APPROVED/COMPLETED ignored: approval moves no money and the capture events
//	  PAYMENT.AUTHORIZATION.*         are authoritative for it (acting on both would count the
//	                                  payment twice); their refs still bind the order's ids
//	anything else                     ignored
//
// Which order: OrderID is the first valid order id (order.ValidID) of resource.custom_id,
// resource.invoice_id, purchase_units[0].custom_id, .invoice_id, .reference_id (not
// "default", which PayPal fills in when the seller set none), then each disputed
// transaction's custom and invoice_number; "" when none is. Refs (PaymentRef first):
//
//	capture         id; the up link's id (its order or authorization);
//	                supplementary_data.related_ids order_id, authorization_id
//	refund          the up link's capture id (else related_ids.capture_id); id; related ids
//	authorization   id; the up link's order id; related_ids.order_id
//	checkout-order  id; purchase_units[].payments captures[].id, authorizations[].id
//	dispute         every disputed_transactions[].seller_transaction_id (the merchant's id of
//	                the transaction, i.e. the capture); buyer_transaction_id is the buyer's
//	                side of it and names nothing orderwire has seen, so it is left out.
//	                DisputeID is dispute_id.
//
// Disputes (Disputes API v1 dispute object): DisputeReason is reason
// ("MERCHANDISE_OR_SERVICE_NOT_RECEIVED", "UNAUTHORISED", ...), RespondBy is
// seller_response_due_date (RFC 3339; zero when absent or unreadable), DisputeStatus maps
// status, and on RESOLVED (and on every CUSTOMER.DISPUTE.RESOLVED event) the outcome:
//
//	status                        DisputeStatus
//	OPEN                          needs_response (an inquiry the seller is to answer)
//	WAITING_FOR_SELLER_RESPONSE   needs_response
//	WAITING_FOR_BUYER_RESPONSE    under_review (the other party acts)
//	UNDER_REVIEW                  under_review
//	RESOLVED                      from dispute_outcome.outcome_code:
//	  RESOLVED_SELLER_FAVOUR        won
//	  RESOLVED_BUYER_FAVOUR         lost
//	  ACCEPTED                      lost (the seller accepted the claim)
//	  CANCELED_BY_BUYER             closed (withdrawn)
//	  RESOLVED_WITH_PAYOUT, DENIED,
//	  NONE, other                   closed (no documented win or loss for the seller)
//	OTHER, anything else          "" (the dispute keeps its status)
//
// DisputeOutcome is won or lost when a CUSTOMER.DISPUTE.RESOLVED's status is.
//
// An id is read from a link's href only when its path ends in /captures/<id>,
// /authorizations/<id> or /orders/<id>.
//
// OccurredAt is the event's create_time (PayPal gives it to the millisecond, in the order it
// raised the events), or the resource's update_time where that is the same instant given
// more precisely; without a usable create_time, the resource's update_time, then
// PAYPAL-TRANSMISSION-TIME. PayPal has no per-object sequence: Sequence is 0.
func (p *payPal) Parse(r Request) (order.Event, error) {
	const op = "payment.paypal.Parse"
	var e payPalEvent
	if err := json.Unmarshal(r.Body, &e); err != nil {
		return order.Event{}, invalid(op, "body is not a PayPal event: malformed JSON")
	}
	if e.ID == "" {
		return order.Event{}, invalid(op, "event has no id")
	}
	res := &e.Resource
	ev := order.Event{Source: NamePayPal, EventID: e.ID, Type: e.EventType, Kind: order.KindIgnored}
	ev.OrderID = firstValidOrderID(payPalOrderCandidates(&e)...)
	ev.PaymentRef, ev.Refs = payPalRefs(&e)
	if e.resourceKind() == "dispute" {
		ev.DisputeID = res.DisputeID
	}

	var amount *payPalMoney
	switch e.EventType {
	case "PAYMENT.CAPTURE.COMPLETED":
		ev.Kind, amount = order.KindPaymentSucceeded, res.Amount
	case "PAYMENT.CAPTURE.PENDING":
		ev.Kind = order.KindPaymentPending
	case "PAYMENT.CAPTURE.DENIED", "PAYMENT.CAPTURE.DECLINED":
		ev.Kind = order.KindPaymentFailed
	case "PAYMENT.CAPTURE.REFUNDED", "PAYMENT.CAPTURE.REVERSED":
		ev.Kind, amount = order.KindRefunded, res.Amount
	case "CUSTOMER.DISPUTE.CREATED", "RISK.DISPUTE.CREATED":
		ev.Kind, amount = order.KindDisputeOpened, res.DisputeAmount
	case "CUSTOMER.DISPUTE.UPDATED":
		ev.Kind, amount = order.KindDisputeUpdated, res.DisputeAmount
	case "CUSTOMER.DISPUTE.RESOLVED":
		ev.Kind, amount = order.KindDisputeClosed, res.DisputeAmount
	}
	if ev.Kind == order.KindDisputeOpened || ev.Kind == order.KindDisputeUpdated || ev.Kind == order.KindDisputeClosed {
		setPayPalDispute(&ev, &e)
	}
	if amount != nil && amount.Value != "" {
		n, err := order.MinorUnits(amount.Value, amount.CurrencyCode)
		if err != nil {
			return order.Event{}, invalid(op, "resource amount is not a decimal in an ISO 4217 currency")
		}
		ev.AmountMinor, ev.Currency = n, amount.CurrencyCode
	}
	ev.OccurredAt = payPalOccurredAt(e.CreateTime, res.UpdateTime, webhooksig.Header(r.Header, "PAYPAL-TRANSMISSION-TIME"))
	return ev, nil
}

// payPalOrderCandidates are the resource's fields that may carry the order id, in order of
// preference: custom_id, invoice_id, then the first purchase unit's (its reference_id
// unless PayPal's "default"), then each disputed transaction's custom and invoice_number.
func payPalOrderCandidates(e *payPalEvent) []string {
	res := &e.Resource
	candidates := []string{res.CustomID, res.InvoiceID}
	if len(res.PurchaseUnits) > 0 {
		pu := res.PurchaseUnits[0]
		candidates = append(candidates, pu.CustomID, pu.InvoiceID)
		if pu.ReferenceID != "default" {
			candidates = append(candidates, pu.ReferenceID)
		}
	}
	for _, dt := range res.DisputedTransactions {
		candidates = append(candidates, dt.Custom, dt.InvoiceNumber)
	}
	return candidates
}

// setPayPalDispute sets a dispute event's status, reason, outcome (when closed) and
// response deadline from the dispute resource.
func setPayPalDispute(ev *order.Event, e *payPalEvent) {
	res := &e.Resource
	status := res.Status
	if ev.Kind == order.KindDisputeClosed {
		status = "RESOLVED"
	}
	ev.DisputeStatus, ev.DisputeReason = payPalDisputeStatus(status, res.DisputeOutcome.OutcomeCode), res.Reason
	if ev.Kind == order.KindDisputeClosed {
		ev.DisputeOutcome = disputeOutcome(ev.DisputeStatus)
	}
	if t, err := time.Parse(time.RFC3339Nano, res.SellerResponseDueDate); err == nil {
		ev.RespondBy = t.UTC()
	}
}

// payPalRefs returns the event's PaymentRef and Refs (see Parse).
func payPalRefs(e *payPalEvent) (string, []string) {
	res := &e.Resource
	related := res.SupplementaryData.RelatedIDs
	up := ""
	for _, l := range res.Links {
		if l.Rel == "up" {
			up = payPalLinkID(l.Href)
		}
	}
	switch e.resourceKind() {
	case "capture", "authorization":
		return res.ID, paymentRefs(res.ID, up, related.OrderID, related.AuthorizationID)
	case "refund":
		capture := firstOf(up, related.CaptureID)
		return capture, paymentRefs(capture, res.ID, related.OrderID, related.AuthorizationID)
	case "checkout-order":
		ids := []string{res.ID}
		for _, pu := range res.PurchaseUnits {
			for _, c := range pu.Payments.Captures {
				ids = append(ids, c.ID)
			}
			for _, a := range pu.Payments.Authorizations {
				ids = append(ids, a.ID)
			}
		}
		return res.ID, paymentRefs(ids...)
	case "dispute":
		var ids []string
		for _, dt := range res.DisputedTransactions {
			ids = append(ids, dt.SellerTransactionID)
		}
		refs := paymentRefs(ids...)
		if len(refs) == 0 {
			return "", nil
		}
		return refs[0], refs
	}
	return res.ID, paymentRefs(res.ID)
}

// payPalIDPattern is the shape of PayPal's order, capture, authorization and refund ids.
var payPalIDPattern = regexp.MustCompile(`^[A-Za-z0-9-]{1,64}$`)

// payPalLinkID is the id at the end of a HATEOAS link to a capture, authorization or order
// (…/v2/payments/captures/<id>, …/v2/payments/authorizations/<id>, …/v2/checkout/orders/<id>),
// or "" for any other link.
func payPalLinkID(href string) string {
	u, err := url.Parse(href)
	if err != nil {
		return ""
	}
	segs := strings.Split(strings.TrimSuffix(u.Path, "/"), "/")
	if len(segs) < 2 {
		return ""
	}
	collection, id := segs[len(segs)-2], segs[len(segs)-1]
	switch collection {
	case "captures", "authorizations", "orders":
		if payPalIDPattern.MatchString(id) {
			return id
		}
	}
	return ""
}

// payPalDisputeStatus maps a dispute's status and, for RESOLVED, its
// dispute_outcome.outcome_code (see Parse).
func payPalDisputeStatus(status, outcome string) string {
	switch status {
	case "OPEN", "WAITING_FOR_SELLER_RESPONSE":
		return order.DisputeNeedsResponse
	case "WAITING_FOR_BUYER_RESPONSE", "UNDER_REVIEW":
		return order.DisputeUnderReview
	case "RESOLVED":
		switch outcome {
		case "RESOLVED_SELLER_FAVOUR":
			return order.DisputeWon
		case "RESOLVED_BUYER_FAVOUR", "ACCEPTED":
			return order.DisputeLost
		}
		return order.DisputeClosed
	}
	return ""
}

// payPalOccurredAt picks the event time (see Parse). It is zero when no candidate parses.
func payPalOccurredAt(createTime, updateTime, transmitted string) time.Time {
	created, errC := time.Parse(time.RFC3339Nano, createTime)
	updated, errU := time.Parse(time.RFC3339Nano, updateTime)
	switch {
	case errC == nil && errU == nil:
		digits := fractionDigits(createTime)
		unit := time.Second
		for range digits {
			unit /= 10
		}
		if fractionDigits(updateTime) > digits && updated.Truncate(unit).Equal(created) {
			return updated.UTC()
		}
		return created.UTC()
	case errC == nil:
		return created.UTC()
	case errU == nil:
		return updated.UTC()
	}
	if t, err := time.Parse(time.RFC3339Nano, transmitted); err == nil {
		return t.UTC()
	}
	return time.Time{}
}

// fractionDigits counts the digits after the seconds of an RFC 3339 time ("…:42.940Z" has 3).
func fractionDigits(s string) int {
	i := strings.IndexByte(s, 'T')
	if i < 0 {
		return 0
	}
	j := strings.IndexByte(s[i:], '.')
	if j < 0 {
		return 0
	}
	n := 0
	for _, c := range s[i+j+1:] {
		if c < '0' || c > '9' {
			break
		}
		n++
	}
	return min(n, 9)
}
