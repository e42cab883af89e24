package httpapi_test

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/orderwire/orderwire/internal/httpapi"
	"github.com/orderwire/orderwire/internal/order"
	"github.com/orderwire/orderwire/internal/sentmessage"
	"github.com/orderwire/orderwire/internal/store"
)

type fakeMessages []sentmessage.Message

func (f fakeMessages) BuyerMessages(context.Context, string) ([]sentmessage.Message, error) {
	return f, nil
}

// schemaKeys resolves schema (following $ref and allOf) to its properties and required
// names in the document.
func schemaKeys(t *testing.T, doc map[string]any, schema map[string]any) (props map[string]map[string]any, required []string) {
	t.Helper()
	props = map[string]map[string]any{}
	if ref, ok := schema["$ref"].(string); ok {
		node := any(doc)
		for _, part := range strings.Split(strings.TrimPrefix(ref, "#/"), "/") {
			node = node.(map[string]any)[part]
		}
		return schemaKeys(t, doc, node.(map[string]any))
	}
	for _, sub := range asList(schema["allOf"]) {
		p, r := schemaKeys(t, doc, sub.(map[string]any))
		for k, v := range p {
			props[k] = v
		}
		required = append(required, r...)
	}
	for k, v := range asMap(schema["properties"]) {
		props[k] = v.(map[string]any)
	}
	for _, r := range asList(schema["required"]) {
		required = append(required, r.(string))
	}
	return props, required
}

func asList(v any) []any         { l, _ := v.([]any); return l }
func asMap(v any) map[string]any { m, _ := v.(map[string]any); return m }

// checkShape fails for a key of answer the schema does not have, or a required key the
// answer lacks; it descends into objects and arrays of objects named by $ref.
func checkShape(t *testing.T, doc map[string]any, where string, schema map[string]any, answer map[string]any) {
	t.Helper()
	props, required := schemaKeys(t, doc, schema)
	for k, v := range answer {
		p, ok := props[k]
		if !ok {
			t.Errorf("%s.%s is answered but not in openapi.json", where, k)
			continue
		}
		switch v := v.(type) {
		case map[string]any:
			if _, ok := p["$ref"]; ok {
				checkShape(t, doc, where+"."+k, p, v)
			}
		case []any:
			items := asMap(p["items"])
			if _, ok := items["$ref"]; ok && len(v) > 0 {
				if m, ok := v[0].(map[string]any); ok {
					checkShape(t, doc, where+"."+k+"[0]", items, m)
				}
			}
		}
	}
	for _, k := range required {
		if _, ok := answer[k]; !ok {
			t.Errorf("%s.%s is required in openapi.json but not answered", where, k)
		}
	}
}

// TestOpenAPIShapesMatchAnswers: the answers of GET /v1/orders and GET
// /v1/orders/{order_id}/messages, with every optional field filled, have exactly the
// documented properties (none undocumented, none required missing), down through the
// orders, shipments, disputes, attention items, messages and deliveries.
func TestOpenAPIShapesMatchAnswers(t *testing.T) {
	_, raw := readDoc(t)
	var doc map[string]any
	if err := json.Unmarshal(raw, &doc); err != nil {
		t.Fatal(err)
	}
	at := time.Date(2026, 12, 1, 10, 0, 0, 0, time.UTC)
	o := order.Order{ID: "AE-1", Status: order.StatusShipped, PaymentStatus: order.PaymentPaid, Currency: "USD",
		AmountMinor: 100, PaidMinor: 100, BuyerID: "b-1", Dispute: "open", FraudWarning: true,
		Disputes: []order.Dispute{{Provider: "stripe", ID: "dp_1", Status: "needs_response", Reason: "fraudulent",
			AmountMinor: 100, Currency: "USD", OpenedAt: at, RespondBy: at.Add(72 * time.Hour), UpdatedAt: at}},
		Shipments: []order.Shipment{{Carrier: "ups", TrackingNumber: "1Z999", Service: "express", ShippedAt: at,
			Status: order.ShipmentInTransit, ProviderStatus: "InTransit", SubStatus: "InTransit_001", StatusAt: at}}}
	lister := &fakeLister{page: store.OrderPage{Orders: []order.Order{o}, Next: "c"}}
	row := order.Notification{OrderID: "AE-1", BuyerID: "b-1", Kind: order.NotifyPaymentReceived, Seq: 2,
		Status: order.NotificationSent, CreatedAt: at, CauseSource: "stripe", CauseEventID: "evt_1", Parcel: "1Z999",
		Attempts: 1, Reason: "r", UpdatedAt: at, Deliveries: []order.Delivery{{Channel: "email", Status: order.NotificationSent,
			MessageID: "m-1", Reason: "r", At: at, DeliveredAt: at}}}
	msgs := fakeMessages{{Row: row, SentAt: at, Locale: "en", Email: &sentmessage.Email{Subject: "s", Text: "t"},
		SMS: &sentmessage.SMS{Text: "t"}, Rendering: sentmessage.RenderingNote}}
	h := httpapi.New(httpapi.Config{Tokens: []string{token}, OrderList: lister, Messages: msgs})
	paths := asMap(doc["paths"])
	for _, c := range []struct{ path, docPath string }{
		{"/v1/orders", "/v1/orders"},
		{"/v1/orders/AE-1/messages", "/v1/orders/{order_id}/messages"},
	} {
		rec := call(h, "GET", c.path, nil, "Authorization", "Bearer "+token)
		if rec.Code != http.StatusOK {
			t.Fatalf("GET %s: %d %s", c.path, rec.Code, rec.Body)
		}
		var answer map[string]any
		if err := json.Unmarshal(rec.Body.Bytes(), &answer); err != nil {
			t.Fatal(err)
		}
		schema := asMap(asMap(asMap(asMap(asMap(asMap(asMap(paths[c.docPath])["get"])["responses"])["200"])["content"])["application/json"])["schema"])
		if len(schema) == 0 {
			t.Fatalf("no 200 schema for GET %s", c.docPath)
		}
		checkShape(t, doc, "GET "+c.docPath, schema, answer)
	}
}
