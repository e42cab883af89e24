package lambdahttp_test

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"log/slog"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/events"
	"github.com/stripe/stripe-go/v85/webhook"

	"github.com/orderwire/orderwire/internal/embedded"
	"github.com/orderwire/orderwire/internal/httpapi"
	"github.com/orderwire/orderwire/internal/lambdahttp"
	"github.com/orderwire/orderwire/internal/payment"
	"github.com/orderwire/orderwire/internal/seller"
)

// The webhook fixtures' signing secrets (test values, used nowhere else). The Standard
// Webhooks secret is whsec_ + base64 of the key "orderwire-lambdahttp-standard-k1".
const (
	stripeTestSecret   = "whsec_lambdahttpTestSecret7Hq2mZp4Kx9"
	standardTestSecret = "whsec_b3JkZXJ3aXJlLWxhbWJkYWh0dHAtc3RhbmRhcmQtazE="
)

// webhookNow is the clock of the webhook tests: a few seconds after the fixtures were
// signed (Stripe at 09:20:00, Standard Webhooks at 09:19:00), inside the 5-minute tolerance.
var webhookNow = time.Date(2026, 11, 12, 9, 20, 5, 0, time.UTC)

type invoker func(context.Context, events.APIGatewayV2HTTPRequest) (events.APIGatewayV2HTTPResponse, error)

// webhookAPI is the real handler (httpapi with the Stripe and Standard Webhooks providers,
// seller.Service for the order routes, the embedded store) as the Lambda runtime calls it,
// the store itself, and the buffer its JSON log goes to.
func webhookAPI(t *testing.T) (invoker, *embedded.Store, *bytes.Buffer) {
	t.Helper()
	st, err := embedded.Open(t.TempDir(), embedded.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = st.Close() })
	providers, err := payment.Providers(payment.Config{
		StripeSecrets:   []string{"whsec_an0therSecretStillRotatingOut", stripeTestSecret},
		StandardSecrets: []string{standardTestSecret},
	})
	if err != nil {
		t.Fatal(err)
	}
	var logs bytes.Buffer
	now := func() time.Time { return webhookNow }
	h := httpapi.New(httpapi.Config{
		Orders:   &seller.Service{Orders: st, Now: now},
		Tokens:   []string{fixtureToken},
		Payments: providers,
		Events:   st,
		Now:      now,
		Logger:   slog.New(slog.NewJSONHandler(&logs, nil)),
	})
	return lambdahttp.Handler(h), st, &logs
}

// rawBody is the bytes a fixture's base64 body decodes to: what the provider signed.
func rawBody(t *testing.T, ev events.APIGatewayV2HTTPRequest) []byte {
	t.Helper()
	if !ev.IsBase64Encoded {
		t.Fatal("a webhook fixture's body must be base64, as API Gateway sends JSON it does not parse")
	}
	b, err := base64.StdEncoding.DecodeString(ev.Body)
	if err != nil {
		t.Fatal(err)
	}
	if ev.Headers["content-length"] != strconv.Itoa(len(b)) {
		t.Errorf("content-length %s, body %d bytes", ev.Headers["content-length"], len(b))
	}
	return b
}

// TestWebhookFixturesAreSignedOverTheirBytes: each fixture is what a provider sends: shaped
// as an HTTP API v2 event of the webhook route, lower-case headers, and a signature made
// over exactly the bytes its base64 body decodes to (Stripe's by stripe-go's
// GenerateTestSignedPayload, Standard Webhooks' by HMAC-SHA256 of id.timestamp.body). The
// tampered fixture carries the valid signature over other bytes.
func TestWebhookFixturesAreSignedOverTheirBytes(t *testing.T) {
	for _, name := range []string{"apigw-v2-webhook-stripe-payment-succeeded.json", "apigw-v2-webhook-stripe-tampered.json",
		"apigw-v2-webhook-standard-payment-pending.json", "apigw-v2-webhook-unknown-provider.json"} {
		ev := loadEvent(t, name)
		provider := ev.PathParameters["provider"]
		if ev.RouteKey != "POST /webhooks/payments/{provider}" || ev.RequestContext.RouteKey != ev.RouteKey ||
			ev.RawPath != "/webhooks/payments/"+provider || ev.RequestContext.HTTP.Path != ev.RawPath {
			t.Errorf("%s: route %q, path %q, provider %q", name, ev.RouteKey, ev.RawPath, provider)
		}
		for h := range ev.Headers {
			if h != strings.ToLower(h) {
				t.Errorf("%s: header %q is not lower-case, as API Gateway sends it", name, h)
			}
		}
		rawBody(t, ev)
	}

	valid := loadEvent(t, "apigw-v2-webhook-stripe-payment-succeeded.json")
	ts, ok := strings.CutPrefix(strings.Split(valid.Headers["stripe-signature"], ",")[0], "t=")
	sec, err := strconv.ParseInt(ts, 10, 64)
	if !ok || err != nil {
		t.Fatalf("stripe-signature %q", valid.Headers["stripe-signature"])
	}
	signed := webhook.GenerateTestSignedPayload(&webhook.UnsignedPayload{
		Payload: rawBody(t, valid), Secret: stripeTestSecret, Timestamp: time.Unix(sec, 0)})
	if signed.Header != valid.Headers["stripe-signature"] {
		t.Errorf("stripe-signature %q, stripe-go signs the body as %q", valid.Headers["stripe-signature"], signed.Header)
	}

	tampered := loadEvent(t, "apigw-v2-webhook-stripe-tampered.json")
	if tampered.Headers["stripe-signature"] != valid.Headers["stripe-signature"] || bytes.Equal(rawBody(t, tampered), rawBody(t, valid)) {
		t.Error("the tampered fixture must carry the valid signature over different bytes")
	}

	std := loadEvent(t, "apigw-v2-webhook-standard-payment-pending.json")
	key, _ := base64.StdEncoding.DecodeString(strings.TrimPrefix(standardTestSecret, "whsec_"))
	mac := hmac.New(sha256.New, key)
	mac.Write([]byte(std.Headers["webhook-id"] + "." + std.Headers["webhook-timestamp"] + "."))
	mac.Write(rawBody(t, std))
	if want := "v1," + base64.StdEncoding.EncodeToString(mac.Sum(nil)); std.Headers["webhook-signature"] != want {
		t.Errorf("webhook-signature %q, want %q", std.Headers["webhook-signature"], want)
	}
}

// orderView is the part of GET /v1/orders/{id} the webhook tests read.
type orderView struct {
	Status        string `json:"status"`
	PaymentStatus string `json:"payment_status"`
	PaidMinor     int64  `json:"paid_minor"`
	Version       int64  `json:"version"`
	Timeline      []struct {
		Kind    string `json:"kind"`
		Source  string `json:"source"`
		EventID string `json:"provider_event_id"`
		Applied bool   `json:"applied"`
	} `json:"timeline"`
}

func call(t *testing.T, invoke invoker, ev events.APIGatewayV2HTTPRequest) events.APIGatewayV2HTTPResponse {
	t.Helper()
	res, err := invoke(context.Background(), ev)
	if err != nil {
		t.Fatalf("the handler returned an error: %v", err)
	}
	return res
}

func getOrder(t *testing.T, invoke invoker) orderView {
	t.Helper()
	res := call(t, invoke, loadEvent(t, "apigw-v2-get-order.json"))
	var o orderView
	if err := json.Unmarshal([]byte(res.Body), &o); res.StatusCode != http.StatusOK || err != nil {
		t.Fatalf("GET: %d %s (%v)", res.StatusCode, res.Body, err)
	}
	return o
}

func errorCode(res events.APIGatewayV2HTTPResponse) string {
	var e struct{ Error struct{ Code string } }
	_ = json.Unmarshal([]byte(res.Body), &e)
	return e.Error.Code
}

// TestPaymentWebhooksThroughLambda drives the real handler with API Gateway fixtures: a
// Standard Webhooks event for an order not registered yet is parked (200) and applied when
// the seller registers the order (PUT, 201); a signed Stripe payment for the order answers
// 200 and the order is paid; the same event again answers 200 and changes nothing; the
// tampered body is 401; an unknown provider, and a known one not enabled, are 404. The
// evidence kept is the decoded body byte for byte; the buyer's email never reaches the log.
func TestPaymentWebhooksThroughLambda(t *testing.T) {
	invoke, st, logs := webhookAPI(t)
	ack := func(what string, res events.APIGatewayV2HTTPResponse) {
		t.Helper()
		if res.StatusCode != http.StatusOK || res.Body != `{"received":true}` || res.IsBase64Encoded {
			t.Fatalf("%s: %d %v %s", what, res.StatusCode, res.Headers, res.Body)
		}
	}

	ack("standard, order not registered", call(t, invoke, loadEvent(t, "apigw-v2-webhook-standard-payment-pending.json")))
	if put := call(t, invoke, loadEvent(t, "apigw-v2-put-order-base64.json")); put.StatusCode != http.StatusCreated {
		t.Fatalf("PUT: %d %s", put.StatusCode, put.Body)
	}
	if o := getOrder(t, invoke); o.PaymentStatus != "processing" || len(o.Timeline) != 1 || !o.Timeline[0].Applied {
		t.Fatalf("after registration, the parked event is not applied: %+v", o)
	}

	stripeEvent := loadEvent(t, "apigw-v2-webhook-stripe-payment-succeeded.json")
	ack("stripe", call(t, invoke, stripeEvent))
	paid := getOrder(t, invoke)
	if paid.Status != "awaiting_shipment" || paid.PaymentStatus != "paid" || paid.PaidMinor != 12990 || len(paid.Timeline) != 2 {
		t.Fatalf("after the Stripe payment: %+v", paid)
	}
	last := paid.Timeline[1]
	if last.Source != "stripe" || last.EventID != "evt_3QxBrL2eZvKYlo2C0pAid001" || last.Kind != "payment_succeeded" || !last.Applied {
		t.Errorf("timeline entry %+v", last)
	}

	ack("stripe again", call(t, invoke, stripeEvent))
	if again := getOrder(t, invoke); again.Version != paid.Version || len(again.Timeline) != 2 {
		t.Errorf("the duplicate changed the order: %+v", again)
	}
	if !strings.Contains(logs.String(), `"outcome":"duplicate"`) {
		t.Errorf("no duplicate outcome logged:\n%s", logs)
	}

	if res := call(t, invoke, loadEvent(t, "apigw-v2-webhook-stripe-tampered.json")); res.StatusCode != http.StatusUnauthorized || errorCode(res) != "unauthorized" {
		t.Errorf("tampered body: %d %s", res.StatusCode, res.Body)
	}
	unknown := loadEvent(t, "apigw-v2-webhook-unknown-provider.json")
	disabled := unknown
	disabled.RawPath, disabled.PathParameters = "/webhooks/payments/paypal", map[string]string{"provider": "paypal"}
	for _, ev := range []events.APIGatewayV2HTTPRequest{unknown, disabled} {
		if res := call(t, invoke, ev); res.StatusCode != http.StatusNotFound || errorCode(res) != "not_found" {
			t.Errorf("%s: %d %s", ev.RawPath, res.StatusCode, res.Body)
		}
	}

	evidence, err := st.Evidence(context.Background(), "ord-1001")
	if err != nil || len(evidence) != 2 {
		t.Fatalf("evidence: %d items, %v", len(evidence), err)
	}
	if e := evidence[1]; e.Source != "stripe" || !bytes.Equal(e.Body, rawBody(t, stripeEvent)) ||
		e.Headers["stripe-signature"] != stripeEvent.Headers["stripe-signature"] {
		t.Errorf("stripe evidence %s %q %v, want the fixture's bytes and headers", e.Source, e.Body, e.Headers)
	}
	if o := getOrder(t, invoke); o.Version != paid.Version || len(o.Timeline) != 2 {
		t.Errorf("a refused request changed the order: %+v", o)
	}
	for _, secret := range []string{"ana@example.com", stripeTestSecret, standardTestSecret, fixtureToken} {
		if strings.Contains(logs.String(), secret) {
			t.Errorf("the log contains %q", secret)
		}
	}
}
