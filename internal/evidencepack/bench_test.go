package evidencepack_test

import (
	"context"
	"fmt"
	"io"
	"runtime"
	"runtime/debug"
	"runtime/metrics"
	"sync"
	"testing"
	"time"

	"github.com/orderwire/orderwire/internal/dynamo"
	"github.com/orderwire/orderwire/internal/embedded"
	"github.com/orderwire/orderwire/internal/evidencepack"
	"github.com/orderwire/orderwire/internal/summarypdf"
	"github.com/orderwire/orderwire/internal/testservice"
)

// BenchmarkPack writes the pack of one order (a Stripe payment and dispute, a parcel with
// two carrier updates, one delivered message, and N further webhooks of 2.7 KB, or 27 KB)
// to io.Discard, on the embedded store and on DynamoDB Local. Besides time it reports:
//   - peak-heap-MiB: the highest heap size (runtime/metrics heap objects, sampled every
//     200 µs during one more pack, with GOGC=10 so that garbage does not hide what is live)
//     above the heap measured after a GC just before;
//   - bodies-MiB: what the webhook bodies add up to, for scale.
//
// The pack streams the bodies, so peak-heap-MiB must not grow with N the way bodies-MiB
// does; what does grow is one manifest line and one timeline entry per webhook.
func BenchmarkPack(b *testing.B) {
	cases := []struct {
		events, repeat int
	}{{100, 300}, {1000, 300}, {100, 3000}} // the last: as many body bytes as 1,000 events, in 100
	for _, c := range cases {
		b.Run(fmt.Sprintf("embedded/events=%d/body=%dB", c.events, 9*c.repeat), func(b *testing.B) {
			st, err := embedded.Open(b.TempDir(), embedded.Options{})
			if err != nil {
				b.Fatal(err)
			}
			b.Cleanup(func() { _ = st.Close() })
			benchPack(b, newWorldOn(b, st, c.events, c.repeat), c.events, nil)
		})
	}
	// With summary.pdf as the routes make it (Chinese page: the CJK font is loaded).
	for _, c := range cases[:2] {
		b.Run(fmt.Sprintf("embedded+pdf/events=%d/body=%dB", c.events, 9*c.repeat), func(b *testing.B) {
			st, err := embedded.Open(b.TempDir(), embedded.Options{})
			if err != nil {
				b.Fatal(err)
			}
			b.Cleanup(func() { _ = st.Close() })
			benchPack(b, newWorldOn(b, st, c.events, c.repeat), c.events, summarypdf.Write)
		})
	}
	for _, c := range cases[:2] {
		b.Run(fmt.Sprintf("dynamodb-local/events=%d/body=%dB", c.events, 9*c.repeat), func(b *testing.B) {
			client := testservice.DynamoDB(b)
			benchPack(b, newWorldOn(b, dynamo.New(client, testservice.NewTable(b, client)), c.events, c.repeat), c.events, nil)
		})
	}
}

func benchPack(b *testing.B, w *world, n int, pdf evidencepack.PDFWriter) {
	p := &evidencepack.Packer{Source: w.st, Now: func() time.Time { return w.now }, PDF: pdf}
	lang := "en"
	if pdf != nil {
		lang = "zh-CN"
	}
	bodies := 0
	for _, body := range w.bodies {
		bodies += len(body)
	}
	pack := func() {
		pk, err := p.Prepare(context.Background(), "ORD-PACK", lang)
		if err != nil {
			b.Fatal(err)
		}
		if err := pk.Write(context.Background(), io.Discard); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportAllocs()
	b.ResetTimer()
	for range b.N {
		pack()
	}
	b.StopTimer()
	// The peak, once, with the collector at GOGC=10 so that the sampled heap is close to
	// what is live rather than garbage waiting for the next cycle.
	defer debug.SetGCPercent(debug.SetGCPercent(10))
	runtime.GC()
	base := heapObjects()
	stop := sampleHeap()
	pack()
	top := stop()
	peak := top - min(base, top)
	b.ReportMetric(float64(peak)/(1<<20), "peak-heap-MiB")
	b.ReportMetric(float64(bodies)/(1<<20), "bodies-MiB")
	b.ReportMetric(float64(n), "events")
}

var heapSample = []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}

func heapObjects() uint64 {
	s := []metrics.Sample{{Name: heapSample[0].Name}}
	metrics.Read(s)
	return s[0].Value.Uint64()
}

// sampleHeap samples the live heap every 200 µs until stop, which returns the highest.
func sampleHeap() (stop func() uint64) {
	var (
		mu   sync.Mutex
		peak uint64
		done = make(chan struct{})
		wg   sync.WaitGroup
	)
	wg.Add(1)
	go func() {
		defer wg.Done()
		t := time.NewTicker(200 * time.Microsecond)
		defer t.Stop()
		for {
			v := heapObjects()
			mu.Lock()
			if v > peak {
				peak = v
			}
			mu.Unlock()
			select {
			case <-done:
				return
			case <-t.C:
			}
		}
	}()
	return func() uint64 {
		close(done)
		wg.Wait()
		if v := heapObjects(); v > peak {
			peak = v
		}
		return peak
	}
}
