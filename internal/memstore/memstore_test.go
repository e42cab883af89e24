package memstore_test

import (
	"context"
	"testing"
	"time"

	"github.com/orderwire/orderwire/internal/memstore"
	"github.com/orderwire/orderwire/internal/store"
	"github.com/orderwire/orderwire/internal/store/storetest"
)

func mustNew(tb testing.TB) *memstore.Store {
	tb.Helper()
	s, err := memstore.New(memstore.Options{})
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { _ = s.Close() })
	return s
}

func TestConformance(t *testing.T) {
	storetest.Run(t, storetest.Harness{
		Name: "memory",
		Open: func(tb testing.TB) store.Store { return mustNew(tb) },
		Reopen: func(tb testing.TB, s store.Store) store.Store {
			if err := s.Close(); err != nil {
				tb.Fatal(err)
			}
			r, err := s.(*memstore.Store).Reopen(memstore.Options{})
			if err != nil {
				tb.Fatal(err)
			}
			return r
		},
		Expire: func(tb testing.TB, s store.Store, now time.Time) {
			if _, err := s.(*memstore.Store).PurgeExpired(context.Background(), now); err != nil {
				tb.Fatal(err)
			}
		},
		Dump: func(_ testing.TB, s store.Store) []byte { return s.(*memstore.Store).Dump() },
	})
}
