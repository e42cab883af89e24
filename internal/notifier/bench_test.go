package notifier_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/orderwire/orderwire/internal/embedded"
	"github.com/orderwire/orderwire/internal/memstore"
	"github.com/orderwire/orderwire/internal/notifier"
	"github.com/orderwire/orderwire/internal/order"
)

// BenchmarkDeliverMemStore is the notifier's cost per row (claim, plan, render the
// template in the buyer's language, build the email, record the outcome) over the
// in-memory store (internal/memstore: the embedded adapter's records and transactions,
// without a file) and a sender that accepts at once: no I/O.
func BenchmarkDeliverMemStore(b *testing.B) {
	st, err := memstore.New(memstore.Options{})
	if err != nil {
		b.Fatal(err)
	}
	benchDeliver(b, st, func(f fixture) { seed(b, st, f.order, f.buyer, f.row) })
}

// BenchmarkDeliverEmbedded is the same over the durable embedded store (two fsynced
// commits per row: the claim and the outcome).
func BenchmarkDeliverEmbedded(b *testing.B) {
	st, err := embedded.Open(b.TempDir()+"/db", embedded.Options{})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { _ = st.Close() })
	benchDeliver(b, st, func(f fixture) { seed(b, st, f.order, f.buyer, f.row) })
}

func benchDeliver(b *testing.B, st notifier.Store, add func(fixture)) {
	at := time.Date(2026, 11, 23, 14, 0, 0, 0, time.UTC) // daytime in São Paulo: nothing deferred
	refs := make([]order.NotificationRef, b.N)
	for i := range refs {
		bu := order.Buyer{ID: fmt.Sprintf("buyer-%d", i), Name: "Ana Souza", Email: "ana@example.com",
			Locale: "pt-BR", TimeZone: "America/Sao_Paulo", Country: "BR"}
		o, err := order.New(fmt.Sprintf("order-%d", i), order.Terms{Buyer: bu, AmountMinor: 12990, Currency: "BRL",
			PaymentDueAt: at.Add(72 * time.Hour), CreatedAt: at.Add(-time.Hour)}, at.Add(-time.Hour))
		if err != nil {
			b.Fatal(err)
		}
		row := order.Notification{OrderID: o.ID, BuyerID: bu.ID, Kind: order.NotifyPaymentReminder, Seq: 2,
			Status: order.NotificationPending, CreatedAt: at.Add(-time.Minute), CauseSource: "bench", CauseEventID: "e"}
		add(fixture{o, bu, row})
		refs[i] = row.Ref()
	}
	n := notifier.New(notifier.Config{Store: st, Email: newSender(), From: "Shop <orders@shop.example>",
		SellerName: "Shop", SellerAddress: "Rua A, 1", Owner: "bench", Now: func() time.Time { return at },
		UnsubscribeURL: func(string, time.Time) string { return "https://shop.example/unsubscribe?token=t" }})
	ctx := context.Background()
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		res, err := n.Deliver(ctx, refs[i])
		if err != nil || res.Status != order.NotificationSent {
			b.Fatalf("Deliver = %+v, %v", res, err)
		}
	}
}
