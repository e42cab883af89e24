package storetest

import (
	"bytes"
	"context"
	"encoding/base64"
	"strings"
	"testing"
	"time"

	"github.com/orderwire/orderwire/internal/order"
	"github.com/orderwire/orderwire/internal/store"
)

// The buyer erased by testErasure: contact details that appear nowhere else in the store.
var erased = order.Buyer{ID: "buyer-erase", Name: "Zelda Quixote-Marlowe", Email: "zelda.q.marlowe@example.net",
	Phone: "+5511987654321", Locale: "pt-BR", TimeZone: "America/Sao_Paulo", Country: "BR"}

func runErasure(t *testing.T, h Harness) {
	t.Run("ErasureUnknownBuyer", func(t *testing.T) {
		_, err := h.Open(t).EraseBuyer(context.Background(), "nobody", baseTime, store.DefaultDisputeWindow, 10)
		wantCode(t, "EraseBuyer(unknown)", err, order.CodeNotFound)
	})
	t.Run("Erasure", func(t *testing.T) { testErasure(t, h) })
	if h.Expire != nil {
		t.Run("ErasureHoldsEndByThemselves", func(t *testing.T) { testHoldsEnd(t, h) })
	}
}

// CountLeaks counts the occurrences of needle in dump, as it is and base64-encoded (as a
// JSON []byte value stores it), at each of the three alignments.
func CountLeaks(dump []byte, needle string) int {
	n := bytes.Count(dump, []byte(needle))
	for k := 0; k < 3; k++ {
		enc := base64.StdEncoding.EncodeToString(append(make([]byte, k), needle...))
		from, to := (8*k+5)/6, 8*(k+len(needle))/6 // the characters made of needle's bits only
		n += bytes.Count(dump, []byte(enc[from:to]))
	}
	return n
}

func namingEvidence(ev order.Event) order.Evidence {
	return order.Evidence{Body: []byte(`{"id":"` + ev.EventID + `","billing_details":{"name":"` + erased.Name +
		`","email":"` + erased.Email + `","phone":"` + erased.Phone + `"}}`),
		Headers: map[string]string{"Content-Type": "application/json"}}
}

func recordNaming(t testing.TB, s store.Store, ev order.Event) {
	t.Helper()
	if _, err := s.RecordEvent(context.Background(), ev, namingEvidence(ev)); err != nil {
		t.Fatalf("RecordEvent(%s): %v", ev.EventID, err)
	}
}

// leaks counts the buyer's contact details in everything h.Dump returns.
func leaks(t testing.TB, h Harness, s store.Store) int {
	dump := h.Dump(t, s)
	return CountLeaks(dump, erased.Email) + CountLeaks(dump, erased.Phone) + CountLeaks(dump, erased.Name)
}

func testErasure(t *testing.T, h Harness) {
	ctx := context.Background()
	s := h.Open(t)
	day := 24 * time.Hour
	// o-e1: paid long ago, with a message to the buyer still pending.
	o1 := Order(t, "o-e1", erased)
	mustSave(t, s, o1, erased)
	recordNaming(t, s, Event("stripe", "evt_e1", o1.ID, order.KindPaymentSucceeded, o1.AmountMinor, time.Minute))
	// ... and a parcel whose carrier update names the buyer (as AfterShip's emails/smses do).
	if err := Ship(t, s, o1.ID, "china-post", "RR000000005CN"); err != nil {
		t.Fatal(err)
	}
	tr := Track("aftership", "trk_e1", "RR000000005CN", "china-post", order.ShipmentInTransit, 2*time.Hour)
	if _, err := s.RecordTrackingEvent(ctx, tr, order.Evidence{Body: []byte(`{"msg":{"customer_name":"` + erased.Name +
		`","emails":["` + erased.Email + `"],"smses":["` + erased.Phone + `"]}}`)}); err != nil {
		t.Fatal(err)
	}
	// o-e2: paid, then a dispute that is still open at the first erasure.
	o2 := Order(t, "o-e2", erased)
	mustSave(t, s, o2, erased)
	recordNaming(t, s, Event("stripe", "evt_e2", o2.ID, order.KindPaymentSucceeded, o2.AmountMinor, time.Minute))
	opened := Event("stripe", "evt_e2d", o2.ID, order.KindDisputeOpened, o2.AmountMinor, 2*day)
	opened.DisputeID, opened.DisputeStatus = "du_e2", order.DisputeNeedsResponse
	recordNaming(t, s, opened)
	// o-e3: paid recently: inside its dispute window at the first erasure.
	o3 := Order(t, "o-e3", erased)
	mustSave(t, s, o3, erased)
	recordNaming(t, s, Event("stripe", "evt_e3", o3.ID, order.KindPaymentSucceeded, o3.AmountMinor, 190*day))
	// o-e4: its payment arrived before the order (parked), then was filed.
	recordNaming(t, s, Event("stripe", "evt_e4", "o-e4", order.KindPaymentSucceeded, o1.AmountMinor, time.Minute))
	o4 := Order(t, "o-e4", erased)
	mustSave(t, s, o4, erased)
	if n, err := s.ApplyParked(ctx, o4.ID, baseTime); err != nil || n != 1 {
		t.Fatalf("ApplyParked = %d, %v", n, err)
	}
	// Unfiled: one naming the buyer (an order nobody registered), one naming nobody.
	recordNaming(t, s, Event("stripe", "evt_lost", "o-never", order.KindPaymentSucceeded, 100, time.Minute))
	other := Event("stripe", "evt_other", "o-never2", order.KindPaymentSucceeded, 100, time.Minute)
	if _, err := s.RecordEvent(ctx, other, order.Evidence{Body: []byte(`{"id":"evt_other","keep":"kept-unrelated"}`)}); err != nil {
		t.Fatal(err)
	}
	if err := s.SetPreferences(ctx, erased.ID, order.Preferences{EmailOptOut: true, UpdatedAt: baseTime}); err != nil {
		t.Fatal(err)
	}
	if ids, err := s.BuyerOrders(ctx, erased.ID, "", 10); err != nil || strings.Join(ids, ",") != "o-e1,o-e2,o-e3,o-e4" {
		t.Fatalf("BuyerOrders = %v, %v", ids, err)
	}
	if ids, err := s.BuyerOrders(ctx, erased.ID, "o-e2", 1); err != nil || strings.Join(ids, ",") != "o-e3" {
		t.Fatalf("BuyerOrders after o-e2 = %v, %v", ids, err)
	}
	if leaks(t, h, s) == 0 {
		t.Fatal("the dump finds no contact detail before the erasure: the scan proves nothing")
	}

	now := baseTime.Add(200 * day)
	res, err := s.EraseBuyer(ctx, erased.ID, now, store.DefaultDisputeWindow, 2)
	if err != nil {
		t.Fatalf("EraseBuyer: %v", err)
	}
	if res.OrdersTouched != 4 || res.MessagesErased < 1 || res.EvidenceDeleted != 4 || !res.ContactErased {
		t.Fatalf("erasure = %+v, want 4 orders, messages, 4 evidence deleted (o-e1's payment and parcel, o-e4, the unfiled one)", res)
	}
	held := map[string]store.EvidenceHold{}
	for _, hd := range res.EvidenceHeld {
		held[hd.OrderID] = hd
	}
	if len(held) != 2 || !strings.Contains(held["o-e2"].Why, "du_e2") ||
		!held["o-e3"].Until.Equal(baseTime.Add(190*day+store.DefaultDisputeWindow)) {
		t.Fatalf("held = %+v", res.EvidenceHeld)
	}
	_, err = s.GetBuyer(ctx, erased.ID)
	wantCode(t, "GetBuyer after erasure", err, order.CodeNotFound)
	buyerRows := 0
	for _, id := range []string{o1.ID, o4.ID} {
		rows, err := s.Notifications(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range rows {
			if r.Kind.ForSeller() {
				continue
			}
			buyerRows++
			if r.Status != order.NotificationSkipped || r.Reason != store.ErasedReason {
				t.Fatalf("row %s after erasure: %s %q", r.Ref(), r.Status, r.Reason)
			}
		}
	}
	if buyerRows == 0 {
		t.Fatal("no buyer message rows to check")
	}
	if got := mustGet(t, s, o1.ID); got.BuyerID != erased.ID || got.PaidMinor != o1.AmountMinor || len(timeline(t, s, o1.ID)) == 0 {
		t.Fatalf("o-e1 lost its facts: %+v", got)
	}
	// What is left naming the buyer is exactly the held evidence.
	inHeld := 0
	for _, id := range []string{"o-e2", "o-e3"} {
		list, err := s.Evidence(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		for _, ev := range list {
			for _, n := range []string{erased.Email, erased.Phone, erased.Name} {
				inHeld += bytes.Count(ev.Body, []byte(n))
			}
		}
	}
	if got := leaks(t, h, s); got != inHeld || inHeld == 0 {
		t.Fatalf("after the erasure the dump has %d occurrences of the contact, the held evidence %d", got, inHeld)
	}
	if CountLeaks(h.Dump(t, s), "kept-unrelated") == 0 {
		t.Fatal("evidence of an unfiled event naming someone else was deleted")
	}

	// The dispute closes; once the windows have passed, a later run deletes the rest.
	closed := Event("stripe", "evt_e2c", o2.ID, order.KindDisputeClosed, o2.AmountMinor, 3*day)
	closed.DisputeID, closed.DisputeOutcome, closed.DisputeStatus = "du_e2", order.DisputeWon, order.DisputeWon
	mustRecord(t, s, closed)
	later := baseTime.Add(1000 * day)
	res, err = s.EraseBuyer(ctx, erased.ID, later, store.DefaultDisputeWindow, 2)
	if err != nil || len(res.EvidenceHeld) != 0 || res.EvidenceDeleted != 4 {
		t.Fatalf("later erasure = %+v, %v; want nothing held, 4 evidence deleted", res, err)
	}
	if got := leaks(t, h, s); got != 0 {
		t.Fatalf("after the holds ended the dump still has %d occurrences of the contact", got)
	}
	_, err = s.EraseBuyer(ctx, erased.ID, later, store.DefaultDisputeWindow, 2)
	wantCode(t, "EraseBuyer once all is gone", err, order.CodeNotFound)

	// The same id saved again is a new buyer.
	fresh := erased
	fresh.Name, fresh.Email = "New Person", "new.person@example.org"
	mustSave(t, s, Order(t, "o-e5", fresh), fresh)
	b, err := s.GetBuyer(ctx, erased.ID)
	if err != nil || b.Name != "New Person" || b.Preferences.EmailOptOut || b.Stats != (order.BuyerStats{}) {
		t.Fatalf("new buyer = %+v, %v", b, err)
	}
	if ids, err := s.BuyerOrders(ctx, erased.ID, "", 10); err != nil || strings.Join(ids, ",") != "o-e5" {
		t.Fatalf("BuyerOrders of the new buyer = %v, %v", ids, err)
	}
}
