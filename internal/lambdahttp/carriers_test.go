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
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/events"

	"github.com/orderwire/orderwire/internal/embedded"
	"github.com/orderwire/orderwire/internal/httpapi"
	"github.com/orderwire/orderwire/internal/lambdahttp"
	"github.com/orderwire/orderwire/internal/order"
	"github.com/orderwire/orderwire/internal/payment"
	"github.com/orderwire/orderwire/internal/seller"
	"github.com/orderwire/orderwire/internal/tracking"
)

// afterShipTestSecret signs the AfterShip fixtures (a test value, used nowhere else). The
// Standard Webhooks fixture is signed with standardTestSecret, the one the Standard payment
// fixture uses: one sender, one secret, for payment and shipment events alike.
const afterShipTestSecret = "lambdahttp-aftership-test-secret-Qm7vX2"

// The carrier fixtures: what AfterShip and a Standard Webhooks sender post to
// /webhooks/carriers/{provider}, a sender orderwire does not support, and the seller's
// registration of the parcel.
const (
	afterShipDelivered  = "apigw-v2-webhook-aftership-delivered.json"
	afterShipTampered   = "apigw-v2-webhook-aftership-tampered.json"
	standardInTransit   = "apigw-v2-webhook-standard-shipment-in-transit.json"
	carrierUnknown      = "apigw-v2-webhook-carrier-unknown-provider.json"
	postShipment        = "apigw-v2-post-shipment.json"
	fixtureTrackingNo   = "RR123456785CN"
	carrierWebhookRoute = "POST /webhooks/carriers/{provider}"
)

// carrierAPI is the real handler with both webhook routes (Stripe and Standard Webhooks
// payments; AfterShip and Standard Webhooks carriers), the seller API over seller.Service,
// and the embedded store, as the Lambda runtime calls it; every part reads the time from
// *clock. It returns the store and the buffer its JSON log goes to.
func carrierAPI(t *testing.T, clock *time.Time) (invoker, *embedded.Store, *bytes.Buffer) {
	t.Helper()
	st, err := embedded.Open(t.TempDir(), embedded.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = st.Close() })
	payments, err := payment.Providers(payment.Config{StripeSecrets: []string{stripeTestSecret}, StandardSecrets: []string{standardTestSecret}})
	if err != nil {
		t.Fatal(err)
	}
	carriers, err := tracking.Providers(tracking.Config{
		AfterShipSecrets: []string{"an-older-aftership-secret-rotating-out", afterShipTestSecret},
		StandardSecrets:  []string{standardTestSecret},
	})
	if err != nil {
		t.Fatal(err)
	}
	var logs bytes.Buffer
	now := func() time.Time { return *clock }
	h := httpapi.New(httpapi.Config{
		Orders:   &seller.Service{Orders: st, Now: now},
		Tokens:   []string{fixtureToken},
		Payments: payments, Events: st,
		Carriers: carriers, Tracking: st,
		Now:    now,
		Logger: slog.New(slog.NewJSONHandler(&logs, nil)),
	})
	return lambdahttp.Handler(h), st, &logs
}

// TestCarrierFixturesAreSignedOverTheirBytes: each carrier fixture is what its sender posts:
// an HTTP API v2 event of the carrier route with lower-case headers, and a signature made
// over exactly the bytes its base64 body decodes to (AfterShip's aftership-hmac-sha256 is
// base64 HMAC-SHA256 of the body; Standard Webhooks' is HMAC-SHA256 of id.timestamp.body).
// The tampered fixture carries the valid signature over other bytes of the same length.
func TestCarrierFixturesAreSignedOverTheirBytes(t *testing.T) {
	for _, name := range []string{afterShipDelivered, afterShipTampered, standardInTransit, carrierUnknown} {
		ev := loadEvent(t, name)
		provider := ev.PathParameters["provider"]
		if ev.RouteKey != carrierWebhookRoute || ev.RequestContext.RouteKey != ev.RouteKey || ev.RequestContext.HTTP.Method != http.MethodPost ||
			ev.RawPath != "/webhooks/carriers/"+provider || ev.RequestContext.HTTP.Path != ev.RawPath {
			t.Errorf("%s: route %q, path %q, provider %q", name, ev.RouteKey, ev.RawPath, provider)
		}
		lowerCaseHeaders(t, name, ev)
		rawBody(t, ev)
	}
	ship := loadEvent(t, postShipment)
	if ship.RouteKey != "POST /v1/orders/{order_id}/shipments" || ship.RawPath != "/v1/orders/"+ship.PathParameters["order_id"]+"/shipments" {
		t.Errorf("%s: route %q, path %q", postShipment, ship.RouteKey, ship.RawPath)
	}
	lowerCaseHeaders(t, postShipment, ship)
	rawBody(t, ship)

	valid := loadEvent(t, afterShipDelivered)
	mac := hmac.New(sha256.New, []byte(afterShipTestSecret))
	mac.Write(rawBody(t, valid))
	if want := base64.StdEncoding.EncodeToString(mac.Sum(nil)); valid.Headers["aftership-hmac-sha256"] != want {
		t.Errorf("aftership-hmac-sha256 %q, want %q", valid.Headers["aftership-hmac-sha256"], want)
	}
	tampered := loadEvent(t, afterShipTampered)
	if tampered.Headers["aftership-hmac-sha256"] != valid.Headers["aftership-hmac-sha256"] ||
		bytes.Equal(rawBody(t, tampered), rawBody(t, valid)) || len(rawBody(t, tampered)) != len(rawBody(t, valid)) {
		t.Error("the tampered fixture must carry the valid signature over different bytes of the same length")
	}

	std := loadEvent(t, standardInTransit)
	key, _ := base64.StdEncoding.DecodeString(strings.TrimPrefix(standardTestSecret, "whsec_"))
	mac = hmac.New(sha256.New, key)
	mac.Write([]byte(std.Headers["webhook-id"] + "." + std.Headers["webhook-timestamp"] + "."))
	mac.Write(rawBody(t, std))
	if want := "v1," + base64.StdEncoding.EncodeToString(mac.Sum(nil)); std.Headers["webhook-signature"] != want {
		t.Errorf("webhook-signature %q, want %q", std.Headers["webhook-signature"], want)
	}
}

func lowerCaseHeaders(t *testing.T, name string, ev events.APIGatewayV2HTTPRequest) {
	t.Helper()
	for h := range ev.Headers {
		if h != strings.ToLower(h) {
			t.Errorf("%s: header %q is not lower-case, as API Gateway sends it", name, h)
		}
	}
}

// shippedView is the part of an order (GET /v1/orders/{id}, or the shipment POST's answer)
// the carrier tests read.
type shippedView struct {
	Status    string `json:"status"`
	Version   int64  `json:"version"`
	Shipments []struct {
		Carrier        string `json:"carrier"`
		TrackingNumber string `json:"tracking_number"`
		Status         string `json:"status"`
		SubStatus      string `json:"sub_status"`
	} `json:"shipments"`
	Timeline []struct {
		Source         string `json:"source"`
		EventID        string `json:"provider_event_id"`
		Applied        bool   `json:"applied"`
		ShipmentStatus string `json:"shipment_status"`
		Checkpoints    []struct {
			Location string `json:"location"`
			Message  string `json:"message"`
		} `json:"checkpoints"`
	} `json:"timeline"`
}

func shippedOf(t *testing.T, what string, res events.APIGatewayV2HTTPResponse, want int) shippedView {
	t.Helper()
	var o shippedView
	if err := json.Unmarshal([]byte(res.Body), &o); res.StatusCode != want || err != nil {
		t.Fatalf("%s: %d %s (%v), want %d", what, res.StatusCode, res.Body, err, want)
	}
	return o
}

// TestCarrierWebhooksThroughLambda drives the real handler with API Gateway fixtures
// through the life of a parcel: the order is registered (PUT) and paid (Stripe); a Standard
// Webhooks in-transit event for its tracking number arrives before the seller registers
// the parcel and is parked (200); the seller registers it (POST .../shipments with a
// spaced, lower-case number, 201), the order is shipped and the parked event applied; the
// signed AfterShip delivery answers 200 and the parcel and the order are delivered, with
// the checkpoints on the timeline and one delivery notification; the same event again
// answers 200 and changes nothing; the tampered body is 401; an unknown carrier, and a
// known one not enabled, are 404. The evidence kept is the decoded body byte for byte; no
// secret and no buyer contact reaches the log.
func TestCarrierWebhooksThroughLambda(t *testing.T) {
	clock := webhookNow
	invoke, st, logs := carrierAPI(t, &clock)
	ack := func(what string, res events.APIGatewayV2HTTPResponse) {
		t.Helper()
		if res.StatusCode != http.StatusOK || res.Body != `{"received":true}` || res.IsBase64Encoded {
			t.Fatalf("%s: %d %v %s", what, res.StatusCode, res.Headers, res.Body)
		}
	}
	get := func() shippedView {
		t.Helper()
		return shippedOf(t, "GET", call(t, invoke, loadEvent(t, "apigw-v2-get-order.json")), http.StatusOK)
	}

	if put := call(t, invoke, loadEvent(t, "apigw-v2-put-order-base64.json")); put.StatusCode != http.StatusCreated {
		t.Fatalf("PUT: %d %s", put.StatusCode, put.Body)
	}
	ack("stripe", call(t, invoke, loadEvent(t, "apigw-v2-webhook-stripe-payment-succeeded.json")))
	if o := get(); o.Status != "awaiting_shipment" {
		t.Fatalf("after the payment: %+v", o)
	}

	clock = time.Date(2026, 11, 14, 6, 10, 7, 0, time.UTC) // the fixture was signed 2 s earlier
	ack("standard in transit, parcel not registered", call(t, invoke, loadEvent(t, standardInTransit)))
	if o := get(); len(o.Shipments) != 0 || !strings.Contains(logs.String(), `"outcome":"parked"`) {
		t.Fatalf("the early carrier event is not parked: %+v", o)
	}

	clock = time.Date(2026, 11, 14, 9, 2, 0, 0, time.UTC)
	shipped := shippedOf(t, "POST shipment", call(t, invoke, loadEvent(t, postShipment)), http.StatusCreated)
	if shipped.Status != "shipped" || len(shipped.Shipments) != 1 || shipped.Shipments[0].TrackingNumber != fixtureTrackingNo ||
		shipped.Shipments[0].Carrier != "china-post" || shipped.Shipments[0].Status != "in_transit" {
		t.Fatalf("after registering the parcel (the parked event applied): %+v", shipped)
	}

	clock = time.Date(2026, 11, 25, 14, 5, 1, 0, time.UTC)
	delivered := loadEvent(t, afterShipDelivered)
	ack("aftership delivered", call(t, invoke, delivered))
	o := get()
	if o.Status != "delivered" || o.Shipments[0].Status != "delivered" || o.Shipments[0].SubStatus != "Delivered_001" {
		t.Fatalf("after the delivery: %+v", o)
	}
	last := o.Timeline[len(o.Timeline)-1]
	if last.Source != "aftership" || last.EventID != "9b3f6c1e-2d4a-4f7b-8e0c-5a1d2b3c4e5f" || !last.Applied ||
		last.ShipmentStatus != "delivered" || len(last.Checkpoints) != 5 || last.Checkpoints[4].Message != "Objeto entregue ao destinatário" {
		t.Errorf("timeline entry %+v", last)
	}

	ack("aftership again", call(t, invoke, delivered))
	if again := get(); again.Version != o.Version || len(again.Timeline) != len(o.Timeline) {
		t.Errorf("the duplicate changed the order: %+v", again)
	}
	if !strings.Contains(logs.String(), `"outcome":"duplicate"`) {
		t.Errorf("no duplicate outcome logged:\n%s", logs)
	}

	if res := call(t, invoke, loadEvent(t, afterShipTampered)); res.StatusCode != http.StatusUnauthorized || errorCode(res) != "unauthorized" {
		t.Errorf("tampered body: %d %s", res.StatusCode, res.Body)
	}
	unknown := loadEvent(t, carrierUnknown)
	disabled := unknown
	disabled.RawPath, disabled.PathParameters = "/webhooks/carriers/easypost", map[string]string{"provider": "easypost"}
	for _, ev := range []events.APIGatewayV2HTTPRequest{unknown, disabled} {
		if res := call(t, invoke, ev); res.StatusCode != http.StatusNotFound || errorCode(res) != "not_found" {
			t.Errorf("%s: %d %s", ev.RawPath, res.StatusCode, res.Body)
		}
	}
	if after := get(); after.Version != o.Version || len(after.Timeline) != len(o.Timeline) {
		t.Errorf("a refused request changed the order: %+v", after)
	}
	checkCarrierRecords(t, st, delivered)
	for _, secret := range []string{"ana@example.com", "+5511912345678", afterShipTestSecret, standardTestSecret, fixtureToken} {
		if strings.Contains(logs.String(), secret) {
			t.Errorf("the log contains %q", secret)
		}
	}
}

// checkCarrierRecords: the store kept each accepted carrier webhook once, the AfterShip one
// byte for byte with its signature header, and queued one delivery notification.
func checkCarrierRecords(t *testing.T, st *embedded.Store, delivered events.APIGatewayV2HTTPRequest) {
	t.Helper()
	ctx := context.Background()
	evidence, err := st.Evidence(ctx, "ord-1001")
	if err != nil {
		t.Fatal(err)
	}
	var carriers []string
	for _, e := range evidence {
		if e.Source == "aftership" || (e.Source == "standard" && e.EventID == "msg_2qT8mVx3LpR6nYcW1bKfZd7j") {
			carriers = append(carriers, e.Source)
		}
		if e.Source == "aftership" && (!bytes.Equal(e.Body, rawBody(t, delivered)) ||
			e.Headers["aftership-hmac-sha256"] != delivered.Headers["aftership-hmac-sha256"]) {
			t.Errorf("aftership evidence %q %v, want the fixture's bytes and headers", e.Body, e.Headers)
		}
	}
	if strings.Join(carriers, ",") != "standard,aftership" {
		t.Errorf("carrier evidence %v, want the Standard event then the AfterShip one, once each", carriers)
	}
	notes, err := st.Notifications(ctx, "ord-1001")
	if err != nil {
		t.Fatal(err)
	}
	deliveries := 0
	for _, n := range notes {
		if n.Kind == order.NotifyShipmentDelivered {
			deliveries++
		}
	}
	if deliveries != 1 {
		t.Errorf("%d shipment_delivered notifications, want 1: %+v", deliveries, notes)
	}
}
