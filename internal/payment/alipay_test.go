package payment

import (
	"context"
	"crypto/rsa"
	"net/http"
	"net/url"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/orderwire/orderwire/internal/order"
	"github.com/orderwire/orderwire/internal/order/ordertest"
)

// alipayContent is an independent implementation of AlipaySignature.getSignCheckContentV1:
// the sorted, decoded, non-empty parameters other than sign and sign_type.
func alipayContent(t testing.TB, form string) string {
	t.Helper()
	v, err := url.ParseQuery(form)
	if err != nil {
		t.Fatal(err)
	}
	var pairs []string
	for k := range v {
		if k != "sign" && k != "sign_type" && v.Get(k) != "" {
			pairs = append(pairs, k+"="+v.Get(k))
		}
	}
	sort.Strings(pairs)
	return strings.Join(pairs, "&")
}

// alipayRequest appends sign_type=RSA2 and sign to the unsigned form body.
func alipayRequest(t testing.TB, key *rsa.PrivateKey, form []byte) Request {
	t.Helper()
	sig := rsaSign(t, key, alipayContent(t, string(form)))
	body := string(form) + "&sign_type=RSA2&sign=" + url.QueryEscape(sig)
	h := http.Header{"Content-Type": {"application/x-www-form-urlencoded; charset=utf-8"}}
	return Request{Method: http.MethodPost, Path: "/webhooks/payments/alipay", Header: h, Body: []byte(body)}
}

// TestAlipaySignContent pins the content string of a fixture: decoded values, byte order,
// empty body dropped.
func TestAlipaySignContent(t *testing.T) {
	const want = "app_id=2021000123456789&auth_app_id=2021000123456789&buyer_id=2088102122524333" +
		"&buyer_logon_id=159****5620&buyer_pay_amount=99.00&charset=utf-8" +
		`&fund_bill_list=[{"amount":"99.00","fundChannel":"ALIPAYACCOUNT"}]` +
		"&gmt_create=2026-03-01 18:00:00&gmt_payment=2026-03-01 18:00:05&invoice_amount=99.00" +
		"&notify_id=2026030100222180001000000011111111&notify_time=2026-03-01 18:00:06" +
		"&notify_type=trade_status_sync&out_trade_no=ORD-4001&point_amount=0.00&receipt_amount=99.00" +
		"&seller_email=seller@example.com&seller_id=2088101106499364&subject=手机壳 x2" +
		"&total_amount=99.00&trade_no=2026030122001424330501234567&trade_status=TRADE_SUCCESS&version=1.0"
	form, err := url.ParseQuery(string(fixture(t, "alipay", "trade_success.txt")))
	if err != nil {
		t.Fatal(err)
	}
	var keys []string
	for k := range form {
		if form.Get(k) != "" {
			keys = append(keys, k)
		}
	}
	if got := alipaySignContent(form, keys); got != want {
		t.Fatalf("content\n%s\nwant\n%s", got, want)
	}
	if got := alipayContent(t, string(fixture(t, "alipay", "trade_success.txt"))); got != want {
		t.Fatalf("test signer content differs: %s", got)
	}
}

func TestAlipayVerify(t *testing.T) {
	form := fixture(t, "alipay", "trade_success.txt")
	p := mustProvider(t, Config{AlipayPublicKeyPEM: publicKeyBase64(t, signingKey())}, NameAlipay)
	pemP := mustProvider(t, Config{AlipayPublicKeyPEM: publicKeyPEM(t, signingKey())}, NameAlipay)
	valid := alipayRequest(t, signingKey(), form)
	body := func(s string) Request { return Request{Header: valid.Header, Body: []byte(s)} }
	tests := []struct {
		name string
		p    Provider
		r    Request
		code order.Code
	}{
		{"valid (bare base64 key)", p, valid, ""},
		{"valid (PEM key)", pemP, valid, ""},
		{"empty parameter added", p, body(string(valid.Body) + "&passback_params="), ""},
		{"tampered body", p, Request{Body: []byte(strings.Replace(string(valid.Body), "total_amount=99.00", "total_amount=99.01", 1))}, order.CodeUnauthorized},
		{"one byte changed", p, Request{Body: tamper(valid.Body)}, order.CodeUnauthorized},
		{"wrong key", p, alipayRequest(t, strangerKey(), form), order.CodeUnauthorized},
		{"missing sign", p, body(string(form) + "&sign_type=RSA2"), order.CodeUnauthorized},
		{"RSA2 signature labelled RSA (SHA1withRSA) fails", p, body(strings.Replace(string(valid.Body), "sign_type=RSA2", "sign_type=RSA", 1)), order.CodeUnauthorized},
		{"duplicate parameter", p, body(string(valid.Body) + "&out_trade_no=ORD-9999"), order.CodeUnauthorized},
		{"not a form", p, body("%zz"), order.CodeUnauthorized},
		{"sign not base64", p, body(string(form) + "&sign_type=RSA2&sign=***"), order.CodeUnauthorized},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ordertest.WantCode(t, tt.p.Verify(context.Background(), tt.r, testNow), tt.code)
		})
	}
}

func TestAlipayParse(t *testing.T) {
	p := mustProvider(t, Config{AlipayPublicKeyPEM: publicKeyBase64(t, signingKey())}, NameAlipay)
	beijing := func(s string) time.Time {
		tm, err := time.Parse("2006-01-02 15:04:05 -0700", s+" +0800")
		if err != nil {
			t.Fatal(err)
		}
		return tm
	}
	tests := []eventWant{
		{file: "trade_success.txt", kind: order.KindPaymentSucceeded, orderID: "ORD-4001", amount: 9900, currency: "CNY",
			typ: "TRADE_SUCCESS", eventID: "2026030100222180001000000011111111", paymentRef: "2026030122001424330501234567",
			occurredAt: beijing("2026-03-01 18:00:05")},
		{file: "trade_finished.txt", kind: order.KindPaymentSucceeded, orderID: "ORD-4001", amount: 9900, currency: "CNY"},
		{file: "wait_buyer_pay.txt", kind: order.KindPaymentPending, orderID: "ORD-4002", occurredAt: beijing("2026-03-01 18:00:00")},
		{file: "trade_closed.txt", kind: order.KindPaymentCanceled, orderID: "ORD-4003", occurredAt: beijing("2026-03-01 18:15:00")},
		{file: "refund_partial.txt", kind: order.KindRefunded, orderID: "ORD-4001", amount: 3000, currency: "CNY", total: true,
			typ: "TRADE_SUCCESS", occurredAt: beijing("2026-03-05 10:00:00").Add(320 * time.Millisecond)},
		{file: "refund_full.txt", kind: order.KindRefunded, orderID: "ORD-4001", amount: 9900, currency: "CNY", total: true, typ: "TRADE_CLOSED"},
		{file: "unknown_status.txt", kind: order.KindIgnored, orderID: "ORD-4001", typ: "TRADE_PENDING"},
		{file: "forex_usd.txt", kind: order.KindPaymentSucceeded, orderID: "ORD-4004", amount: 1250, currency: "USD"},
	}
	for _, w := range tests {
		r := alipayRequest(t, signingKey(), fixture(t, "alipay", w.file))
		if err := p.Verify(context.Background(), r, testNow); err != nil {
			t.Fatalf("%s: %v", w.file, err)
		}
		ev, err := p.Parse(r)
		if err != nil {
			t.Errorf("%s: %v", w.file, err)
			continue
		}
		w.check(t, NameAlipay, ev)
	}
	for _, bad := range []string{"malformed.txt", "no_notify_id.txt"} {
		_, err := p.Parse(Request{Body: fixture(t, "alipay", bad)})
		ordertest.WantCode(t, err, order.CodeInvalid)
	}
	_, err := p.Parse(Request{Body: []byte("notify_id=1&trade_status=TRADE_SUCCESS&total_amount=9.999")})
	ordertest.WantCode(t, err, order.CodeInvalid)
}

func TestAlipayAcknowledge(t *testing.T) {
	p := mustProvider(t, Config{AlipayPublicKeyPEM: publicKeyBase64(t, signingKey())}, NameAlipay)
	if status, _, body := p.Acknowledge(); status != http.StatusOK || string(body) != "success" {
		t.Fatalf("ack %d %q", status, body)
	}
}
