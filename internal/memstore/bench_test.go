package memstore_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/orderwire/orderwire/internal/store/storetest"
)

// BenchmarkSaveOrder creates one order (with its buyer and index item) per iteration: the
// cost of the embedded adapter's logic with no file under it.
func BenchmarkSaveOrder(b *testing.B) {
	s := mustNew(b)
	buyer := storetest.Buyer("buyer-bench")
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		o := storetest.Order(b, fmt.Sprintf("o-%d", i), buyer)
		if err := s.SaveOrder(context.Background(), o, buyer); err != nil {
			b.Fatal(err)
		}
	}
}
