package payment

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"net/http"
	"strconv"
	"testing"
	"time"

	"github.com/orderwire/orderwire/internal/order"
	"github.com/orderwire/orderwire/internal/order/ordertest"
)

const (
	standardSecret      = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw" // the official vector's key
	standardOtherSecret = "whsec_c2Vjb25kLXN0YW5kYXJkLXdlYmhvb2tzLWtleQ=="
)

// standardRequest signs body as a Standard Webhooks sender does (independently of Verify).
func standardRequest(body []byte, secret, id string, ts time.Time) Request {
	key, _ := base64.StdEncoding.DecodeString(secret[len("whsec_"):])
	mac := hmac.New(sha256.New, key)
	stamp := strconv.FormatInt(ts.Unix(), 10)
	mac.Write([]byte(id + "." + stamp + "."))
	mac.Write(body)
	h := http.Header{}
	h.Set("webhook-id", id)
	h.Set("webhook-timestamp", stamp)
	h.Set("webhook-signature", "v1,"+base64.StdEncoding.EncodeToString(mac.Sum(nil)))
	return Request{Method: http.MethodPost, Path: "/webhooks/payments/standard", Header: h, Body: body}
}

// TestStandardOfficialVector is standard-webhooks/standard-webhooks libraries/go/webhook_test.go
// TestWebhookSign, verified at a fixed now.
func TestStandardOfficialVector(t *testing.T) {
	p := mustProvider(t, Config{StandardSecrets: []string{standardSecret}}, NameStandard)
	h := http.Header{
		"Webhook-Id":        {"msg_p5jXN8AQM9LWM0D4loKWxJek"},
		"Webhook-Timestamp": {"1614265330"},
		"Webhook-Signature": {"v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="},
	}
	r := Request{Header: h, Body: []byte(`{"test": 2432232314}`)}
	ordertest.WantCode(t, p.Verify(context.Background(), r, time.Unix(1614265330, 0)), "")
	ordertest.WantCode(t, p.Verify(context.Background(), r, time.Unix(1614265330+301, 0)), order.CodeUnauthorized)
}

func TestStandardVerify(t *testing.T) {
	body := fixture(t, "standard", "payment.succeeded.json")
	p := mustProvider(t, Config{StandardSecrets: []string{standardSecret}}, NameStandard)
	rotated := mustProvider(t, Config{StandardSecrets: []string{standardOtherSecret, standardSecret}}, NameStandard)
	valid := standardRequest(body, standardSecret, "msg_2Zx9Y", testNow)
	without := func(name string) Request {
		h := valid.Header.Clone()
		h.Del(name)
		return Request{Header: h, Body: body}
	}
	withSig := func(v string) Request {
		h := valid.Header.Clone()
		h.Set("webhook-signature", v)
		return Request{Header: h, Body: body}
	}
	sig := valid.Header.Get("webhook-signature")
	tests := []struct {
		name string
		p    Provider
		r    Request
		code order.Code
	}{
		{"valid", p, valid, ""},
		{"rotated: second of two secrets matches", rotated, valid, ""},
		{"several signatures, other versions ignored", p, withSig("v1a,AAAA v2," + sig[3:] + " v1,Ceo5qEr07ixe2NLpvHk3FH9bwy/WavXrAFQ/9tdO6mc= " + sig), ""},
		{"tampered body", p, Request{Header: valid.Header, Body: tamper(body)}, order.CodeUnauthorized},
		{"wrong secret", p, standardRequest(body, standardOtherSecret, "msg_2Zx9Y", testNow), order.CodeUnauthorized},
		{"stale timestamp", p, standardRequest(body, standardSecret, "msg_2Zx9Y", testNow.Add(-301*time.Second)), order.CodeUnauthorized},
		{"far-future timestamp", p, standardRequest(body, standardSecret, "msg_2Zx9Y", testNow.Add(301*time.Second)), order.CodeUnauthorized},
		{"missing webhook-id", p, without("webhook-id"), order.CodeUnauthorized},
		{"missing webhook-timestamp", p, without("webhook-timestamp"), order.CodeUnauthorized},
		{"missing webhook-signature", p, without("webhook-signature"), order.CodeUnauthorized},
		{"only other versions", p, withSig("v2," + sig[3:]), order.CodeUnauthorized},
		{"timestamp not a number", p, func() Request { r := without(""); r.Header.Set("webhook-timestamp", "soon"); return r }(), order.CodeUnauthorized},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ordertest.WantCode(t, tt.p.Verify(context.Background(), tt.r, testNow), tt.code)
		})
	}
}

func TestStandardParse(t *testing.T) {
	p := mustProvider(t, Config{StandardSecrets: []string{standardSecret}}, NameStandard)
	tests := []eventWant{
		{file: "payment.succeeded.json", kind: order.KindPaymentSucceeded, orderID: "ORD-5001", amount: 1999, currency: "USD",
			paymentRef: "pay_8f3k2", typ: "payment.succeeded", occurredAt: testNow},
		{file: "payment.failed.json", kind: order.KindPaymentFailed, orderID: "ORD-5002"},
		{file: "payment.pending.json", kind: order.KindPaymentPending, orderID: "ORD-5003", occurredAt: testNow},
		{file: "payment.canceled.json", kind: order.KindPaymentCanceled, orderID: "ORD-5004", occurredAt: time.Date(2026, 3, 1, 2, 0, 3, 0, time.UTC)},
		{file: "payment.refunded.json", kind: order.KindRefunded, orderID: "ORD-5001", amount: 500, currency: "USD"},
		{file: "payment.refunded.total.json", kind: order.KindRefunded, orderID: "ORD-5001", amount: 1999, currency: "USD", total: true},
		{file: "dispute.opened.json", kind: order.KindDisputeOpened, orderID: "ORD-5001", amount: 1999, currency: "USD",
			status: order.DisputeNeedsResponse, reason: "fraudulent", respondBy: time.Date(2026, 3, 20, 10, 0, 0, 0, time.UTC)},
		{file: "dispute.updated.json", kind: order.KindDisputeUpdated, paymentRef: "pay_x71", status: order.DisputeUnderReview},
		{file: "dispute.closed.json", kind: order.KindDisputeClosed, orderID: "ORD-5001", outcome: order.DisputeLost,
			status: order.DisputeLost}, // the older outcome form: the status follows it
		{file: "fraud.warning.json", kind: order.KindFraudWarning, orderID: "ORD-5001"},
		{file: "invoice.created.json", kind: order.KindIgnored, orderID: "ORD-5001", typ: "invoice.created"},
	}
	for _, w := range tests {
		w.eventID = "msg_" + w.file
		ev, err := p.Parse(standardRequest(fixture(t, "standard", w.file), standardSecret, w.eventID, testNow))
		if err != nil {
			t.Errorf("%s: %v", w.file, err)
			continue
		}
		w.check(t, NameStandard, ev)
	}
	for _, bad := range []string{"malformed.json", "bad_currency.json", "bad_dispute_status.json"} {
		_, err := p.Parse(standardRequest(fixture(t, "standard", bad), standardSecret, "msg_bad", testNow))
		ordertest.WantCode(t, err, order.CodeInvalid)
	}
	_, err := p.Parse(Request{Header: http.Header{}, Body: fixture(t, "standard", "payment.succeeded.json")})
	ordertest.WantCode(t, err, order.CodeInvalid) // no webhook-id: no event id
}
