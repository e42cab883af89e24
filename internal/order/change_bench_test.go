package order

import (
	"fmt"
	"testing"
	"time"
)

// BenchmarkPaymentChange measures one payment event on an order whose ledger already holds
// n entries (refunds and dispute updates, which the ledger keeps): every event re-folds the
// whole ledger, so this is the domain's cost per event at the ledger's bound.
func BenchmarkPaymentChange(b *testing.B) {
	for _, n := range []int{1, 16, MaxLedger - 1} {
		b.Run(fmt.Sprintf("ledger=%d", n), func(b *testing.B) {
			o := pendingOrder()
			o = PaymentChange(o, at("pay", KindPaymentSucceeded, 5000, 0), t0).Order
			for i := 1; i < n; i++ {
				e := dispute(fmt.Sprintf("u%d", i), "dp_1", KindDisputeUpdated, "", i)
				if i%2 == 0 {
					e = at(fmt.Sprintf("r%d", i), KindRefunded, 1, i)
				}
				o = PaymentChange(o, e, t0).Order
			}
			if len(o.Ledger) != n {
				b.Fatalf("ledger has %d entries, want %d", len(o.Ledger), n)
			}
			ev := at("late", KindRefunded, 10, n/2) // lands in the middle of the ledger
			b.ReportAllocs()
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				if c := PaymentChange(o, ev, t0.Add(time.Hour)); !c.Changed {
					b.Fatal("the refund did not join the ledger")
				}
			}
		})
	}
}
