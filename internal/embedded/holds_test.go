package embedded_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/orderwire/orderwire/internal/embedded"
	"github.com/orderwire/orderwire/internal/order"
	"github.com/orderwire/orderwire/internal/store"
	"github.com/orderwire/orderwire/internal/store/storetest"
)

// TestPurgeReleasesHoldsInBatches: 250 held orders (more than two purge transactions' worth),
// every 7th with an open dispute: the purge before the hold's end deletes nothing held; the
// purge after it releases every order without a dispute, across the batches, and keeps the
// disputed ones; a second purge changes nothing (idempotent).
func TestPurgeReleasesHoldsInBatches(t *testing.T) {
	const n = 250
	const email = "held.in.batches@example.net"
	ctx := context.Background()
	dir := t.TempDir()
	s := mustOpenDir(t, dir)
	start := time.Date(2025, 3, 1, 9, 0, 0, 0, time.UTC)
	b := storetest.Buyer("buyer-held-batches")
	b.Email = email
	disputed := 0
	for i := 0; i < n; i++ {
		id := fmt.Sprintf("o-h%03d", i)
		o, err := order.New(id, order.Terms{Buyer: b, AmountMinor: 100, Currency: "EUR",
			PaymentDueAt: start.Add(time.Hour), CreatedAt: start}, start)
		if err != nil {
			t.Fatal(err)
		}
		if err := s.SaveOrder(ctx, o, b); err != nil {
			t.Fatal(err)
		}
		ev := order.Event{Source: "stripe", EventID: "evt_" + id, Type: "payment_intent.succeeded",
			Kind: order.KindPaymentSucceeded, OrderID: id, OccurredAt: start.Add(time.Minute),
			ReceivedAt: start.Add(2 * time.Minute), AmountMinor: 100, Currency: "EUR"}
		if _, err := s.RecordEvent(ctx, ev, order.Evidence{Body: []byte(`{"receipt_email":"` + email + `"}`)}); err != nil {
			t.Fatal(err)
		}
		if i%7 == 0 {
			d := ev
			d.EventID, d.Type, d.Kind = "evt_d_"+id, "charge.dispute.created", order.KindDisputeOpened
			d.DisputeID, d.DisputeStatus = "du_"+id, order.DisputeNeedsResponse
			if _, err := s.RecordEvent(ctx, d, order.Evidence{Body: []byte(`{"id":"du_` + id + `"}`)}); err != nil {
				t.Fatal(err)
			}
			disputed++
		}
	}
	res, err := s.EraseBuyer(ctx, b.ID, start.Add(24*time.Hour), store.DefaultDisputeWindow, 100)
	if err != nil || len(res.EvidenceHeld) != n {
		t.Fatalf("erasure held %d of %d orders, %v", len(res.EvidenceHeld), n, err)
	}
	until := res.EvidenceHeld[0].Until

	evidence := func(undisputed int) {
		t.Helper()
		for i := 0; i < n; i++ {
			id := fmt.Sprintf("o-h%03d", i)
			list, err := s.Evidence(ctx, id)
			if err != nil {
				t.Fatal(err)
			}
			if want := map[bool]int{true: 2, false: undisputed}[i%7 == 0]; len(list) != want {
				t.Fatalf("%s keeps %d evidence, want %d", id, len(list), want)
			}
		}
	}
	// Before the hold's end the purge deletes the dedupe markers only (30 days old).
	if got, err := s.PurgeExpired(ctx, until.Add(-time.Hour)); err != nil || got != n+disputed {
		t.Fatalf("purge before the hold's end deleted %d items, %v; want the %d dedupe markers", got, err, n+disputed)
	}
	evidence(1)
	got, err := s.PurgeExpired(ctx, until.Add(time.Hour))
	if want := (n - disputed) * 3; err != nil || got != want {
		t.Fatalf("purge after the hold's end deleted %d items, %v; want %d (evidence and two hold items per undisputed order)", got, err, want)
	}
	evidence(0)
	if again, err := s.PurgeExpired(ctx, until.Add(2*time.Hour)); err != nil || again != 0 {
		t.Fatalf("a second purge deleted %d items, %v", again, err)
	}
	raw, err := os.ReadFile(filepath.Join(dir, embedded.FileName))
	if err != nil {
		t.Fatal(err)
	}
	if got, want := storetest.CountLeaks(raw, email), disputed; got != want {
		t.Fatalf("the file holds the email %d times, want %d (the disputed orders' evidence)", got, want)
	}
}
