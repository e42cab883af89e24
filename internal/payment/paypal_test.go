package payment

import (
	"context"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"hash/crc32"
	"math/big"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/orderwire/orderwire/internal/order"
	"github.com/orderwire/orderwire/internal/order/ordertest"
)

const (
	payPalWebhookID = "1JE4291016473214C"
	payPalTransID   = "69cd13f0-d67a-11e5-baa3-778b53f4ae55"
	payPalCertURL   = "https://api.sandbox.paypal.com/v1/notifications/certs/CERT-360caa42-fca2a594-a5cafa77"
)

// selfSignedPEM is a certificate for key valid from notBefore to notAfter.
func selfSignedPEM(t testing.TB, key *rsa.PrivateKey, notBefore, notAfter time.Time) []byte {
	t.Helper()
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1),
		Subject:      pkix.Name{CommonName: "messageverificationcerts.sandbox.paypal.com", Organization: []string{"PayPal, Inc."}},
		NotBefore:    notBefore, NotAfter: notAfter,
		KeyUsage: x509.KeyUsageDigitalSignature,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	return pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der})
}

// validCertPEM is valid for a day around testNow.
func validCertPEM(t testing.TB, key *rsa.PrivateKey) []byte {
	return selfSignedPEM(t, key, testNow.Add(-24*time.Hour), testNow.Add(24*time.Hour))
}

// payPalRequest signs body as PayPal does, for webhook id and sending time sentAt.
func payPalRequest(t testing.TB, key *rsa.PrivateKey, webhookID string, sentAt time.Time, certURL string, body []byte) Request {
	t.Helper()
	sent := sentAt.UTC().Format(time.RFC3339)
	msg := payPalTransID + "|" + sent + "|" + webhookID + "|" + strconv.FormatUint(uint64(crc32.ChecksumIEEE(body)), 10)
	h := http.Header{}
	h.Set("PAYPAL-TRANSMISSION-ID", payPalTransID)
	h.Set("PAYPAL-TRANSMISSION-TIME", sent)
	h.Set("PAYPAL-TRANSMISSION-SIG", rsaSign(t, key, msg))
	h.Set("PAYPAL-CERT-URL", certURL)
	h.Set("PAYPAL-AUTH-ALGO", "SHA256withRSA")
	return Request{Method: http.MethodPost, Path: "/webhooks/payments/paypal", Header: h, Body: body}
}

// TestPayPalCRC32Vector checks PROVIDERS.md's crc32 vector.
func TestPayPalCRC32Vector(t *testing.T) {
	body := []byte(`{"id":"WH-TEST","event_type":"PAYMENT.CAPTURE.COMPLETED"}`)
	if got := crc32.ChecksumIEEE(body); got != 3391999205 {
		t.Fatalf("crc32 = %d, want 3391999205", got)
	}
}

func TestPayPalVerifyPinned(t *testing.T) {
	body := fixture(t, "paypal", "PAYMENT.CAPTURE.COMPLETED.json")
	cfg := Config{PayPalWebhookID: payPalWebhookID, PayPalCertPEM: validCertPEM(t, signingKey())}
	p := mustProvider(t, cfg, NamePayPal)
	expired := mustProvider(t, Config{PayPalWebhookID: payPalWebhookID,
		PayPalCertPEM: selfSignedPEM(t, signingKey(), testNow.Add(-48*time.Hour), testNow.Add(-time.Hour))}, NamePayPal)
	valid := payPalRequest(t, signingKey(), payPalWebhookID, testNow, payPalCertURL, body)
	with := func(f func(h http.Header)) Request {
		r := valid
		r.Header = valid.Header.Clone()
		f(r.Header)
		return r
	}
	tests := []struct {
		name string
		p    Provider
		r    Request
		code order.Code
	}{
		{"valid", p, valid, ""},
		{"pinned: no CERT-URL needed", p, with(func(h http.Header) { h.Del("PAYPAL-CERT-URL") }), ""},
		{"tampered body", p, Request{Header: valid.Header, Body: tamper(body)}, order.CodeUnauthorized},
		{"wrong key", p, payPalRequest(t, strangerKey(), payPalWebhookID, testNow, payPalCertURL, body), order.CodeUnauthorized},
		{"other webhook id", p, payPalRequest(t, signingKey(), "8PT597110X687430LKGECATA", testNow, payPalCertURL, body), order.CodeUnauthorized},
		{"stale transmission time", p, payPalRequest(t, signingKey(), payPalWebhookID, testNow.Add(-301*time.Second), payPalCertURL, body), order.CodeUnauthorized},
		{"far-future transmission time", p, payPalRequest(t, signingKey(), payPalWebhookID, testNow.Add(301*time.Second), payPalCertURL, body), order.CodeUnauthorized},
		{"expired certificate", expired, valid, order.CodeUnauthorized},
		{"auth algo SHA1withRSA refused", p, with(func(h http.Header) { h.Set("PAYPAL-AUTH-ALGO", "SHA1withRSA") }), order.CodeUnauthorized},
		{"time not RFC 3339", p, with(func(h http.Header) { h.Set("PAYPAL-TRANSMISSION-TIME", "yesterday") }), order.CodeUnauthorized},
		{"signature not base64", p, with(func(h http.Header) { h.Set("PAYPAL-TRANSMISSION-SIG", "***") }), order.CodeUnauthorized},
	}
	for _, name := range []string{"PAYPAL-TRANSMISSION-ID", "PAYPAL-TRANSMISSION-TIME", "PAYPAL-TRANSMISSION-SIG", "PAYPAL-AUTH-ALGO"} {
		tests = append(tests, struct {
			name string
			p    Provider
			r    Request
			code order.Code
		}{"missing " + name, p, with(func(h http.Header) { h.Del(name) }), order.CodeUnauthorized})
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ordertest.WantCode(t, tt.p.Verify(context.Background(), tt.r, testNow), tt.code)
		})
	}
}

// TestPayPalLowerCaseHeaders: a header map built from API Gateway's lower-case names works.
func TestPayPalLowerCaseHeaders(t *testing.T) {
	body := fixture(t, "paypal", "PAYMENT.CAPTURE.REFUNDED.json")
	p := mustProvider(t, Config{PayPalWebhookID: payPalWebhookID, PayPalCertPEM: validCertPEM(t, signingKey())}, NamePayPal)
	r := payPalRequest(t, signingKey(), payPalWebhookID, testNow, payPalCertURL, body)
	lower := http.Header{}
	for k, v := range r.Header {
		lower[strings.ToLower(k)] = v
	}
	r.Header = lower
	ordertest.WantCode(t, p.Verify(context.Background(), r, testNow), "")
}

func TestPayPalParse(t *testing.T) {
	p := mustProvider(t, Config{PayPalWebhookID: payPalWebhookID}, NamePayPal)
	const capture = "5O190127TN364715T"
	const mnr = "MERCHANDISE_OR_SERVICE_NOT_RECEIVED"
	due30 := time.Date(2026, 3, 30, 8, 0, 0, 0, time.UTC) // seller_response_due_date of the CREATED fixtures
	tests := []eventWant{
		{file: "PAYMENT.CAPTURE.COMPLETED.json", kind: order.KindPaymentSucceeded, orderID: "ORD-2001", amount: 4999, currency: "USD",
			paymentRef: capture, eventID: "WH-58D329510W468432D-8HN650336L201105X", typ: "PAYMENT.CAPTURE.COMPLETED",
			occurredAt: time.Date(2026, 3, 1, 9, 59, 42, 940_000_000, time.UTC)},
		{file: "PAYMENT.CAPTURE.PENDING.json", kind: order.KindPaymentPending, orderID: "ORD-2001", paymentRef: capture},
		{file: "PAYMENT.CAPTURE.DENIED.json", kind: order.KindPaymentFailed, orderID: "ORD-2001"},
		{file: "PAYMENT.CAPTURE.DECLINED.json", kind: order.KindPaymentFailed, orderID: "ORD-2001"},
		{file: "PAYMENT.CAPTURE.REFUNDED.json", kind: order.KindRefunded, orderID: "ORD-2001", amount: 2000, currency: "USD", paymentRef: capture},
		{file: "PAYMENT.CAPTURE.REVERSED.json", kind: order.KindRefunded, orderID: "ORD-2001", amount: 4999, currency: "USD", paymentRef: capture},
		{file: "CUSTOMER.DISPUTE.CREATED.json", kind: order.KindDisputeOpened, orderID: "ORD-2001", amount: 4999, currency: "USD", paymentRef: capture, status: order.DisputeNeedsResponse, reason: mnr, respondBy: due30},
		{file: "CUSTOMER.DISPUTE.RESOLVED.seller.json", kind: order.KindDisputeClosed, orderID: "ORD-2001", amount: 4999, currency: "USD", outcome: order.DisputeWon, status: order.DisputeWon, reason: mnr},
		{file: "CUSTOMER.DISPUTE.RESOLVED.buyer.json", kind: order.KindDisputeClosed, orderID: "ORD-2001", amount: 4999, currency: "USD", outcome: order.DisputeLost, status: order.DisputeLost, reason: mnr},
		{file: "CUSTOMER.DISPUTE.UPDATED.json", kind: order.KindDisputeUpdated, orderID: "ORD-2001", amount: 4999, currency: "USD", paymentRef: capture, status: order.DisputeNeedsResponse, reason: mnr, respondBy: time.Date(2026, 3, 20, 8, 0, 0, 0, time.UTC)},
		// Issue 10: events that name the order only through the payment's ids.
		{file: "PAYMENT.CAPTURE.REFUNDED.no_custom_id.json", kind: order.KindRefunded, amount: 2000, currency: "USD", paymentRef: capture},
		{file: "CUSTOMER.DISPUTE.CREATED.no_custom.json", kind: order.KindDisputeOpened, amount: 5999, currency: "USD", paymentRef: capture, status: order.DisputeNeedsResponse, reason: mnr, respondBy: due30},
		{file: "PAYMENT.CAPTURE.COMPLETED.after_authorization.json", kind: order.KindPaymentSucceeded, amount: 2500, currency: "USD",
			paymentRef: "0T620041DV1451934", occurredAt: time.Date(2026, 3, 3, 12, 0, 7, 940_512_000, time.UTC)},
		{file: "PAYMENT.AUTHORIZATION.CREATED.json", kind: order.KindIgnored, orderID: "ORD-2003", paymentRef: "7W5147081L658180V"},
		{file: "CHECKOUT.ORDER.COMPLETED.captured.json", kind: order.KindIgnored, orderID: "ORD-2002", paymentRef: "5O190127TN364715S"},
		{file: "CHECKOUT.ORDER.APPROVED.json", kind: order.KindIgnored, orderID: "ORD-2002", typ: "CHECKOUT.ORDER.APPROVED"},
		{file: "CHECKOUT.ORDER.COMPLETED.json", kind: order.KindIgnored, orderID: "ORD-2002"},
	}
	for _, w := range tests {
		ev, err := p.Parse(Request{Header: http.Header{}, Body: fixture(t, "paypal", w.file)})
		if err != nil {
			t.Errorf("%s: %v", w.file, err)
			continue
		}
		w.check(t, NamePayPal, ev)
	}
	for _, bad := range []string{
		string(fixture(t, "paypal", "malformed.json")),
		`{"event_type":"PAYMENT.CAPTURE.COMPLETED"}`,
		`{"id":"WH-1","event_type":"PAYMENT.CAPTURE.COMPLETED","resource":{"amount":{"value":"1.234","currency_code":"USD"}}}`,
	} {
		_, err := p.Parse(Request{Body: []byte(bad)})
		ordertest.WantCode(t, err, order.CodeInvalid)
	}
}
