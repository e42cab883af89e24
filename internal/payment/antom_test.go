package payment

import (
	"context"
	"crypto/rsa"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/orderwire/orderwire/internal/order"
	"github.com/orderwire/orderwire/internal/order/ordertest"
)

const (
	antomPath     = "/webhooks/payments/antom"
	antomClientID = "SANDBOX_5YBZ1A2C3D4E05678"
	antomTime     = "2026-03-01T18:00:02.253+08:00"
)

// antomRequest signs body as Antom does (SignatureTool.GenSign: the base64 signature is
// URL-encoded with QueryEscape).
func antomRequest(t testing.TB, key *rsa.PrivateKey, body []byte) Request {
	t.Helper()
	content := "POST " + antomPath + "\n" + antomClientID + "." + antomTime + "." + string(body)
	h := http.Header{}
	h.Set("Content-Type", "application/json; charset=UTF-8")
	h.Set("client-id", antomClientID)
	h.Set("request-time", antomTime)
	h.Set("signature", "algorithm=RSA256,keyVersion=1,signature="+url.QueryEscape(rsaSign(t, key, content)))
	return Request{Method: http.MethodPost, Path: antomPath, Header: h, Body: body}
}

func TestAntomVerify(t *testing.T) {
	body := fixture(t, "antom", "payment_result_success.json")
	p := mustProvider(t, Config{AntomPublicKeyPEM: publicKeyPEM(t, signingKey())}, NameAntom)
	bare := mustProvider(t, Config{AntomPublicKeyPEM: publicKeyBase64(t, signingKey())}, NameAntom)
	valid := antomRequest(t, signingKey(), body)
	with := func(f func(r *Request)) Request {
		r := valid
		r.Header = valid.Header.Clone()
		f(&r)
		return r
	}
	sigValue := strings.TrimPrefix(valid.Header.Get("signature"), "algorithm=RSA256,keyVersion=1,signature=")
	unescaped, _ := url.QueryUnescape(sigValue)
	tests := []struct {
		name string
		p    Provider
		r    Request
		code order.Code
	}{
		{"valid", p, valid, ""},
		{"valid with the console's bare base64 key", bare, valid, ""},
		{"signature not URL-encoded", p, with(func(r *Request) { r.Header.Set("signature", "algorithm=RSA256,keyVersion=1,signature="+unescaped) }), ""},
		{"base64 letters changed in case", p, with(func(r *Request) {
			r.Header.Set("signature", "algorithm=RSA256,keyVersion=1,signature="+strings.ToLower(sigValue))
		}), order.CodeUnauthorized},
		{"tampered body", p, with(func(r *Request) { r.Body = tamper(body) }), order.CodeUnauthorized},
		{"wrong key", p, antomRequest(t, strangerKey(), body), order.CodeUnauthorized},
		{"other path", p, with(func(r *Request) { r.Path = "/webhooks/payments/antom2" }), order.CodeUnauthorized},
		{"other request-time", p, with(func(r *Request) { r.Header.Set("request-time", "2026-03-01T18:00:03+08:00") }), order.CodeUnauthorized},
		{"missing signature", p, with(func(r *Request) { r.Header.Del("signature") }), order.CodeUnauthorized},
		{"missing client-id", p, with(func(r *Request) { r.Header.Del("client-id") }), order.CodeUnauthorized},
		{"missing request-time", p, with(func(r *Request) { r.Header.Del("request-time") }), order.CodeUnauthorized},
		{"other algorithm", p, with(func(r *Request) {
			r.Header.Set("signature", strings.Replace(valid.Header.Get("signature"), "RSA256", "RSA", 1))
		}), order.CodeUnauthorized},
		{"no signature value", p, with(func(r *Request) { r.Header.Set("signature", "algorithm=RSA256,keyVersion=1") }), order.CodeUnauthorized},
		{"signature not base64", p, with(func(r *Request) { r.Header.Set("signature", "algorithm=RSA256,signature=%%%") }), order.CodeUnauthorized},
		{"no path", p, with(func(r *Request) { r.Path = "" }), order.CodeUnauthorized},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ordertest.WantCode(t, tt.p.Verify(context.Background(), tt.r, testNow), tt.code)
		})
	}
	// Antom's docs show lower-case escapes ("%2f", "%3d"): they decode the same.
	lowerEscapes := strings.NewReplacer("%2F", "%2f", "%2B", "%2b", "%3D", "%3d").Replace(sigValue)
	r := with(func(r *Request) { r.Header.Set("signature", "algorithm=RSA256,keyVersion=1,signature="+lowerEscapes) })
	ordertest.WantCode(t, p.Verify(context.Background(), r, testNow), "")
}

func TestAntomParse(t *testing.T) {
	p := mustProvider(t, Config{AntomPublicKeyPEM: publicKeyPEM(t, signingKey())}, NameAntom)
	const pay = "20260301194010800100188820212345678"
	tests := []eventWant{
		{file: "payment_result_success.json", kind: order.KindPaymentSucceeded, orderID: "ORD-3001", amount: 8000, currency: "EUR",
			paymentRef: pay, typ: "PAYMENT_RESULT", eventID: "PAYMENT_RESULT:" + pay + ":S",
			occurredAt: time.Date(2026, 3, 1, 10, 0, 1, 0, time.UTC)},
		{file: "payment_result_fail.json", kind: order.KindPaymentFailed, orderID: "ORD-3002",
			eventID: "PAYMENT_RESULT:20260301194010800100188820212345679:F"},
		{file: "payment_pending.json", kind: order.KindPaymentPending, orderID: "ORD-3003",
			occurredAt: time.Date(2026, 3, 1, 9, 59, 0, 0, time.UTC)},
		{file: "refund_result_success.json", kind: order.KindRefunded, orderID: "", amount: 3000, currency: "EUR",
			eventID: "REFUND_RESULT:20260305194010800100188820212349999:SUCCESS"},
		{file: "refund_result_fail.json", kind: order.KindIgnored, typ: "REFUND_RESULT"},
		{file: "dispute_created.json", kind: order.KindDisputeOpened, orderID: "ORD-3001", amount: 8000, currency: "EUR",
			paymentRef: pay, typ: "DISPUTE_CREATED", eventID: "DISPUTE_CREATED:202603101940108001001888C0200001",
			status: order.DisputeNeedsResponse, reason: "13.1", respondBy: antomDue},
		{file: "dispute_judged_customer.json", kind: order.KindDisputeClosed, orderID: "ORD-3001", outcome: order.DisputeWon,
			eventID:    "DISPUTE_JUDGED:202603101940108001001888C0200001:ACCEPT_BY_CUSTOMER",
			occurredAt: time.Date(2026, 3, 30, 4, 0, 0, 0, time.UTC), status: order.DisputeWon},
		{file: "dispute_judged_merchant.json", kind: order.KindDisputeClosed, orderID: "ORD-3001", outcome: order.DisputeLost,
			status: order.DisputeLost},
		{file: "capture_result.json", kind: order.KindIgnored, typ: "CAPTURE_RESULT", paymentRef: "20260301194010800100188820212345681"},
	}
	for _, w := range tests {
		ev, err := p.Parse(antomRequest(t, signingKey(), fixture(t, "antom", w.file)))
		if err != nil {
			t.Errorf("%s: %v", w.file, err)
			continue
		}
		w.check(t, NameAntom, ev)
	}
	for _, bad := range []string{"malformed.json", "no_id.json"} {
		_, err := p.Parse(Request{Header: http.Header{}, Body: fixture(t, "antom", bad)})
		ordertest.WantCode(t, err, order.CodeInvalid)
	}
	// No time in the body: request-time, in epoch milliseconds here.
	h := http.Header{"Request-Time": {"1772359200000"}}
	ev, err := p.Parse(Request{Header: h, Body: []byte(`{"notifyType":"PAYMENT_PENDING","paymentId":"2026"}`)})
	if err != nil || !ev.OccurredAt.Equal(testNow) {
		t.Fatalf("occurred at %v, %v; want %v", ev.OccurredAt, err, testNow)
	}
}

func TestAntomAcknowledge(t *testing.T) {
	p := mustProvider(t, Config{AntomPublicKeyPEM: publicKeyPEM(t, signingKey())}, NameAntom)
	status, ct, body := p.Acknowledge()
	if status != http.StatusOK || ct != "application/json" ||
		string(body) != `{"result":{"resultCode":"SUCCESS","resultStatus":"S","resultMessage":"success"}}` {
		t.Fatalf("ack %d %s %s", status, ct, body)
	}
}
