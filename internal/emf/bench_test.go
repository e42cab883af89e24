package emf

import (
	"io"
	"testing"

	"github.com/orderwire/orderwire/internal/metrics"
)

// BenchmarkEventRecorded is the cost a webhook delivery pays for its metric line (encoding
// and one write, here to io.Discard).
func BenchmarkEventRecorded(b *testing.B) {
	r := New(io.Discard, "payment-webhook", nil)
	b.ReportAllocs()
	for b.Loop() {
		r.EventRecorded(metrics.ChannelPayment, "stripe", metrics.OutcomeApplied)
	}
}

// BenchmarkSinceStart is the cost of a function's one ColdStart reading (/proc/self/stat
// and the boot-time clock).
func BenchmarkSinceStart(b *testing.B) {
	for b.Loop() {
		metrics.SinceStart()
	}
}
