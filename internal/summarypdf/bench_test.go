package summarypdf

import (
	"io"
	"testing"
)

// countingWriter counts the bytes of the PDF.
type countingWriter struct{ n int64 }

func (c *countingWriter) Write(p []byte) (int, error) { c.n += int64(len(p)); return len(p), nil }

var _ io.Writer = (*countingWriter)(nil)

func benchmarkWrite(b *testing.B, lang string, events int) {
	s := sample(lang)
	if events > 0 {
		s = manyEvents(s, events)
	}
	b.ReportAllocs()
	var size int64
	for b.Loop() {
		var w countingWriter
		if err := Write(&w, s); err != nil {
			b.Fatal(err)
		}
		size = w.n
	}
	b.ReportMetric(float64(size), "pdf-bytes")
}

// The sample order of the tests: one parcel, two messages, a dispute, three events.
func BenchmarkWriteSample(b *testing.B) { benchmarkWrite(b, "zh-CN", 0) }

// The sample in English with its Chinese checkpoints replaced by English ones: the CJK font
// is then not loaded at all.
func BenchmarkWriteLatinOnly(b *testing.B) {
	s := latinOnly(sample("en"))
	b.ReportAllocs()
	var size int64
	for b.Loop() {
		var w countingWriter
		if err := Write(&w, s); err != nil {
			b.Fatal(err)
		}
		size = w.n
	}
	b.ReportMetric(float64(size), "pdf-bytes")
}

// An order whose timeline has 1,000 events (each with Latin and Chinese text).
func BenchmarkWrite1000Events(b *testing.B) { benchmarkWrite(b, "zh-CN", 1000) }
