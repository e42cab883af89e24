package lambdahttp_test

import (
	"bytes"
	"context"
	"encoding/json"
	"log/slog"
	"net/http"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/events"

	"github.com/orderwire/orderwire/internal/httpapi"
	"github.com/orderwire/orderwire/internal/lambdahttp"
	"github.com/orderwire/orderwire/internal/order"
	"github.com/orderwire/orderwire/internal/unsubscribe"
)

// unsubscribeTestKey sealed the token in the unsubscribe fixtures (a test value, used
// nowhere else): buyer-1's link, issued 2026-11-10T07:00:00Z with the default 60-day life,
// by unsubscribe.Signer.Token (version 2: the buyer id is encrypted).
const unsubscribeTestKey = "ow-test-unsubscribe-key-4e1d8b2a9c7f0e3d5a6b"

// fixtureUnsubscribeToken is that token, as the fixtures carry it.
const fixtureUnsubscribeToken = "TQJpCK5Kt_3aQX0lNCrlgd4YRnCYLGQbYBgc9nW08HF4rsBRjt4ifWd5YA"

// memoryBuyers is a hand-written httpapi.PreferenceStore holding one buyer.
type memoryBuyers struct {
	mu    sync.Mutex
	buyer order.Buyer
}

func (m *memoryBuyers) GetBuyer(_ context.Context, id string) (order.Buyer, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if id != m.buyer.ID {
		return order.Buyer{}, order.Errorf(order.CodeNotFound, "memoryBuyers.GetBuyer", "no buyer %s", id)
	}
	return m.buyer, nil
}

func (m *memoryBuyers) SetPreferences(_ context.Context, id string, p order.Preferences) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if id != m.buyer.ID {
		return order.Errorf(order.CodeNotFound, "memoryBuyers.SetPreferences", "no buyer %s", id)
	}
	m.buyer.Preferences = p
	return nil
}

func (m *memoryBuyers) preferences() order.Preferences {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.buyer.Preferences
}

// unsubscribeAPI is the real httpapi with the real unsubscribe.Signer and an in-memory
// buyer, as the Lambda runtime calls it, at the fixtures' time.
func unsubscribeAPI(t *testing.T, now time.Time) (invoker, *memoryBuyers, *bytes.Buffer) {
	t.Helper()
	signer, err := unsubscribe.New([]string{unsubscribeTestKey}, 0)
	if err != nil {
		t.Fatal(err)
	}
	buyers := &memoryBuyers{buyer: order.Buyer{ID: "buyer-1", Name: "Ana Souza", Email: "ana@example.com",
		Phone: "+5511912345678", Locale: "pt-BR", TimeZone: "America/Sao_Paulo", Country: "BR",
		Preferences: order.Preferences{SMSOptOut: true}}}
	var logs bytes.Buffer
	h := httpapi.New(httpapi.Config{Preferences: buyers, Unsubscribe: signer, Tokens: []string{fixtureToken},
		Now: func() time.Time { return now }, Logger: slog.New(slog.NewJSONHandler(&logs, nil))})
	return lambdahttp.Handler(h), buyers, &logs
}

var fixtureTime = time.Date(2026, 11, 12, 9, 14, 5, 0, time.UTC)

func invokeFixture(t *testing.T, invoke invoker, name string) events.APIGatewayV2HTTPResponse {
	t.Helper()
	res, err := invoke(context.Background(), loadEvent(t, name))
	if err != nil {
		t.Fatal(err)
	}
	return res
}

// wantUnsubscribeHeaders fails unless res has the content type and the headers of an answer
// to a URL that carries a credential.
func wantUnsubscribeHeaders(t *testing.T, res events.APIGatewayV2HTTPResponse, contentType string) {
	t.Helper()
	if res.Headers["Content-Type"] != contentType || res.Headers["Cache-Control"] != "no-store" ||
		res.Headers["Referrer-Policy"] != "no-referrer" || res.IsBase64Encoded {
		t.Fatalf("headers %v base64=%v, want %s, no-store, no-referrer, plain body", res.Headers, res.IsBase64Encoded, contentType)
	}
}

// TestUnsubscribeLinkThroughLambda: the link in an email, clicked (GET with the token in
// rawQueryString, no Authorization), changes nothing and answers an HTML confirmation page
// that is neither cached nor sent on as a Referer; its button's form POST (form-encoded,
// base64 by API Gateway) unsubscribes the buyer from email; the one-click POST a mail client
// sends is 200 too (already unsubscribed); neither the token nor the buyer's contact details
// reach the log. The fixtures are HTTP API payload format 2.0 events (AWS, "Working with
// AWS Lambda proxy integrations for HTTP APIs"), the browser's headers as Safari on iOS
// sends them, the one-click's as Gmail's (RFC 8058 section 3.2 body).
func TestUnsubscribeLinkThroughLambda(t *testing.T) {
	for _, name := range []string{"apigw-v2-get-unsubscribe.json", "apigw-v2-post-unsubscribe-form.json", "apigw-v2-post-unsubscribe-one-click.json"} {
		if ev := loadEvent(t, name); ev.RawQueryString != "token="+fixtureUnsubscribeToken || ev.Headers["authorization"] != "" {
			t.Fatalf("fixture %s: query %q, authorization %q", name, ev.RawQueryString, ev.Headers["authorization"])
		}
	}
	invoke, buyers, logs := unsubscribeAPI(t, fixtureTime)
	before := buyers.preferences()
	res := invokeFixture(t, invoke, "apigw-v2-get-unsubscribe.json")
	if res.StatusCode != http.StatusOK || !strings.Contains(res.Body, `<form method="post">`) ||
		!strings.Contains(res.Body, `value="`+fixtureUnsubscribeToken+`"`) {
		t.Fatalf("GET: %d %s", res.StatusCode, res.Body)
	}
	wantUnsubscribeHeaders(t, res, "text/html; charset=utf-8")
	if p := buyers.preferences(); !reflect.DeepEqual(p, before) {
		t.Fatalf("GET changed the preferences: %+v", p)
	}

	res = invokeFixture(t, invoke, "apigw-v2-post-unsubscribe-form.json")
	if res.StatusCode != http.StatusOK || !strings.Contains(res.Body, "You have been unsubscribed from payment reminders") {
		t.Fatalf("form POST: %d %s", res.StatusCode, res.Body)
	}
	wantUnsubscribeHeaders(t, res, "text/html; charset=utf-8")
	if p := buyers.preferences(); !p.EmailOptOut || !p.SMSOptOut || p.UpdatedBy != "buyer" || !p.UpdatedAt.Equal(fixtureTime) {
		t.Fatalf("stored %+v", p)
	}

	res = invokeFixture(t, invoke, "apigw-v2-post-unsubscribe-one-click.json")
	if res.StatusCode != http.StatusOK {
		t.Fatalf("one-click POST: %d %s", res.StatusCode, res.Body)
	}
	wantUnsubscribeHeaders(t, res, "text/plain; charset=utf-8")

	for _, secret := range []string{fixtureUnsubscribeToken, "ana@example.com", "+5511912345678"} {
		if strings.Contains(logs.String(), secret) {
			t.Errorf("the log contains %q:\n%s", secret, logs)
		}
	}
	if n := strings.Count(logs.String(), `"msg":"request"`); n != 3 {
		t.Errorf("%d request log lines, want 3:\n%s", n, logs)
	}
}

// TestUnsubscribeOneClickThroughLambda: the one-click POST alone unsubscribes the buyer.
func TestUnsubscribeOneClickThroughLambda(t *testing.T) {
	invoke, buyers, _ := unsubscribeAPI(t, fixtureTime)
	res := invokeFixture(t, invoke, "apigw-v2-post-unsubscribe-one-click.json")
	if res.StatusCode != http.StatusOK || !strings.Contains(res.Body, "Unsubscribed from") {
		t.Fatalf("one-click POST: %d %s", res.StatusCode, res.Body)
	}
	if p := buyers.preferences(); !p.EmailOptOut || p.UpdatedBy != "buyer" {
		t.Fatalf("stored %+v", p)
	}
}

// TestExpiredUnsubscribeLinkThroughLambda: the same fixture 60 days later is a 400 page
// saying the link expired, and changes nothing.
func TestExpiredUnsubscribeLinkThroughLambda(t *testing.T) {
	invoke, buyers, _ := unsubscribeAPI(t, time.Date(2027, 1, 9, 7, 0, 0, 0, time.UTC))
	res := invokeFixture(t, invoke, "apigw-v2-get-unsubscribe.json")
	if res.StatusCode != http.StatusBadRequest || !strings.Contains(res.Body, "expired") {
		t.Fatalf("GET: %d %s", res.StatusCode, res.Body)
	}
	wantUnsubscribeHeaders(t, res, "text/html; charset=utf-8")
	if buyers.preferences().EmailOptOut {
		t.Fatal("an expired link unsubscribed the buyer")
	}
}

// TestPutPreferencesThroughLambda: the seller's PUT /v1/buyers/{buyer_id}/preferences with
// a JSON body is stored (UpdatedBy seller) and answered as JSON.
func TestPutPreferencesThroughLambda(t *testing.T) {
	invoke, buyers, _ := unsubscribeAPI(t, fixtureTime)
	res := invokeFixture(t, invoke, "apigw-v2-put-buyer-preferences.json")
	if res.StatusCode != http.StatusOK || res.Headers["Content-Type"] != "application/json; charset=utf-8" ||
		res.Headers["Cache-Control"] != "no-store" {
		t.Fatalf("PUT: %d %v %s", res.StatusCode, res.Headers, res.Body)
	}
	var got struct {
		Default     string            `json:"default"`
		ByKind      map[string]string `json:"by_kind"`
		EmailOptOut *bool             `json:"email_opt_out"`
		SMSOptOut   *bool             `json:"sms_opt_out"`
	}
	if err := json.Unmarshal([]byte(res.Body), &got); err != nil {
		t.Fatalf("body %q: %v", res.Body, err)
	}
	if got.Default != "email" || got.ByKind["payment_reminder"] != "sms" || got.ByKind["shipment_shipped"] != "both" ||
		got.EmailOptOut == nil || *got.EmailOptOut || got.SMSOptOut == nil || *got.SMSOptOut {
		t.Fatalf("answer %s", res.Body)
	}
	p := buyers.preferences()
	if p.Default != order.ChannelsEmail || p.ByKind[order.NotifyPaymentReminder] != order.ChannelsSMS || p.SMSOptOut ||
		p.UpdatedBy != "seller" || !p.UpdatedAt.Equal(fixtureTime) {
		t.Fatalf("stored %+v", p)
	}
}
