package embedded_test

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/orderwire/orderwire/internal/order"
	"github.com/orderwire/orderwire/internal/store"
	"github.com/orderwire/orderwire/internal/store/storetest"
)

// TestScrubLeavesLiveDataAlone zeroes the free pages over and over while a writer churns
// (freeing pages) and a reader checks every order's evidence byte for byte: the scrub must
// never touch a page a reader or the live tree uses.
func TestScrubLeavesLiveDataAlone(t *testing.T) {
	s := MustOpen(t)
	ctx := context.Background()
	at := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	b := storetest.Buyer("buyer-scrub")
	body := func(id string) string { return fmt.Sprintf(`{"id":%q,"pad":"%0512d"}`, id, 0) }
	newOrder := func(id string) order.Order {
		o, err := order.New(id, order.Terms{Buyer: b, AmountMinor: 100, Currency: "EUR", PaymentDueAt: at.Add(time.Hour), CreatedAt: at}, at)
		if err != nil {
			t.Fatal(err)
		}
		return o
	}
	for i := 0; i < 40; i++ {
		id := fmt.Sprintf("o-%02d", i)
		if err := s.SaveOrder(ctx, newOrder(id), b); err != nil {
			t.Fatal(err)
		}
		ev := order.Event{Source: "stripe", EventID: "evt_" + id, Type: "x", Kind: order.KindPaymentSucceeded, OrderID: id,
			OccurredAt: at, ReceivedAt: at, AmountMinor: 100, Currency: "EUR"}
		if _, err := s.RecordEvent(ctx, ev, order.Evidence{Body: []byte(body(id))}); err != nil {
			t.Fatal(err)
		}
	}
	stop := make(chan struct{})
	errs := make(chan error, 2)
	var wg sync.WaitGroup
	wg.Add(2)
	go func() { // churn: rewrite other orders, freeing their old pages
		defer wg.Done()
		for i := 0; ; i++ {
			select {
			case <-stop:
				return
			default:
			}
			if err := s.SaveOrder(ctx, newOrder(fmt.Sprintf("churn-%05d", i)), b); err != nil {
				errs <- err
				return
			}
		}
	}()
	go func() {
		defer wg.Done()
		for {
			select {
			case <-stop:
				return
			default:
			}
			for i := 0; i < 40; i++ {
				id := fmt.Sprintf("o-%02d", i)
				err := s.EachEvidence(ctx, id, func(ev store.StoredEvidence) error {
					if string(ev.Body) != body(id) {
						return fmt.Errorf("evidence of %s read back as %q", id, ev.Body)
					}
					return nil
				})
				if err != nil {
					errs <- err
					return
				}
			}
		}
	}()
	scrubbed := 0
	for i := 0; i < 40; i++ {
		done, err := s.ScrubFreePages(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if done {
			scrubbed++
		}
	}
	close(stop)
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	if scrubbed == 0 {
		t.Fatal("no scrub ran: the test proves nothing")
	}
	t.Logf("%d of 40 scrubs ran (the others found a reader)", scrubbed)
}
