// Package storetest is the conformance suite that every store.Store adapter must pass.
// An adapter's test calls Run with a Harness; nothing here knows which adapter it drives.
package storetest

import (
	"context"
	"fmt"
	"reflect"
	"sync"
	"testing"
	"time"

	"github.com/orderwire/orderwire/internal/order"
	"github.com/orderwire/orderwire/internal/store"
)

// Harness builds the stores under test.
type Harness struct {
	// Name names the adapter in test output, e.g. "embedded" or "dynamodb-local".
	Name string
	// Open returns an empty store, closed by the harness's own t.Cleanup.
	Open func(t testing.TB) store.Store
	// Reopen closes s and opens the same data again, as a restarted process would.
	Reopen func(t testing.TB, s store.Store) store.Store
	// Expire moves time forward to now for expiry: it deletes what the adapter's expiry
	// (store.DefaultRetention, DedupeTTL) has made due at now (the embedded store's
	// PurgeExpired; on DynamoDB Local, which does not run TTL, the test deletes the items
	// whose expires_at is at or before now, as TTL would). Nil skips the retention tests.
	Expire func(t testing.TB, s store.Store, now time.Time)
	// Dump returns every byte the adapter keeps for s, as it is stored (the database file
	// read as bytes; every attribute of every item of a table, compressed bodies
	// decompressed), for the erasure test's search. Nil skips that test.
	Dump func(t testing.TB, s store.Store) []byte
}

// Run runs every conformance test against the adapter built by h, as subtests of one
// subtest named h.Name.
func Run(t *testing.T, h Harness) {
	t.Run(h.Name, func(t *testing.T) { runAll(t, h) })
}

func runAll(t *testing.T, h Harness) {
	t.Run("GetUnknown", func(t *testing.T) { testGetUnknown(t, h) })
	t.Run("CreateAndGet", func(t *testing.T) { testCreateAndGet(t, h) })
	t.Run("CreateTwiceConflicts", func(t *testing.T) { testCreateTwice(t, h) })
	t.Run("OptimisticVersioning", func(t *testing.T) { testVersioning(t, h) })
	t.Run("ConflictWritesNothing", func(t *testing.T) { testConflictWritesNothing(t, h) })
	t.Run("BuyerSharedAcrossOrders", func(t *testing.T) { testBuyerShared(t, h) })
	t.Run("ConcurrentWritersLoseNoUpdate", func(t *testing.T) { testConcurrentWriters(t, h) })
	t.Run("ConcurrentCreatorsOneWins", func(t *testing.T) { testConcurrentCreators(t, h) })
	t.Run("ReopenKeepsData", func(t *testing.T) { testReopen(t, h) })
	runEvents(t, h)
	runShipments(t, h)
	runDunning(t, h)
	runOutbox(t, h)
	runFeedback(t, h)
	runAlerts(t, h)
	runEvidence(t, h)
	runRetention(t, h)
	runOrderList(t, h)
	runSessions(t, h)
	if h.Dump != nil {
		runErasure(t, h)
	}
}

var baseTime = time.Date(2026, 11, 22, 8, 30, 15, 123456789, time.UTC)

// Buyer returns a valid buyer with the given id.
func Buyer(id string) order.Buyer {
	return order.Buyer{ID: id, Name: "Ana Souza", Email: id + "@example.com", Phone: "+5511912345678",
		Locale: "pt-BR", TimeZone: "America/Sao_Paulo", Country: "BR"}
}

// Order returns a valid new order (version 1) for buyer b.
func Order(t testing.TB, id string, b order.Buyer) order.Order {
	t.Helper()
	o, err := order.New(id, order.Terms{Buyer: b, AmountMinor: 12990, Currency: "BRL",
		PaymentDueAt: baseTime.Add(72 * time.Hour), CreatedAt: baseTime}, baseTime)
	if err != nil {
		t.Fatal(err)
	}
	return o
}

func mustSave(t testing.TB, s store.Store, o order.Order, b order.Buyer) {
	t.Helper()
	if err := s.SaveOrder(context.Background(), o, b); err != nil {
		t.Fatalf("SaveOrder(%s v%d): %v", o.ID, o.Version, err)
	}
}

func mustGet(t testing.TB, s store.Store, id string) order.Order {
	t.Helper()
	o, err := s.GetOrder(context.Background(), id)
	if err != nil {
		t.Fatalf("GetOrder(%s): %v", id, err)
	}
	return o
}

func wantCode(t testing.TB, what string, err error, code order.Code) {
	t.Helper()
	if got := order.ErrorCode(err); got != code {
		t.Fatalf("%s: error %v (code %q), want code %q", what, err, got, code)
	}
}

func equalOrders(a, b order.Order) bool {
	return a.ID == b.ID && a.BuyerID == b.BuyerID && a.AmountMinor == b.AmountMinor &&
		a.Currency == b.Currency && a.CreatedAt.Equal(b.CreatedAt) &&
		a.PaymentDueAt.Equal(b.PaymentDueAt) && a.Status == b.Status &&
		a.Version == b.Version && a.UpdatedAt.Equal(b.UpdatedAt)
}

func testGetUnknown(t *testing.T, h Harness) {
	s := h.Open(t)
	_, err := s.GetOrder(context.Background(), "no-such-order")
	wantCode(t, "GetOrder unknown", err, order.CodeNotFound)
	_, err = s.GetBuyer(context.Background(), "no-such-buyer")
	wantCode(t, "GetBuyer unknown", err, order.CodeNotFound)
}

func testCreateAndGet(t *testing.T, h Harness) {
	s := h.Open(t)
	b := Buyer("buyer-ana")
	o := Order(t, "AE-1001:x_y.z", b)
	mustSave(t, s, o, b)
	if got := mustGet(t, s, o.ID); !equalOrders(got, o) {
		t.Fatalf("GetOrder = %+v\nwant %+v", got, o)
	}
	gotB, err := s.GetBuyer(context.Background(), b.ID)
	if err != nil || !reflect.DeepEqual(gotB, b) {
		t.Fatalf("GetBuyer = %+v, %v\nwant %+v", gotB, err, b)
	}
	// Times come back at full precision and in UTC.
	if got := mustGet(t, s, o.ID); got.CreatedAt.Location() != time.UTC || got.CreatedAt.Nanosecond() != 123456789 {
		t.Fatalf("CreatedAt = %v, want UTC with nanoseconds kept", got.CreatedAt)
	}
}

func testCreateTwice(t *testing.T, h Harness) {
	s := h.Open(t)
	b := Buyer("buyer-1")
	first := Order(t, "o-twice", b)
	mustSave(t, s, first, b)
	second := first
	second.AmountMinor = 1
	wantCode(t, "second create", s.SaveOrder(context.Background(), second, b), order.CodeConflict)
	if got := mustGet(t, s, first.ID); got.AmountMinor != first.AmountMinor {
		t.Fatalf("second create overwrote the first: %+v", got)
	}
}

func testVersioning(t *testing.T, h Harness) {
	s := h.Open(t)
	b := Buyer("buyer-1")
	v1 := Order(t, "o-ver", b)
	mustSave(t, s, v1, b)

	v2, err := v1.MoveTo(order.StatusAwaitingShipment, baseTime.Add(time.Minute))
	if err != nil {
		t.Fatal(err)
	}
	mustSave(t, s, v2, b)
	if got := mustGet(t, s, v1.ID); !equalOrders(got, v2) {
		t.Fatalf("after update GetOrder = %+v\nwant %+v", got, v2)
	}

	stale, _ := v1.MoveTo(order.StatusTerminated, baseTime.Add(2*time.Minute)) // computed from v1
	wantCode(t, "stale write", s.SaveOrder(context.Background(), stale, b), order.CodeConflict)
	skip := v2
	skip.Version = 4
	wantCode(t, "version skip", s.SaveOrder(context.Background(), skip, b), order.CodeConflict)
	missing := Order(t, "o-never-created", b)
	missing.Version = 2
	wantCode(t, "update of missing order", s.SaveOrder(context.Background(), missing, b), order.CodeConflict)
	if got := mustGet(t, s, v1.ID); !equalOrders(got, v2) {
		t.Fatalf("refused writes changed the order: %+v", got)
	}
}

func testConflictWritesNothing(t *testing.T, h Harness) {
	s := h.Open(t)
	b := Buyer("buyer-atomic")
	o := Order(t, "o-atomic", b)
	mustSave(t, s, o, b)
	changed := b
	changed.Email, changed.Locale = "new@example.com", "en-US"
	wantCode(t, "conflicting create", s.SaveOrder(context.Background(), o, changed), order.CodeConflict)
	if got, _ := s.GetBuyer(context.Background(), b.ID); !reflect.DeepEqual(got, b) {
		t.Fatalf("buyer changed by a refused write: %+v", got)
	}
}

func testBuyerShared(t *testing.T, h Harness) {
	s := h.Open(t)
	b := Buyer("buyer-shared")
	mustSave(t, s, Order(t, "o-a", b), b)
	moved := b
	moved.Email, moved.TimeZone, moved.Country = "ana@example.org", "Europe/Lisbon", "PT"
	mustSave(t, s, Order(t, "o-b", moved), moved)
	if got, _ := s.GetBuyer(context.Background(), b.ID); !reflect.DeepEqual(got, moved) {
		t.Fatalf("GetBuyer = %+v, want the latest contact details %+v", got, moved)
	}
	if mustGet(t, s, "o-a").BuyerID != b.ID || mustGet(t, s, "o-b").BuyerID != b.ID {
		t.Fatal("orders lost their buyer id")
	}
}

// testConcurrentWriters runs read-modify-write loops from many goroutines on one order; with
// optimistic locking every increment must survive.
func testConcurrentWriters(t *testing.T, h Harness) {
	s := h.Open(t)
	b := Buyer("buyer-1")
	o := Order(t, "o-hot", b)
	o.AmountMinor = 1000
	mustSave(t, s, o, b)

	const writers, perWriter = 8, 5
	ctx := context.Background()
	var wg sync.WaitGroup
	errs := make(chan error, writers)
	for w := 0; w < writers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < perWriter; i++ {
				if err := increment(ctx, s, o.ID, b); err != nil {
					errs <- err
					return
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	got := mustGet(t, s, o.ID)
	if got.AmountMinor != 1000+writers*perWriter || got.Version != 1+writers*perWriter {
		t.Fatalf("after %d increments: amount %d version %d, want %d and %d (lost updates)",
			writers*perWriter, got.AmountMinor, got.Version, 1000+writers*perWriter, 1+writers*perWriter)
	}
}

func increment(ctx context.Context, s store.Store, id string, b order.Buyer) error {
	for attempt := 0; attempt < 1000; attempt++ {
		cur, err := s.GetOrder(ctx, id)
		if err != nil {
			return err
		}
		next := cur
		next.AmountMinor++
		next.Version++
		err = s.SaveOrder(ctx, next, b)
		if order.ErrorCode(err) == order.CodeConflict {
			continue
		}
		return err
	}
	return fmt.Errorf("increment %s: too many conflicts", id)
}

func testConcurrentCreators(t *testing.T, h Harness) {
	s := h.Open(t)
	b := Buyer("buyer-1")
	const creators = 8
	results := make(chan error, creators)
	for i := 0; i < creators; i++ {
		o := Order(t, "o-race", b)
		o.AmountMinor = int64(100 + i)
		go func() { results <- s.SaveOrder(context.Background(), o, b) }()
	}
	won := 0
	for i := 0; i < creators; i++ {
		switch err := <-results; order.ErrorCode(err) {
		case "":
			won++
		case order.CodeConflict:
		default:
			t.Fatalf("creator failed: %v", err)
		}
	}
	if won != 1 {
		t.Fatalf("%d creators won, want exactly 1", won)
	}
}

func testReopen(t *testing.T, h Harness) {
	s := h.Open(t)
	b := Buyer("buyer-1")
	o := Order(t, "o-durable", b)
	mustSave(t, s, o, b)
	s = h.Reopen(t, s)
	if got := mustGet(t, s, o.ID); !equalOrders(got, o) {
		t.Fatalf("after reopen GetOrder = %+v\nwant %+v", got, o)
	}
	if got, err := s.GetBuyer(context.Background(), b.ID); err != nil || !reflect.DeepEqual(got, b) {
		t.Fatalf("after reopen GetBuyer = %+v, %v", got, err)
	}
}
