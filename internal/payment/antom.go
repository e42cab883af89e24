package payment

import (
	"context"
	"crypto/rsa"
	"encoding/base64"
	"encoding/json"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/orderwire/orderwire/internal/order"
	"github.com/orderwire/orderwire/internal/webhooksig"
)

// antom verifies Alipay+ global acquiring (Antom) notifications (source:
// alipay/global-open-sdk-go com/alipay/api/tools/SignatureTool.go and WebhookTool.go).
//
// Antom documents no validity window for request-time and its retries span 24 hours, so no
// timestamp tolerance is applied: a replayed genuine notification is harmless because the
// store deduplicates on the event id. The client-id header is signed but not compared with
// a configured value (orderwire has one Antom public key per deployment).
type antom struct {
	key *rsa.PublicKey
}

func (p *antom) Name() string { return NameAntom }

// antomAck is the fixed reply Antom expects; anything else is retried up to 8 times in 24 h.
const antomAck = `{"result":{"resultCode":"SUCCESS","resultStatus":"S","resultMessage":"success"}}`

func (p *antom) Acknowledge() (int, string, []byte) {
	return http.StatusOK, "application/json", []byte(antomAck)
}

// Verify checks the signature header "algorithm=RSA256,keyVersion=1,signature=<url-encoded
// base64>" against "<METHOD> <path>\n<client-id>.<request-time>.<raw body>" with
// SHA256withRSA. request-time is signed exactly as received (Antom sends epoch milliseconds
// or ISO 8601 depending on the product).
func (p *antom) Verify(_ context.Context, r Request, _ time.Time) error {
	const op = "payment.antom.Verify"
	sigHeader := webhooksig.Header(r.Header, "signature")
	clientID := webhooksig.Header(r.Header, "client-id")
	reqTime := webhooksig.Header(r.Header, "request-time")
	switch {
	case sigHeader == "":
		return webhooksig.MissingHeader(op, "signature")
	case clientID == "":
		return webhooksig.MissingHeader(op, "client-id")
	case reqTime == "":
		return webhooksig.MissingHeader(op, "request-time")
	case r.Method == "" || r.Path == "":
		return unauthorized(op, "request method and path are needed to check the signature")
	}
	var algorithm, sig string
	for part := range strings.SplitSeq(sigHeader, ",") {
		k, v, _ := strings.Cut(strings.TrimSpace(part), "=")
		switch k {
		case "algorithm":
			algorithm = v
		case "signature":
			sig = v
		}
	}
	if algorithm != "RSA256" {
		return unauthorized(op, "signature header algorithm must be RSA256")
	}
	if sig == "" {
		return unauthorized(op, "signature header has no signature")
	}
	if strings.Contains(sig, "%") { // URL-encoded as documented; tolerate a bare base64 too
		dec, err := url.QueryUnescape(sig)
		if err != nil {
			return unauthorized(op, "signature is not URL-encoded base64")
		}
		sig = dec
	}
	raw, err := base64.StdEncoding.DecodeString(sig)
	if err != nil {
		return unauthorized(op, "signature is not base64")
	}
	if !verifyRSA(p.key, raw, []byte(r.Method), []byte{' '}, []byte(r.Path), []byte{'\n'},
		[]byte(clientID), []byte{'.'}, []byte(reqTime), []byte{'.'}, r.Body) {
		return unauthorized(op, "signature does not match the configured Antom public key")
	}
	return nil
}

type antomAmount struct {
	Value    string `json:"value"` // minor units, as a string
	Currency string `json:"currency"`
}

// antomNotify is the union of the notifyPayment, notifyCapture, notifyRefund (and
// notifyDirectRefund) and notifyDispute fields read (Antom API reference,
// docs.antom.com/ac/ams/notify_capture, notify_refund, notify_dispute and notifyPayment;
// docs.antom.com/ac/aba/notifydirectrefund; alipay/global-open-sdk-go
// com/alipay/api/request/notify/*.go).
type antomNotify struct {
	NotifyType string `json:"notifyType"`
	Result     struct {
		ResultStatus string `json:"resultStatus"`
	} `json:"result"`
	PaymentRequestID  string       `json:"paymentRequestId"`
	PaymentID         string       `json:"paymentId"`
	PaymentAmount     *antomAmount `json:"paymentAmount"`
	PaymentCreateTime string       `json:"paymentCreateTime"`
	PaymentTime       string       `json:"paymentTime"`

	CaptureRequestID string `json:"captureRequestId"`
	CaptureID        string `json:"captureId"`
	CaptureTime      string `json:"captureTime"`

	RefundStatus    string       `json:"refundStatus"`
	RefundRequestID string       `json:"refundRequestId"`
	RefundID        string       `json:"refundId"`
	RefundAmount    *antomAmount `json:"refundAmount"`
	RefundTime      string       `json:"refundTime"`

	DisputeID               string       `json:"disputeId"`
	DisputeNotificationType string       `json:"disputeNotificationType"`
	DisputeJudgedResult     string       `json:"disputeJudgedResult"`
	DisputeAmount           *antomAmount `json:"disputeAmount"`
	DisputeTime             string       `json:"disputeTime"`
	DisputeJudgedTime       string       `json:"disputeJudgedTime"`
	DisputeAcceptTime       string       `json:"disputeAcceptTime"`
	DisputeReasonCode       string       `json:"disputeReasonCode"`
	DisputeReasonMsg        string       `json:"disputeReasonMsg"`
	DefenseDueTime          string       `json:"defenseDueTime"`
	Defendable              antomBool    `json:"defendable"`
}

// antomBool reads a Boolean that Antom documents as the string "true"/"false" and its own
// examples send as a JSON Boolean; anything else (absent, null) is unknown.
type antomBool struct {
	Known, Value bool
}

func (b *antomBool) UnmarshalJSON(data []byte) error {
	switch string(data) {
	case "true", `"true"`:
		*b = antomBool{Known: true, Value: true}
	case "false", `"false"`:
		*b = antomBool{Known: true}
	}
	return nil
}

// antomDispute maps disputeNotificationType (and, for DISPUTE_JUDGED, disputeJudgedResult)
// to a kind and a dispute status (see Parse); unknown values are dispute_updated with no
// status, so that a new notice still reaches the order's timeline.
func antomDispute(n antomNotify) (order.EventKind, string) {
	switch n.DisputeNotificationType {
	case "DISPUTE_CREATED":
		if n.Defendable.Known && !n.Defendable.Value {
			return order.KindDisputeOpened, order.DisputeUnderReview
		}
		return order.KindDisputeOpened, order.DisputeNeedsResponse
	case "DEFENSE_DUE_ALERT":
		return order.KindDisputeUpdated, order.DisputeNeedsResponse
	case "DEFENSE_SUPPLIED":
		return order.KindDisputeUpdated, order.DisputeUnderReview
	case "DISPUTE_JUDGED":
		switch n.DisputeJudgedResult {
		case "ACCEPT_BY_CUSTOMER": // the buyer bears it: the frozen funds are released
			return order.KindDisputeClosed, order.DisputeWon
		case "ACCEPT_BY_MERCHANT": // the merchant bears it: deducted from settlement
			return order.KindDisputeClosed, order.DisputeLost
		}
	case "DISPUTE_CANCELLED": // the buyer withdrew it
		return order.KindDisputeClosed, order.DisputeClosed
	case "DISPUTE_ACCEPTED": // the merchant accepted it
		return order.KindDisputeClosed, order.DisputeLost
	case "RDR_RESOLVED": // refunded through Visa RDR before it became a chargeback
		return order.KindDisputeClosed, order.DisputeClosed
	}
	return order.KindDisputeUpdated, ""
}

// Parse maps an Antom notification. Kinds:
//
//	PAYMENT_RESULT, result.resultStatus S     payment_succeeded (paymentAmount, minor units)
//	PAYMENT_RESULT, result.resultStatus F     payment_failed
//	PAYMENT_PENDING                           payment_pending
//	REFUND_RESULT, refundStatus SUCCESS       refunded (refundAmount, this refund's)
//	CAPTURE_RESULT, REFUND_RESULT FAIL        ignored (recorded, with their refs)
//	disputeNotificationType (notifyDispute)   kind             DisputeStatus
//	  DISPUTE_CREATED                         dispute_opened   needs_response; under_review
//	                                          (disputeAmount)  when defendable is false
//	  DEFENSE_DUE_ALERT                       dispute_updated  needs_response (due soon)
//	  DEFENSE_SUPPLIED                        dispute_updated  under_review (defense sent)
//	  DISPUTE_JUDGED, ACCEPT_BY_CUSTOMER      dispute_closed   won (the buyer bears it)
//	  DISPUTE_JUDGED, ACCEPT_BY_MERCHANT      dispute_closed   lost (deducted from settlement)
//	  DISPUTE_CANCELLED                       dispute_closed   closed (the buyer withdrew it)
//	  DISPUTE_ACCEPTED                        dispute_closed   lost (the merchant accepted it)
//	  RDR_RESOLVED                            dispute_closed   closed (refunded through Visa
//	                                                           RDR: no chargeback, as Stripe's
//	                                                           prevented)
//	  DISPUTE_JUDGED VALIDATE_SUCCESS/FAIL,   dispute_updated  "" (keeps the dispute's status)
//	  any other
//
// DisputeOutcome is won or lost when a dispute_closed's status is. DisputeReason is
// disputeReasonCode (the network's reason code, e.g. "13.1"), else disputeReasonMsg;
// RespondBy is defenseDueTime (zero when absent or unreadable).
//
// What ties each to an order:
//
//	notification     OrderID           PaymentRef   Refs (the payment and its parts)
//	notifyPayment    paymentRequestId  paymentId    paymentId, paymentRequestId
//	notifyCapture    -                 paymentId    paymentId, captureId, captureRequestId
//	notifyRefund     -                 paymentId*   paymentId*, refundId, refundRequestId
//	notifyDispute    paymentRequestId  paymentId    paymentId, paymentRequestId, captureId*
//
// (* when present: notifyRefund names no payment, notifyDirectRefund names paymentId; a
// dispute on a captured card payment may name captureId.) paymentRequestId is the merchant's
// own id, which orderwire takes as the order id. A refund or capture names the order only
// through refs, so the store files it on the order its refs are bound to. DisputeID is
// disputeId. Antom has no event sequence.
//
// Antom notifications carry no notification id. The event id is derived from the fields that
// identify one notification and stay the same across its retries: the type, the Antom object
// id (paymentId, refundId, disputeId or captureId, else the merchant's request id) and the
// outcome, e.g. "PAYMENT_RESULT:2020010123456789:S". A payment reaches each final state once,
// so this is unique per distinct notification; hashing the body would also be stable but
// would split one notification in two if Antom re-serialised it between retries.
// OccurredAt is the notification's own time (paymentTime, captureTime, refundTime,
// disputeJudgedTime, disputeAcceptTime, disputeTime, paymentCreateTime), else request-time.
// disputeTime is the dispute's creation time, so it is the time of DISPUTE_CREATED only:
// any other dispute notice without a time of its own (DEFENSE_SUPPLIED, DEFENSE_DUE_ALERT,
// DISPUTE_CANCELLED, ...) takes request-time first, so that it folds after the creation.
func (p *antom) Parse(r Request) (order.Event, error) {
	const op = "payment.antom.Parse"
	var n antomNotify
	if err := json.Unmarshal(r.Body, &n); err != nil {
		return order.Event{}, invalid(op, "body is not an Antom notification: malformed JSON")
	}
	ev := order.Event{Source: NameAntom, Type: n.NotifyType, Kind: order.KindIgnored, PaymentRef: n.PaymentID}
	var f antomFacts
	switch {
	case n.DisputeNotificationType != "" || n.DisputeID != "":
		f = antomDisputeFacts(&ev, n, r)
	case n.NotifyType == "REFUND_RESULT":
		f = antomFacts{outcome: firstOf(n.RefundStatus, n.Result.ResultStatus), objectID: firstOf(n.RefundID, n.RefundRequestID),
			times: []string{n.RefundTime}}
		ev.Refs = refList(n.PaymentID, n.RefundID, n.RefundRequestID)
		if n.RefundStatus == "SUCCESS" {
			ev.Kind, f.amount = order.KindRefunded, n.RefundAmount
		}
	case n.NotifyType == "CAPTURE_RESULT":
		f = antomFacts{outcome: n.Result.ResultStatus, objectID: firstOf(n.CaptureID, n.CaptureRequestID, n.PaymentID),
			times: []string{n.CaptureTime}}
		ev.Refs = refList(n.PaymentID, n.CaptureID, n.CaptureRequestID)
	default:
		f = antomPaymentFacts(&ev, n)
	}
	if ev.Type == "" || f.objectID == "" {
		return order.Event{}, invalid(op, "notification has no type or no payment, capture, refund or dispute id to identify it")
	}
	ev.EventID = ev.Type + ":" + f.objectID
	if f.outcome != "" {
		ev.EventID += ":" + f.outcome
	}
	if f.amount != nil && f.amount.Value != "" {
		minor, ok := minorUnits(f.amount.Value)
		cur, curOK := isoCurrency(f.amount.Currency)
		if !ok || !curOK {
			return order.Event{}, invalid(op, "amount is not minor units in an ISO 4217 currency")
		}
		ev.AmountMinor, ev.Currency = minor, cur
	}
	for _, s := range append(f.times, webhooksig.Header(r.Header, "request-time")) {
		if t, ok := parseAntomTime(s); ok {
			ev.OccurredAt = t
			break
		}
	}
	return ev, nil
}

// antomFacts are what Parse takes from a notification besides the event's fields: the
// amount to record (nil for none), the outcome and object id that make the event id, and
// the notification's own times, most specific first.
type antomFacts struct {
	amount            *antomAmount
	outcome, objectID string
	times             []string
}

// antomDisputeFacts fills ev from a dispute notification (DISPUTE_CREATED, JUDGED, ...).
func antomDisputeFacts(ev *order.Event, n antomNotify, r Request) antomFacts {
	ev.Type = firstOf(n.DisputeNotificationType, n.NotifyType)
	f := antomFacts{outcome: n.DisputeJudgedResult, objectID: n.DisputeID,
		times: []string{n.DisputeJudgedTime, n.DisputeAcceptTime, n.DisputeTime}}
	ev.OrderID, ev.DisputeID = n.PaymentRequestID, n.DisputeID
	ev.Refs = refList(n.PaymentID, n.PaymentRequestID, n.CaptureID)
	if n.DisputeNotificationType != "DISPUTE_CREATED" {
		// disputeTime is when the dispute was created, not when this notice happened:
		// the signed request-time is the notice's own time.
		f.times = []string{n.DisputeJudgedTime, n.DisputeAcceptTime, webhooksig.Header(r.Header, "request-time"), n.DisputeTime}
	}
	ev.Kind, ev.DisputeStatus = antomDispute(n)
	if ev.Kind == order.KindDisputeClosed {
		ev.DisputeOutcome = disputeOutcome(ev.DisputeStatus)
	}
	ev.DisputeReason = firstOf(n.DisputeReasonCode, n.DisputeReasonMsg)
	if t, ok := parseAntomTime(n.DefenseDueTime); ok {
		ev.RespondBy = t
	}
	if ev.Kind == order.KindDisputeOpened {
		f.amount = n.DisputeAmount
	}
	return f
}

// antomPaymentFacts fills ev from a payment notification (PAYMENT_RESULT, PAYMENT_PENDING,
// or any other type, which stays ignored).
func antomPaymentFacts(ev *order.Event, n antomNotify) antomFacts {
	f := antomFacts{outcome: n.Result.ResultStatus, objectID: firstOf(n.PaymentID, n.PaymentRequestID),
		times: []string{n.PaymentTime, n.PaymentCreateTime}}
	ev.OrderID = n.PaymentRequestID
	ev.Refs = refList(n.PaymentID, n.PaymentRequestID)
	switch {
	case n.NotifyType == "PAYMENT_RESULT" && n.Result.ResultStatus == "S":
		ev.Kind, f.amount = order.KindPaymentSucceeded, n.PaymentAmount
	case n.NotifyType == "PAYMENT_RESULT" && n.Result.ResultStatus == "F":
		ev.Kind = order.KindPaymentFailed
	case n.NotifyType == "PAYMENT_PENDING":
		ev.Kind = order.KindPaymentPending
	}
	return f
}

// firstOf returns the first non-empty string.
func firstOf(s ...string) string {
	for _, v := range s {
		if v != "" {
			return v
		}
	}
	return ""
}

// minorUnits parses a non-negative integer amount in minor units up to order.MaxAmountMinor.
func minorUnits(s string) (int64, bool) {
	if s == "" || len(s) > 13 || strings.TrimLeft(s, "0123456789") != "" {
		return 0, false
	}
	n, err := strconv.ParseInt(s, 10, 64)
	return n, err == nil && n <= order.MaxAmountMinor
}

// parseAntomTime reads ISO 8601 with an offset ("2019-11-27T12:01:01+08:00") or epoch
// milliseconds (some request-time headers).
func parseAntomTime(s string) (time.Time, bool) {
	if s == "" {
		return time.Time{}, false
	}
	if t, err := time.Parse(time.RFC3339Nano, s); err == nil {
		return t.UTC(), true
	}
	if len(s) == 13 && strings.TrimLeft(s, "0123456789") == "" {
		ms, err := strconv.ParseInt(s, 10, 64)
		if err == nil {
			return time.UnixMilli(ms).UTC(), true
		}
	}
	return time.Time{}, false
}
