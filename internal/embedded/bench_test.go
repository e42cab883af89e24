package embedded_test

import (
	"context"
	"fmt"
	"runtime"
	"sync/atomic"
	"testing"
	"time"

	"github.com/orderwire/orderwire/internal/embedded"
	"github.com/orderwire/orderwire/internal/store/storetest"
)

// BenchmarkSaveOrder32Writers measures durable commits per second (each SaveOrder returns
// only after fsync) with 32 goroutines writing distinct orders, as a busy local server would.
// Group commit shares one fsync among the writers waiting together: batchDelay=0 is the
// store's own (no window), the others bbolt's Batch with that window.
func BenchmarkSaveOrder32Writers(b *testing.B) {
	for _, delay := range []time.Duration{0, 500 * time.Microsecond, 2 * time.Millisecond, 10 * time.Millisecond} {
		b.Run(fmt.Sprintf("batchDelay=%s", delay), func(b *testing.B) {
			s, err := embedded.Open(b.TempDir(), embedded.Options{MaxBatchDelay: delay})
			if err != nil {
				b.Fatal(err)
			}
			defer func() {
				if err := s.Close(); err != nil {
					b.Error(err)
				}
			}()
			const writers = 32
			b.SetParallelism(max(1, writers/runtime.GOMAXPROCS(0)))
			var seq atomic.Int64
			save := saver(b, s)
			start := time.Now()
			b.RunParallel(func(pb *testing.PB) {
				for pb.Next() {
					save(seq.Add(1))
				}
			})
			b.ReportMetric(float64(b.N)/time.Since(start).Seconds(), "commits/s")
		})
	}
}

// BenchmarkSaveOrder1Writer is a lone writer: nobody to share a commit with, so time/op is
// one commit's latency. batchDelay=0 is the store's group commit (commits at once);
// 500µs is bbolt's Batch with the old default window, which a lone writer waits out.
func BenchmarkSaveOrder1Writer(b *testing.B) {
	for _, delay := range []time.Duration{0, 500 * time.Microsecond} {
		b.Run(fmt.Sprintf("batchDelay=%s", delay), func(b *testing.B) {
			s, err := embedded.Open(b.TempDir(), embedded.Options{MaxBatchDelay: delay})
			if err != nil {
				b.Fatal(err)
			}
			defer func() { _ = s.Close() }()
			save := saver(b, s)
			start := time.Now()
			for i := int64(0); b.Loop(); i++ {
				save(i)
			}
			b.ReportMetric(float64(b.N)/time.Since(start).Seconds(), "commits/s")
		})
	}
}

// saver returns a function that durably saves a new order numbered i.
func saver(b *testing.B, s *embedded.Store) func(i int64) {
	buyer := storetest.Buyer("bench-buyer")
	tmpl := storetest.Order(b, "tmpl", buyer)
	b.ReportAllocs()
	return func(i int64) {
		o := tmpl
		o.ID = fmt.Sprintf("o-%d", i)
		if err := s.SaveOrder(context.Background(), o, buyer); err != nil {
			b.Error(err)
		}
	}
}
