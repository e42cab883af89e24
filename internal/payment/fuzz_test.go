package payment

import (
	"context"
	"errors"
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/orderwire/orderwire/internal/order"
)

// Seed corpora live in testdata/fuzz/<FuzzName>/. Verify targets check that arbitrary headers
// and bodies never panic and only ever fail with CodeUnauthorized; Parse targets check that
// arbitrary bodies give either a well-formed event or a CodeInvalid *order.Error.

// wantVerifyResult fails unless err is nil or an unauthorized *order.Error.
func wantVerifyResult(t *testing.T, err error) {
	t.Helper()
	var e *order.Error
	if err != nil && (!errors.As(err, &e) || e.Code != order.CodeUnauthorized || e.Message == "") {
		t.Fatalf("Verify error %v is not an unauthorized *order.Error", err)
	}
}

var knownKinds = map[order.EventKind]bool{
	order.KindPaymentSucceeded: true, order.KindPaymentFailed: true, order.KindPaymentPending: true,
	order.KindPaymentCanceled: true, order.KindRefunded: true, order.KindDisputeOpened: true,
	order.KindDisputeUpdated: true, order.KindDisputeClosed: true, order.KindFraudWarning: true,
	order.KindIgnored: true,
}

// wantRefs fails unless ev's refs are non-empty ids, each once, with PaymentRef among them
// (the order.Event contract the store relies on to bind and file by reference).
func wantRefs(t *testing.T, ev order.Event) {
	t.Helper()
	for i, ref := range ev.Refs {
		if ref == "" || slices.Contains(ev.Refs[:i], ref) {
			t.Fatalf("refs %q: empty or repeated", ev.Refs)
		}
	}
	if ev.PaymentRef != "" && !slices.Contains(ev.Refs, ev.PaymentRef) {
		t.Fatalf("payment ref %q is not among the refs %q", ev.PaymentRef, ev.Refs)
	}
}

// addFixtures seeds f with the named fixtures of provider, each through add.
func addFixtures(f *testing.F, provider string, add func(body []byte), names ...string) {
	for _, name := range names {
		add(fixture(f, provider, name))
	}
}

// wantParseResult fails unless Parse gave a well-formed event or a CodeInvalid error.
func wantParseResult(t *testing.T, source string, ev order.Event, err error) {
	t.Helper()
	if err != nil {
		var e *order.Error
		if !errors.As(err, &e) || e.Code != order.CodeInvalid || e.Message == "" {
			t.Fatalf("Parse error %v is not an invalid *order.Error", err)
		}
		return
	}
	switch {
	case ev.Source != source, ev.EventID == "", !knownKinds[ev.Kind], !ev.ReceivedAt.IsZero():
		t.Fatalf("malformed event %+v", ev)
	case ev.AmountMinor < 0 || ev.AmountMinor > order.MaxAmountMinor:
		t.Fatalf("amount out of range: %+v", ev)
	case ev.AmountMinor != 0 && len(ev.Currency) != 3:
		t.Fatalf("amount without an ISO currency: %+v", ev)
	case ev.DisputeOutcome != "" && ev.DisputeOutcome != order.DisputeWon && ev.DisputeOutcome != order.DisputeLost:
		t.Fatalf("unknown outcome: %+v", ev)
	case ev.DisputeStatus != "" && !order.ValidDisputeStatus(ev.DisputeStatus):
		t.Fatalf("dispute status outside the five: %+v", ev)
	case ev.DisputeOutcome != "" && ev.DisputeOutcome != ev.DisputeStatus:
		t.Fatalf("outcome and status disagree: %+v", ev)
	}
}

func FuzzStripeVerify(f *testing.F) {
	p := mustProvider(f, Config{StripeSecrets: []string{stripeSecret}}, NameStripe)
	f.Fuzz(func(t *testing.T, sigHeader string, body []byte) {
		r := Request{Header: http.Header{"Stripe-Signature": {sigHeader}}, Body: body}
		wantVerifyResult(t, p.Verify(context.Background(), r, testNow))
		// Whatever the body, a correct signature verifies and Parse stays well-behaved.
		signed := stripeRequest(body, stripeSecret, testNow)
		if err := p.Verify(context.Background(), signed, testNow); err != nil {
			t.Fatalf("correctly signed body refused: %v", err)
		}
		ev, err := p.Parse(signed)
		wantParseResult(t, NameStripe, ev, err)
	})
}

func FuzzStripeParse(f *testing.F) {
	p := mustProvider(f, Config{StripeSecrets: []string{stripeSecret}}, NameStripe)
	f.Fuzz(func(t *testing.T, body []byte) {
		ev, err := p.Parse(Request{Body: body})
		wantParseResult(t, NameStripe, ev, err)
		checkRefsContract(t, ev)
	})
}

func FuzzStandardVerify(f *testing.F) {
	p := mustProvider(f, Config{StandardSecrets: []string{standardSecret}}, NameStandard)
	f.Fuzz(func(t *testing.T, id, ts, sig string, body []byte) {
		h := http.Header{"Webhook-Id": {id}, "Webhook-Timestamp": {ts}, "Webhook-Signature": {sig}}
		wantVerifyResult(t, p.Verify(context.Background(), Request{Header: h, Body: body}, testNow))
		if id == "" || id != strings.TrimSpace(id) {
			return
		}
		signed := standardRequest(body, standardSecret, id, testNow)
		if err := p.Verify(context.Background(), signed, testNow); err != nil {
			t.Fatalf("correctly signed body refused: %v", err)
		}
		ev, err := p.Parse(signed)
		wantParseResult(t, NameStandard, ev, err)
	})
}

func FuzzStandardParse(f *testing.F) {
	p := mustProvider(f, Config{StandardSecrets: []string{standardSecret}}, NameStandard)
	addFixtures(f, "standard", func(b []byte) { f.Add("msg_seed", b) }, "payment.succeeded.refs.json",
		"payment.refunded.refs_only.json", "dispute.updated.json", "bad_refs.json", "bad_sequence.json")
	f.Fuzz(func(t *testing.T, id string, body []byte) {
		ev, err := p.Parse(Request{Header: http.Header{"Webhook-Id": {id}}, Body: body})
		wantParseResult(t, NameStandard, ev, err)
		wantRefs(t, ev)
	})
}

func FuzzPayPalVerify(f *testing.F) {
	pinned := mustProvider(f, Config{PayPalWebhookID: payPalWebhookID, PayPalCertPEM: validCertPEM(f, signingKey())}, NamePayPal)
	fetching := mustProvider(f, Config{PayPalWebhookID: payPalWebhookID}, NamePayPal).(*payPal)
	fetching.certs.hosts = map[string]bool{} // the fuzzer must never reach the network
	f.Fuzz(func(t *testing.T, id, sentAt, sig, certURL, algo string, body []byte) {
		h := http.Header{
			"Paypal-Transmission-Id": {id}, "Paypal-Transmission-Time": {sentAt}, "Paypal-Transmission-Sig": {sig},
			"Paypal-Cert-Url": {certURL}, "Paypal-Auth-Algo": {algo},
		}
		r := Request{Header: h, Body: body}
		wantVerifyResult(t, pinned.Verify(context.Background(), r, testNow))
		wantVerifyResult(t, fetching.Verify(context.Background(), r, testNow))
		_ = fetching.certs.checkCertURL(certURL)
	})
}

func FuzzPayPalParse(f *testing.F) {
	p := mustProvider(f, Config{PayPalWebhookID: payPalWebhookID}, NamePayPal)
	f.Fuzz(func(t *testing.T, body []byte) {
		ev, err := p.Parse(Request{Header: http.Header{}, Body: body})
		wantParseResult(t, NamePayPal, ev, err)
		checkRefsContract(t, ev)
	})
}

func FuzzAntomVerify(f *testing.F) {
	p := mustProvider(f, Config{AntomPublicKeyPEM: publicKeyPEM(f, signingKey())}, NameAntom)
	f.Fuzz(func(t *testing.T, sigHeader, clientID, requestTime, path string, body []byte) {
		h := http.Header{"Signature": {sigHeader}, "Client-Id": {clientID}, "Request-Time": {requestTime}}
		r := Request{Method: http.MethodPost, Path: path, Header: h, Body: body}
		wantVerifyResult(t, p.Verify(context.Background(), r, testNow))
	})
}

func FuzzAntomParse(f *testing.F) {
	p := mustProvider(f, Config{AntomPublicKeyPEM: publicKeyPEM(f, signingKey())}, NameAntom)
	addFixtures(f, "antom", func(b []byte) { f.Add(antomTime, b) }, "refund_direct_result.json", "refund_result_fail.json",
		"dispute_created_krw.json", "dispute_defense_supplied.json", "dispute_cancelled.json", "dispute_accepted.json",
		"dispute_judged_validate_success.json")
	f.Fuzz(func(t *testing.T, requestTime string, body []byte) {
		ev, err := p.Parse(Request{Header: http.Header{"Request-Time": {requestTime}}, Body: body})
		wantParseResult(t, NameAntom, ev, err)
		wantRefs(t, ev)
	})
}

func FuzzAlipayVerify(f *testing.F) {
	p := mustProvider(f, Config{AlipayPublicKeyPEM: publicKeyBase64(f, signingKey())}, NameAlipay)
	withMD5 := mustProvider(f, Config{AlipayPublicKeyPEM: publicKeyBase64(f, signingKey()), AlipayMD5Key: alipayMD5Key}, NameAlipay)
	for _, signType := range []string{"RSA", "RSA2", "MD5"} {
		addFixtures(f, "alipay", func(b []byte) { f.Add(alipaySigned(f, b, signType, signingKey(), alipayMD5Key).Body) },
			"forex_trade_finished.txt", "forex_trade_closed.txt")
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		wantVerifyResult(t, p.Verify(context.Background(), Request{Body: body}, testNow))
		wantVerifyResult(t, withMD5.Verify(context.Background(), Request{Body: body}, testNow))
	})
}

func FuzzAlipayParse(f *testing.F) {
	p := mustProvider(f, Config{AlipayPublicKeyPEM: publicKeyBase64(f, signingKey())}, NameAlipay)
	addFixtures(f, "alipay", func(b []byte) { f.Add(b) }, "forex_trade_finished.txt", "forex_trade_finished_jpy.txt",
		"forex_trade_closed.txt")
	f.Fuzz(func(t *testing.T, body []byte) {
		ev, err := p.Parse(Request{Body: body})
		wantParseResult(t, NameAlipay, ev, err)
		wantRefs(t, ev)
	})
}
