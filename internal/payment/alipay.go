package payment

import (
	"context"
	"crypto"
	"crypto/md5"
	"crypto/rsa"
	"crypto/subtle"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/orderwire/orderwire/internal/order"
	"github.com/orderwire/orderwire/internal/webhooksig"
)

// alipay verifies Alipay's asynchronous notifications (notify_url posts,
// application/x-www-form-urlencoded): the classic alipay.trade.* notify and Alipay Global's
// cross-border create_forex_trade notify. Verification follows the Alipay Global guide
// "Verifying the asynchronous notification" (docs.antom.com/ac/web/async, with its
// create_forex_trade sample) and alipay/alipay-sdk-java-all AlipaySignature.rsaCheckV1:
// drop sign and sign_type, drop empty values, sort the keys, join the DECODED values as k=v
// with &, then by sign_type:
//
//	RSA2   base64 SHA256withRSA signature, checked with the Alipay public key
//	RSA    base64 SHA1withRSA signature, checked with the Alipay public key
//	MD5    lower-case hex MD5 of the content followed by the MD5 key; accepted only when
//	       the operator set SettingAlipayMD5Key (Config.Warnings says MD5 is weak)
//
// The guide's optional notify_verify round trip to Alipay (asking whether notify_id is
// genuine) is not made: the signature already authenticates the body, and the package does
// no I/O. The notify carries notify_time inside the signed content but Alipay documents no
// validity window and resends for about 25 hours, so no tolerance is applied; replays are
// harmless because the store deduplicates on notify_id.
type alipay struct {
	key    *rsa.PublicKey // nil when only an MD5 key is configured
	md5Key []byte         // nil unless SettingAlipayMD5Key is set
}

// newAlipay builds the provider from the public key and the MD5 key, either of which may be
// empty (nil when both are); a bad one is recorded in fe under its setting.
func newAlipay(pemData []byte, md5Key string, fe *order.FieldErrors) *alipay {
	p := &alipay{}
	ok := true
	if pemText := strings.TrimSpace(string(pemData)); pemText != "" {
		key, err := parseRSAPublicKey([]byte(pemText))
		if err != nil {
			fe.Add(SettingAlipayPublicKey, err.Error())
			ok = false
		}
		p.key = key
	}
	if md5Key = strings.TrimSpace(md5Key); md5Key != "" {
		if len(md5Key) < webhooksig.MinKeyBytes {
			fe.Add(SettingAlipayMD5Key, fmt.Sprintf("is only %d bytes long; at least %d are required (Alipay issues 32)",
				len(md5Key), webhooksig.MinKeyBytes))
			ok = false
		}
		p.md5Key = []byte(md5Key)
	}
	if !ok || (p.key == nil && p.md5Key == nil) {
		return nil
	}
	return p
}

func (p *alipay) Name() string { return NameAlipay }

// Acknowledge is the literal "success" Alipay expects; anything else is resent ~8 times.
func (p *alipay) Acknowledge() (int, string, []byte) {
	return http.StatusOK, "text/plain; charset=utf-8", []byte("success")
}

// Verify checks the form's sign parameter by its sign_type. A parameter given twice is
// refused, so that Verify and Parse cannot read different values of it.
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
	if sign == "" {
		return unauthorized(op, "missing sign parameter")
	}
	content := []byte(alipaySignContent(form, keys))
	switch signType := form.Get("sign_type"); signType {
	case "RSA2", "RSA":
		if p.key == nil {
			return unauthorized(op, "sign_type %s needs %s, which is not set", signType, SettingAlipayPublicKey)
		}
		raw, err := base64.StdEncoding.DecodeString(sign)
		if err != nil {
			return unauthorized(op, "sign is not base64")
		}
		hash := crypto.SHA256
		if signType == "RSA" {
			hash = crypto.SHA1
		}
		if !verifyRSAHash(p.key, hash, raw, content) {
			return unauthorized(op, "sign does not match the configured Alipay public key")
		}
	case "MD5":
		if p.md5Key == nil {
			return unauthorized(op, "sign_type MD5 is accepted only when %s is set", SettingAlipayMD5Key)
		}
		sum := md5.Sum(append(content, p.md5Key...))
		want := hex.EncodeToString(sum[:])
		if subtle.ConstantTimeCompare([]byte(strings.ToLower(sign)), []byte(want)) != 1 {
			return unauthorized(op, "sign does not match the configured Alipay MD5 key")
		}
	default:
		return unauthorized(op, "sign_type must be RSA2, RSA or MD5")
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
//	TRADE_SUCCESS, TRADE_FINISHED             payment_succeeded (total_amount, else total_fee)
//	WAIT_BUYER_PAY                            payment_pending
//	TRADE_CLOSED                              payment_canceled (unpaid and timed out/closed)
//	anything else                             ignored
//
// Fields, for both notifies:
//
//	notify_id                          EventID (kept across Alipay's resends)
//	trade_status                       Type
//	out_trade_no                       OrderID (the merchant's order id) and a ref
//	trade_no                           PaymentRef (Alipay's trade id) and a ref
//	out_biz_no                         a ref (the merchant's refund request id, classic refunds)
//	total_amount                       classic: the payment, a decimal in currency, else CNY
//	total_fee + currency               create_forex_trade: the payment, a decimal in the
//	                                   settlement currency (e.g. 0.01 USD, 1000 or 1000.00 JPY)
//	refund_fee                         classic: the total refunded so far
//	gmt_refund, gmt_close, gmt_payment, gmt_create, notify_time
//	                                   OccurredAt, the first that fits the kind, Beijing time
//
// A classic refund triggers a notify on the payment's notify_url: a partial refund arrives
// with trade_status TRADE_SUCCESS and a full refund with TRADE_CLOSED, both with refund_fee
// (the total refunded so far) and gmt_refund, which is how they are told apart from a payment
// or an unpaid close. create_forex_trade notifies are TRADE_FINISHED (paid) or TRADE_CLOSED;
// forex_refund's own asynchronous notification is not mapped (its fields could not be
// confirmed from Alipay's documentation): it is recorded and ignored unless it carries
// refund_fee. Amounts in minor units use the currency's ISO 4217 digits; trailing zeros beyond
// them are accepted ("1000.00" JPY is 1000), other extra digits are not.
func (p *alipay) Parse(r Request) (order.Event, error) {
	const op = "payment.alipay.Parse"
	form, err := url.ParseQuery(string(r.Body))
	if err != nil {
		return order.Event{}, invalid(op, "body is not a URL-encoded form")
	}
	ev := order.Event{Source: NameAlipay, EventID: form.Get("notify_id"), Type: form.Get("trade_status"),
		Kind: order.KindIgnored, OrderID: form.Get("out_trade_no"), PaymentRef: form.Get("trade_no"),
		Refs: refList(form.Get("trade_no"), form.Get("out_trade_no"), form.Get("out_biz_no"))}
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
		field := "total_amount"
		if form.Get(field) == "" && form.Get("total_fee") != "" {
			field = "total_fee" // create_forex_trade
		}
		n, err := amount(field)
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
