package loadgen

import (
	"bytes"
	"embed"
	"encoding/json"
	"fmt"
	"strings"
	"time"
)

//go:embed payloads/*.json
var payloads embed.FS

// Order is one order a plan's deliveries are about, registered before the run with
// PUT /v1/orders/{ID} and Body.
type Order struct {
	ID   string
	Body string
}

// Plan is what one run sends: its orders (registered first) and its deliveries, every one a
// distinct event (no repeats), so that each is a new durable write on the server.
type Plan struct {
	Orders     []Order
	Deliveries []Delivery
}

// kinds is the sequence of payment events each order receives, one minute apart, over and
// over: attempts that wait and fail, then the payment (what a busy sale day looks like).
var kinds = []string{"pending", "failed", "pending", "succeeded"}

var stripeFile = map[string]string{"pending": "stripe.payment_intent.processing.json",
	"failed": "stripe.payment_intent.payment_failed.json", "succeeded": "stripe.payment_intent.succeeded.json"}

// NewPlan builds orders orders (ids "<prefix>-00001"...) and deliveries signed deliveries
// spread over them in turn; even orders are paid through Stripe, odd ones through Standard
// Webhooks (both HMAC-signed, as most deliveries are). Signatures are made at signAt: a run
// must start within the providers' 5-minute tolerance.
func NewPlan(k *Keys, prefix string, orders, deliveries int, signAt time.Time) (*Plan, error) {
	if orders < 1 || deliveries < 1 {
		return nil, fmt.Errorf("loadgen: a plan needs at least one order and one delivery")
	}
	p := &Plan{}
	created := signAt.UTC().Truncate(time.Second).Add(-48 * time.Hour)
	for i := range orders {
		id := fmt.Sprintf("%s-%05d", prefix, i+1)
		p.Orders = append(p.Orders, Order{ID: id, Body: fmt.Sprintf(`{"buyer":{"id":"b-%s","name":"Load Buyer","email":"load-%d@example.com","locale":"en","timezone":"Europe/Paris","country":"FR"},"amount_minor":%d,"currency":"USD","payment_due_at":%q,"created_at":%q}`,
			id, i+1, amountOf(i), created.Add(7*24*time.Hour).Format(time.RFC3339), created.Format(time.RFC3339))})
	}
	for n := range deliveries {
		i, round := n%orders, n/orders
		kind := kinds[round%len(kinds)]
		at := created.Add(time.Hour + time.Duration(round)*time.Minute)
		var body []byte
		var err error
		provider, eventID := "stripe", fmt.Sprintf("evt_load%s%05d_%d", squash(prefix), i+1, round)
		if i%2 == 1 {
			provider, eventID = "standard", fmt.Sprintf("msg_load_%s_%05d_%d", squash(prefix), i+1, round)
			body, err = standardBody(kind, p.Orders[i].ID, amountOf(i), at)
		} else {
			body, err = stripeBody(kind, eventID, p.Orders[i].ID, amountOf(i), at)
		}
		if err != nil {
			return nil, err
		}
		d, err := k.SignPayment(provider, eventID, body, signAt)
		if err != nil {
			return nil, err
		}
		p.Deliveries = append(p.Deliveries, d)
	}
	return p, nil
}

func amountOf(i int) int64 { return 1000 + int64(i%400)*100 }

func squash(s string) string { return strings.NewReplacer("-", "", "_", "").Replace(s) }

// stripeBody is a payment_intent.* event for orderID (metadata.order_id), PaymentIntent
// pi_load<order>.
func stripeBody(kind, eventID, orderID string, amount int64, at time.Time) ([]byte, error) {
	doc, err := template(stripeFile[kind])
	if err != nil {
		return nil, err
	}
	obj := doc["data"].(map[string]any)["object"].(map[string]any)
	doc["id"], doc["created"] = eventID, at.Unix()
	obj["id"], obj["metadata"] = "pi_load"+squash(orderID), map[string]any{"order_id": orderID}
	obj["amount"], obj["currency"] = amount, "usd"
	if kind == "succeeded" {
		obj["amount_received"], obj["latest_charge"] = amount, "ch_load"+squash(orderID)
	}
	return json.MarshalIndent(doc, "", "  ") // Stripe sends its events pretty-printed
}

// standardBody is a Standard Webhooks payment.* event for orderID.
func standardBody(kind, orderID string, amount int64, at time.Time) ([]byte, error) {
	doc, err := template("standard.payment." + kind + ".json")
	if err != nil {
		return nil, err
	}
	data := map[string]any{"order_id": orderID, "payment_ref": "pay_load" + squash(orderID)}
	if kind == "succeeded" {
		data["amount_minor"], data["currency"] = amount, "USD"
	}
	doc["timestamp"], doc["data"] = at.Format(time.RFC3339), data
	return json.Marshal(doc)
}

// template decodes one of the payloads (numbers kept as written).
func template(name string) (map[string]any, error) {
	raw, err := payloads.ReadFile("payloads/" + name)
	if err != nil {
		return nil, fmt.Errorf("loadgen: payload %s: %w", name, err)
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	var doc map[string]any
	if err := dec.Decode(&doc); err != nil {
		return nil, fmt.Errorf("loadgen: payload %s: %w", name, err)
	}
	return doc, nil
}
