package payment

import (
	"context"
	"crypto/rsa"
	"encoding/base64"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/orderwire/orderwire/internal/order"
)

// alipay verifies Alipay's classic asynchronous notify (alipay.trade.* notify_url posts,
// application/x-www-form-urlencoded). Verification follows alipay/alipay-sdk-java-all
// AlipaySignature.getSignCheckContentV1 + rsaCheckV1: drop sign and sign_type, drop empty
// values, sort the keys, join the DECODED values as k=v with &, check the base64 sign with
// SHA256withRSA (sign_type RSA2; RSA1 is refused).
//
// The notify carries notify_time inside the signed content but Alipay documents no validity
// window and resends for about 25 hours, so no tolerance is applied; replays are harmless
// because the store deduplicates on notify_id.
type alipay struct {
	key *rsa.PublicKey
}

func (p *alipay) Name() string { return NameAlipay }

// Acknowledge is the literal "success" Alipay expects; anything else is resent ~8 times.
func (p *alipay) Acknowledge() (int, string, []byte) {
	return http.StatusOK, "text/plain; charset=utf-8", []byte("success")
}

// Verify checks the form's sign parameter. A parameter given twice is refused, so that
// Verify and Parse cannot read different values of it.
func (p *alipay) Verify(_ context.Context, r Request, _ time.Time) error {
	const op = "payment.alipay.Verify"
	form, err := url.ParseQuery(string(r.Body))
	if err != nil {
		return unauthorized(op, "body is not a URL-encoded form")
	}
	keys := make([]string, 0, len(form))
	for k, vs := range form {
		if len(vs) > 1 {
			return unauthorized(op, "a form parameter appears more than once")
		}
		if k != "sign" && k != "sign_type" && k != "" && vs[0] != "" {
			keys = append(keys, k)
		}
	}
	sign := form.Get("sign")
	switch {
	case sign == "":
		return unauthorized(op, "missing sign parameter")
	case form.Get("sign_type") != "RSA2":
		return unauthorized(op, "sign_type must be RSA2")
	}
	raw, err := base64.StdEncoding.DecodeString(sign)
	if err != nil {
		return unauthorized(op, "sign is not base64")
	}
	if !verifyRSA(p.key, raw, []byte(alipaySignContent(form, keys))) {
		return unauthorized(op, "sign does not match the configured Alipay public key")
	}
	return nil
}

// alipaySignContent joins the given keys of form, sorted by byte order, as k=v&k=v.
func alipaySignContent(form url.Values, keys []string) string {
	slices.Sort(keys)
	var b strings.Builder
	for i, k := range keys {
		if i > 0 {
			b.WriteByte('&')
		}
		b.WriteString(k)
		b.WriteByte('=')
		b.WriteString(form.Get(k))
	}
	return b.String()
}

// shanghai is Beijing time, the zone of Alipay's "2006-01-02 15:04:05" times. China has had
// no daylight saving time since 1991, so a fixed +08:00 is exact and needs no tzdata.
var shanghai = time.FixedZone("CST", 8*60*60)

// Parse maps trade_status:
//
//	refund_fee present and > 0 (any status)   refunded, refund_fee, RefundIsTotal
//	TRADE_SUCCESS, TRADE_FINISHED             payment_succeeded (total_amount)
//	WAIT_BUYER_PAY                            payment_pending
//	TRADE_CLOSED                              payment_canceled (unpaid and timed out/closed)
//	anything else                             ignored
//
// A refund triggers a notify on the payment's notify_url: a partial refund arrives with
// trade_status TRADE_SUCCESS and a full refund with TRADE_CLOSED, both with refund_fee (the
// total refunded so far) and gmt_refund, which is how they are told apart from a payment or
// an unpaid close. Amounts are decimals in the currency param if present, else CNY (classic
// Alipay documents total_amount in yuan). EventID is notify_id, OrderID out_trade_no,
// PaymentRef trade_no; OccurredAt is gmt_refund/gmt_close/gmt_payment/gmt_create/notify_time,
// whichever fits first, read in Beijing time.
func (p *alipay) Parse(r Request) (order.Event, error) {
	const op = "payment.alipay.Parse"
	form, err := url.ParseQuery(string(r.Body))
	if err != nil {
		return order.Event{}, invalid(op, "body is not a URL-encoded form")
	}
	ev := order.Event{Source: NameAlipay, EventID: form.Get("notify_id"), Type: form.Get("trade_status"),
		Kind: order.KindIgnored, OrderID: form.Get("out_trade_no"), PaymentRef: form.Get("trade_no")}
	if ev.EventID == "" {
		return order.Event{}, invalid(op, "notify has no notify_id")
	}
	cur := "CNY"
	if c := form.Get("currency"); c != "" {
		var ok bool
		if cur, ok = isoCurrency(c); !ok {
			return order.Event{}, invalid(op, "currency is not an ISO 4217 code")
		}
	}
	amount := func(field string) (int64, error) {
		n, err := order.MinorUnits(form.Get(field), cur)
		if err != nil {
			return 0, invalid(op, "%s is not a decimal amount in %s", field, cur)
		}
		return n, nil
	}
	times := []string{"gmt_payment", "gmt_create", "notify_time"}
	refund := int64(0)
	if form.Get("refund_fee") != "" {
		if refund, err = amount("refund_fee"); err != nil {
			return order.Event{}, err
		}
	}
	switch status := ev.Type; {
	case refund > 0:
		ev.Kind, ev.AmountMinor, ev.Currency, ev.RefundIsTotal = order.KindRefunded, refund, cur, true
		times = append([]string{"gmt_refund"}, times...)
	case status == "TRADE_SUCCESS" || status == "TRADE_FINISHED":
		n, err := amount("total_amount")
		if err != nil {
			return order.Event{}, err
		}
		ev.Kind, ev.AmountMinor, ev.Currency = order.KindPaymentSucceeded, n, cur
	case status == "WAIT_BUYER_PAY":
		ev.Kind = order.KindPaymentPending
	case status == "TRADE_CLOSED":
		ev.Kind = order.KindPaymentCanceled
		times = append([]string{"gmt_close"}, times...)
	}
	for _, field := range times {
		if t, err := time.ParseInLocation(time.DateTime, form.Get(field), shanghai); err == nil {
			ev.OccurredAt = t.UTC()
			break
		}
	}
	return ev, nil
}
