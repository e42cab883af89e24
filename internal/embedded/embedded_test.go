package embedded_test

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/orderwire/orderwire/internal/embedded"
	"github.com/orderwire/orderwire/internal/store"
	"github.com/orderwire/orderwire/internal/store/storetest"
)

// MustOpen opens a store in a fresh temporary directory, closed when the test ends.
func MustOpen(tb testing.TB) *embedded.Store {
	tb.Helper()
	return mustOpenDir(tb, tb.TempDir())
}

func mustOpenDir(tb testing.TB, dir string) *embedded.Store {
	tb.Helper()
	s, err := embedded.Open(dir, embedded.Options{})
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { _ = s.Close() })
	return s
}

func TestConformance(t *testing.T) {
	dirs := map[store.Store]string{}
	storetest.Run(t, storetest.Harness{
		Name: "embedded",
		Open: func(tb testing.TB) store.Store {
			dir := tb.TempDir()
			s := mustOpenDir(tb, dir)
			dirs[s] = dir
			return s
		},
		Reopen: func(tb testing.TB, s store.Store) store.Store {
			if err := s.Close(); err != nil {
				tb.Fatal(err)
			}
			return mustOpenDir(tb, dirs[s])
		},
		Expire: func(tb testing.TB, s store.Store, now time.Time) {
			if _, err := s.(*embedded.Store).PurgeExpired(context.Background(), now); err != nil {
				tb.Fatal(err)
			}
		},
		Dump: func(tb testing.TB, s store.Store) []byte {
			raw, err := os.ReadFile(filepath.Join(dirs[s], embedded.FileName))
			if err != nil {
				tb.Fatal(err)
			}
			return raw
		},
	})
}

func TestOpenRefusesASecondProcessHoldingTheFile(t *testing.T) {
	dir := t.TempDir()
	mustOpenDir(t, dir)
	// bbolt's flock is per open file description, so a second Open in this process sees the
	// same lock a second process would.
	if _, err := embedded.Open(dir, embedded.Options{}); err == nil {
		t.Fatal("second Open of a held database succeeded")
	}
}
