package prommetrics

import (
	"testing"

	"github.com/orderwire/orderwire/internal/metrics"
)

// BenchmarkEventRecorded is the cost a webhook delivery pays for its counter in `orderwire
// serve` (a label lookup and an atomic add), from 4 goroutines per CPU at once.
func BenchmarkEventRecorded(b *testing.B) {
	r := New()
	b.ReportAllocs()
	b.SetParallelism(4)
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			r.EventRecorded(metrics.ChannelPayment, "stripe", metrics.OutcomeApplied)
		}
	})
}
