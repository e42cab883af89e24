package httpapi_test

import (
	"bytes"
	"crypto"
	"crypto/hmac"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/base64"
	"encoding/pem"
	"hash/crc32"
	"math/big"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/orderwire/orderwire/internal/payment"
	"github.com/stripe/stripe-go/v85/webhook"
)

// The clock the handler sees in the provider scenarios, when the success events say the
// payment happened, and when a provider signs a delivery (30 s in transit).
var (
	provNow = time.Date(2026, 3, 1, 10, 5, 0, 0, time.UTC)
	paidAt  = time.Date(2026, 3, 1, 10, 0, 0, 0, time.UTC)
	sentAt  = provNow.Add(-30 * time.Second)
	beijing = time.FixedZone("CST", 8*60*60) // Antom and Alipay write their times in +08:00
)

// The list providers' secrets: orderwire is configured with first and second (a rotation);
// stranger is a secret orderwire does not know.
var (
	stripeSecrets   = [3]string{"whsec_orderwire_e2e_current", "whsec_orderwire_e2e_next", "whsec_orderwire_e2e_unknown"}
	standardSecrets = [3]string{whsecOf("e2e-standard-current"), whsecOf("e2e-standard-next"), whsecOf("e2e-standard-unknown")}
)

const (
	payPalHookID   = "1JE4291016473214C"
	payPalCertURL  = "https://api.sandbox.paypal.com/v1/notifications/certs/CERT-360caa42-fca2a594-a5cafa77"
	antomClient    = "SANDBOX_5YBZ1A2C3D4E05678"
	antomTimestamp = "2006-01-02T15:04:05.000-07:00"
)

func whsecOf(key string) string { return "whsec_" + base64.StdEncoding.EncodeToString([]byte(key)) }

// rsaKeys are the PayPal, Antom and Alipay signing keys and a stranger's key, generated once
// per test binary.
var rsaKeys = sync.OnceValue(func() (keys struct{ paypal, antom, alipay, stranger *rsa.PrivateKey }) {
	for _, k := range []**rsa.PrivateKey{&keys.paypal, &keys.antom, &keys.alipay, &keys.stranger} {
		var err error
		if *k, err = rsa.GenerateKey(rand.Reader, 2048); err != nil {
			panic(err)
		}
	}
	return keys
})

// providerConfig enables all five providers: two secrets for the list providers, a pinned
// self-signed certificate for PayPal (valid a day around provNow), public keys for the others.
func providerConfig(t *testing.T) payment.Config {
	t.Helper()
	keys := rsaKeys()
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1),
		Subject:   pkix.Name{CommonName: "messageverificationcerts.sandbox.paypal.com", Organization: []string{"PayPal, Inc."}},
		NotBefore: provNow.Add(-24 * time.Hour), NotAfter: provNow.Add(24 * time.Hour), KeyUsage: x509.KeyUsageDigitalSignature}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &keys.paypal.PublicKey, keys.paypal)
	if err != nil {
		t.Fatal(err)
	}
	return payment.Config{
		StripeSecrets: stripeSecrets[:2], StandardSecrets: standardSecrets[:2],
		PayPalWebhookID: payPalHookID, PayPalCertPEM: pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}),
		AntomPublicKeyPEM: publicPEM(t, keys.antom), AlipayPublicKeyPEM: publicPEM(t, keys.alipay),
	}
}

func publicPEM(t *testing.T, key *rsa.PrivateKey) []byte {
	der, err := x509.MarshalPKIXPublicKey(&key.PublicKey)
	if err != nil {
		t.Fatal(err)
	}
	return pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: der})
}

// keyChoice is which secret or key signs a delivery.
type keyChoice int

const (
	signFirst  keyChoice = iota // the (first) configured secret or key
	signSecond                  // the second configured secret: list providers only
	signWrong                   // a secret or key orderwire does not know
)

// event is a provider body and the provider event id orderwire shows for it.
type event struct {
	id   string
	body []byte
}

// delivery is one signed webhook request, replayable byte for byte.
type delivery struct {
	path   string
	header http.Header
	body   []byte
}

// signer builds one provider's events from its fixtures and signs them as the provider does.
type signer struct {
	name             string
	amount           int64 // the success fixture's amount in minor units, and its currency
	currency         string
	success, failure func(t *testing.T, orderID, id string, at time.Time) event
	successType      string // the provider's type of the success event
	failureKind      string // what failure normalises to
	sign             func(t *testing.T, e event, k keyChoice, at time.Time) delivery
	rotates          bool // secrets are a list: signSecond is configured
	timed            bool // the signed timestamp must be within 5 minutes of now
}

func signers() []signer {
	return []signer{
		{name: "stripe", successType: "payment_intent.succeeded", amount: 4999, currency: "USD", rotates: true, timed: true, failureKind: "payment_failed",
			success: stripeEvent("payment_intent.succeeded.json", "evt_3PqRsT2eZvKYlo2C0aBcDeFg", "1772359001"),
			failure: stripeEvent("payment_intent.payment_failed.json", "evt_3PqRsT2eZvKYlo2C0fail01", "1772359002"),
			sign:    signStripe},
		{name: "paypal", successType: "PAYMENT.CAPTURE.COMPLETED", amount: 4999, currency: "USD", timed: true, failureKind: "payment_failed",
			success: payPalEvent("PAYMENT.CAPTURE.COMPLETED.json", "WH-58D329510W468432D-8HN650336L201105X", "2026-03-01T09:59:42.940Z"),
			failure: payPalEvent("PAYMENT.CAPTURE.DENIED.json", "WH-4SW78779LY2325805-07E03580SX1414828", "2026-03-01T10:01:00Z"),
			sign:    signPayPal},
		{name: "antom", successType: "PAYMENT_RESULT", amount: 8000, currency: "EUR", failureKind: "payment_failed",
			success: antomEvent("payment_result_success.json", "ORD-3001", "20260301194010800100188820212345678", "2026-03-01T18:00:01+08:00", "S"),
			failure: antomEvent("payment_result_fail.json", "ORD-3002", "20260301194010800100188820212345679", "2026-03-01T18:00:02+08:00", "F"),
			sign:    signAntom},
		// Alipay classic has no payment-failure notify: a trade is WAIT_BUYER_PAY (payment_pending)
		// until paid, or TRADE_CLOSED. Its out-of-order "failure" is the closest: a
		// WAIT_BUYER_PAY notify that happened before the payment but arrives after it.
		{name: "alipay", successType: "TRADE_SUCCESS", amount: 9900, currency: "CNY", failureKind: "payment_pending",
			success: alipayEvent("trade_success.txt", "ORD-4001", "2026030100222180001000000011111111", "gmt_payment=2026-03-01+18%3A00%3A05"),
			failure: alipayEvent("wait_buyer_pay.txt", "ORD-4002", "2026030100222180001000000011111110", "gmt_create=2026-03-01+18%3A00%3A00"),
			sign:    signAlipay},
		{name: "standard", successType: "payment.succeeded", amount: 1999, currency: "USD", rotates: true, timed: true, failureKind: "payment_failed",
			success: standardEvent("payment.succeeded.json", "ORD-5001", "2026-03-01T10:00:00Z"),
			failure: standardEvent("payment.failed.json", "ORD-5002", "2026-03-01T10:00:01Z"),
			sign:    signStandard},
	}
}

// loadFixture reads the payment package's fixture and applies explicit old→new edits, each
// of which must match (so a changed fixture fails loudly instead of silently not editing).
func loadFixture(t *testing.T, provider, file string, edits ...string) []byte {
	t.Helper()
	body, err := os.ReadFile(filepath.Join("..", "payment", "testdata", provider, file))
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i+1 < len(edits); i += 2 {
		if !bytes.Contains(body, []byte(edits[i])) {
			t.Fatalf("%s/%s: %q not found", provider, file, edits[i])
		}
		body = bytes.ReplaceAll(body, []byte(edits[i]), []byte(edits[i+1]))
	}
	return bytes.TrimRight(body, "\n")
}

func stripeEvent(file, fixtureID, created string) func(*testing.T, string, string, time.Time) event {
	return func(t *testing.T, orderID, id string, at time.Time) event {
		e := event{id: "evt_e2e_" + id}
		e.body = loadFixture(t, "stripe", file, fixtureID, e.id, `"order_id": "ORD-1001"`, `"order_id": "`+orderID+`"`,
			`"created": `+created, `"created": `+strconv.FormatInt(at.Unix(), 10))
		return e
	}
}

func signStripe(_ *testing.T, e event, k keyChoice, at time.Time) delivery {
	signed := webhook.GenerateTestSignedPayload(&webhook.UnsignedPayload{Payload: e.body, Secret: stripeSecrets[k], Timestamp: at})
	return delivery{path: "/webhooks/payments/stripe", body: e.body, header: http.Header{
		"Stripe-Signature": {signed.Header}, "Content-Type": {"application/json; charset=utf-8"}}}
}

func payPalEvent(file, fixtureID, created string) func(*testing.T, string, string, time.Time) event {
	return func(t *testing.T, orderID, id string, at time.Time) event {
		e := event{id: "WH-E2E-" + id}
		e.body = loadFixture(t, "paypal", file, fixtureID, e.id, `"custom_id": "ORD-2001"`, `"custom_id": "`+orderID+`"`,
			`"create_time": "`+created+`"`, `"create_time": "`+at.UTC().Format(time.RFC3339Nano)+`"`)
		return e
	}
}

// signPayPal signs "<transmission id>|<time>|<webhook id>|<crc32 of body>" with SHA256withRSA.
func signPayPal(t *testing.T, e event, k keyChoice, at time.Time) delivery {
	key := rsaKeys().paypal
	if k == signWrong {
		key = rsaKeys().stranger
	} else if k != signFirst {
		t.Fatal("paypal has one signing certificate")
	}
	txID, sent := "tx-"+e.id, at.UTC().Format(time.RFC3339)
	crc := strconv.FormatUint(uint64(crc32.ChecksumIEEE(e.body)), 10)
	return delivery{path: "/webhooks/payments/paypal", body: e.body, header: http.Header{
		"Paypal-Transmission-Id": {txID}, "Paypal-Transmission-Time": {sent},
		"Paypal-Transmission-Sig": {rsaSign(t, key, txID+"|"+sent+"|"+payPalHookID+"|"+crc)},
		"Paypal-Cert-Url":         {payPalCertURL}, "Paypal-Auth-Algo": {"SHA256withRSA"},
		"Content-Type": {"application/json"}}}
}

// antomEvent: Antom has no notification id; orderwire derives "<notifyType>:<paymentId>:<status>",
// so the scenario's id goes into paymentId.
func antomEvent(file, fixtureOrder, fixturePayment, paymentTime, status string) func(*testing.T, string, string, time.Time) event {
	return func(t *testing.T, orderID, id string, at time.Time) event {
		pid := "2026030119401080010018882" + id
		body := loadFixture(t, "antom", file, `"paymentRequestId":"`+fixtureOrder+`"`, `"paymentRequestId":"`+orderID+`"`,
			`"paymentId":"`+fixturePayment+`"`, `"paymentId":"`+pid+`"`,
			`"paymentTime":"`+paymentTime+`"`, `"paymentTime":"`+at.In(beijing).Format(time.RFC3339)+`"`)
		return event{id: "PAYMENT_RESULT:" + pid + ":" + status, body: body}
	}
}

// signAntom signs "POST <path>\n<client-id>.<request-time>.<body>" with SHA256withRSA; the
// base64 signature is URL-encoded in the signature header (global-open-sdk-go SignatureTool).
func signAntom(t *testing.T, e event, k keyChoice, at time.Time) delivery {
	key := rsaKeys().antom
	if k == signWrong {
		key = rsaKeys().stranger
	} else if k != signFirst {
		t.Fatal("antom has one public key")
	}
	const path = "/webhooks/payments/antom"
	reqTime := at.In(beijing).Format(antomTimestamp)
	sig := rsaSign(t, key, "POST "+path+"\n"+antomClient+"."+reqTime+"."+string(e.body))
	return delivery{path: path, body: e.body, header: http.Header{
		"Client-Id": {antomClient}, "Request-Time": {reqTime}, "Content-Type": {"application/json; charset=UTF-8"},
		"Signature": {"algorithm=RSA256,keyVersion=1,signature=" + url.QueryEscape(sig)}}}
}

// alipayEvent edits the form: notify_id, out_trade_no and the time field Parse reads first.
func alipayEvent(file, fixtureOrder, fixtureNotify, timeField string) func(*testing.T, string, string, time.Time) event {
	return func(t *testing.T, orderID, id string, at time.Time) event {
		e := event{id: "20260301002221800010000000" + id}
		name, _, _ := strings.Cut(timeField, "=")
		e.body = loadFixture(t, "alipay", file, "notify_id="+fixtureNotify, "notify_id="+e.id,
			"out_trade_no="+fixtureOrder, "out_trade_no="+url.QueryEscape(orderID),
			timeField, name+"="+url.QueryEscape(at.In(beijing).Format(time.DateTime)))
		return e
	}
}

// signAlipay appends sign_type=RSA2 and sign: SHA256withRSA over the sorted, decoded,
// non-empty parameters other than sign and sign_type (AlipaySignature.getSignCheckContentV1).
func signAlipay(t *testing.T, e event, k keyChoice, _ time.Time) delivery {
	key := rsaKeys().alipay
	if k == signWrong {
		key = rsaKeys().stranger
	} else if k != signFirst {
		t.Fatal("alipay has one public key")
	}
	form, err := url.ParseQuery(string(e.body))
	if err != nil {
		t.Fatal(err)
	}
	var pairs []string
	for name, values := range form {
		if values[0] != "" {
			pairs = append(pairs, name+"="+values[0])
		}
	}
	slices.Sort(pairs)
	body := string(e.body) + "&sign_type=RSA2&sign=" + url.QueryEscape(rsaSign(t, key, strings.Join(pairs, "&")))
	return delivery{path: "/webhooks/payments/alipay", body: []byte(body),
		header: http.Header{"Content-Type": {"application/x-www-form-urlencoded; charset=utf-8"}}}
}

func standardEvent(file, fixtureOrder, timestamp string) func(*testing.T, string, string, time.Time) event {
	return func(t *testing.T, orderID, id string, at time.Time) event {
		return event{id: "msg_e2e_" + id, body: loadFixture(t, "standard", file,
			`"order_id": "`+fixtureOrder+`"`, `"order_id": "`+orderID+`"`,
			`"timestamp": "`+timestamp+`"`, `"timestamp": "`+at.UTC().Format(time.RFC3339)+`"`)}
	}
}

// signStandard signs "<webhook-id>.<webhook-timestamp>.<body>" with HMAC-SHA256 of the
// base64-decoded part of the whsec_ secret.
func signStandard(t *testing.T, e event, k keyChoice, at time.Time) delivery {
	key, err := base64.StdEncoding.DecodeString(strings.TrimPrefix(standardSecrets[k], "whsec_"))
	if err != nil {
		t.Fatal(err)
	}
	ts := strconv.FormatInt(at.Unix(), 10)
	mac := hmac.New(sha256.New, key)
	mac.Write([]byte(e.id + "." + ts + "." + string(e.body)))
	return delivery{path: "/webhooks/payments/standard", body: e.body, header: http.Header{
		"Webhook-Id": {e.id}, "Webhook-Timestamp": {ts}, "Content-Type": {"application/json"},
		"Webhook-Signature": {"v1," + base64.StdEncoding.EncodeToString(mac.Sum(nil))}}}
}

// rsaSign is SHA256withRSA (PKCS#1 v1.5), standard base64.
func rsaSign(t *testing.T, key *rsa.PrivateKey, content string) string {
	sum := sha256.Sum256([]byte(content))
	sig, err := rsa.SignPKCS1v15(rand.Reader, key, crypto.SHA256, sum[:])
	if err != nil {
		t.Fatal(err)
	}
	return base64.StdEncoding.EncodeToString(sig)
}
