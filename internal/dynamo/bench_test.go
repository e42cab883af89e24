package dynamo_test

import (
	"context"
	"net/http"
	"os"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/stripe/stripe-go/v85/webhook"

	"github.com/orderwire/orderwire/internal/dynamo"
	"github.com/orderwire/orderwire/internal/order"
	"github.com/orderwire/orderwire/internal/payment"
	"github.com/orderwire/orderwire/internal/store/storetest"
)

// noIOTable answers like a table holding one order: GetItem returns the order item that the
// last SaveOrder transaction put, TransactWriteItems succeeds without sending anything. The
// benchmarked path calls nothing else (the nil embedded API would panic if it did).
type noIOTable struct {
	dynamo.API
	order map[string]types.AttributeValue
}

func (t *noIOTable) GetItem(context.Context, *dynamodb.GetItemInput, ...func(*dynamodb.Options)) (*dynamodb.GetItemOutput, error) {
	return &dynamodb.GetItemOutput{Item: t.order}, nil
}

func (t *noIOTable) TransactWriteItems(_ context.Context, in *dynamodb.TransactWriteItemsInput, _ ...func(*dynamodb.Options)) (*dynamodb.TransactWriteItemsOutput, error) {
	if t.order == nil {
		t.order = in.TransactItems[0].Put.Item // the seeding SaveOrder: its first item is the order
	}
	return &dynamodb.TransactWriteItemsOutput{}, nil
}

func (t *noIOTable) Query(context.Context, *dynamodb.QueryInput, ...func(*dynamodb.Options)) (*dynamodb.QueryOutput, error) {
	return &dynamodb.QueryOutput{}, nil
}

// BenchmarkStripeWebhookTransaction is the whole CPU cost of a Stripe webhook on AWS without
// the network: verify the signature, normalise the event, read the order (decode the item),
// apply the event and build the one TransactWriteItems request (dedupe marker, evidence,
// timeline entry, order, outbox row). Compare with payment's BenchmarkStripeBaseline.
func BenchmarkStripeWebhookTransaction(b *testing.B) {
	const secret = "whsec_bench_orderwire_dynamo"
	body, err := os.ReadFile("../payment/testdata/stripe/payment_intent.succeeded.json")
	if err != nil {
		b.Fatal(err)
	}
	now := time.Unix(1772359001, 0)
	signed := webhook.GenerateTestSignedPayload(&webhook.UnsignedPayload{Payload: body, Secret: secret, Timestamp: now})
	req := payment.Request{Method: "POST", Path: "/webhooks/payments/stripe", Header: http.Header{}, Body: body}
	req.Header.Set("Stripe-Signature", signed.Header)
	providers, err := payment.Providers(payment.Config{StripeSecrets: []string{secret}})
	if err != nil {
		b.Fatal(err)
	}
	stripe := providers[payment.NameStripe]

	table := &noIOTable{}
	s := dynamo.New(table, "orderwire")
	buyer := storetest.Buyer("buyer-bench")
	o, err := order.New("ORD-1001", order.Terms{Buyer: buyer, AmountMinor: 4999, Currency: "USD",
		PaymentDueAt: now.Add(time.Hour)}, now)
	if err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()
	if err := s.SaveOrder(ctx, o, buyer); err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(body)))
	b.ReportAllocs()
	for b.Loop() {
		if err := stripe.Verify(ctx, req, now); err != nil {
			b.Fatal(err)
		}
		ev, err := stripe.Parse(req)
		if err != nil {
			b.Fatal(err)
		}
		ev.ReceivedAt = now
		res, err := s.RecordEvent(ctx, ev, order.Evidence{Body: body, Headers: map[string]string{"stripe-signature": signed.Header}})
		if err != nil || !res.Outcome.Applied {
			b.Fatalf("%+v %v", res, err)
		}
	}
}
