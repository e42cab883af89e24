package storetest

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/orderwire/orderwire/internal/order"
	"github.com/orderwire/orderwire/internal/store"
)

func runAttentionList(t *testing.T, h Harness) {
	t.Run("AttentionMostUrgentFirst", func(t *testing.T) { testAttentionOrder(t, h) })
	t.Run("AttentionUnshippedSettingAtQueryTime", func(t *testing.T) { testAttentionSetting(t, h) })
	t.Run("AttentionOrderLeavesWhenResolved", func(t *testing.T) { testAttentionMoves(t, h) })
	t.Run("AttentionMessageProblems", func(t *testing.T) { testAttentionMessages(t, h) })
}

// The attention fixtures' clock: Now is ten days after baseTime.
var attentionNow = baseTime.Add(10 * 24 * time.Hour)

// paidAt makes o paid by one Stripe payment at t (its ledger, as PaymentChange keeps it).
func paidAt(t time.Time) func(*order.Order) {
	return func(o *order.Order) {
		o.Status, o.PaymentStatus, o.PaidMinor = order.StatusAwaitingShipment, order.PaymentPaid, o.AmountMinor
		o.Ledger = append(o.Ledger, order.LedgerEntry{Source: "stripe", EventID: "pay-" + o.ID,
			Kind: order.KindPaymentSucceeded, OccurredAt: t.UTC(), AmountMinor: o.AmountMinor, Currency: o.Currency})
	}
}

func withParcel(status order.ShipmentStatus, at time.Time) func(*order.Order) {
	return func(o *order.Order) {
		o.Status = order.StatusShipped
		o.Shipments = []order.Shipment{{Carrier: "cainiao", TrackingNumber: "LP" + fmt.Sprint(at.Unix()),
			Service: order.ServicePostal, ShippedAt: baseTime, Status: status, StatusAt: at.UTC()}}
	}
}

func withDispute(status string, respondBy time.Time) func(*order.Order) {
	return func(o *order.Order) {
		o.Dispute = order.DisputeOpen
		o.Disputes = []order.Dispute{{ID: "dp_" + o.ID, Provider: "stripe", Status: status, Reason: "fraudulent",
			AmountMinor: o.AmountMinor, Currency: o.Currency, OpenedAt: baseTime, RespondBy: respondBy.UTC(), UpdatedAt: baseTime}}
	}
}

func all(fs ...func(*order.Order)) func(*order.Order) {
	return func(o *order.Order) {
		for _, f := range fs {
			f(o)
		}
	}
}

// saveAttentionFixtures stores one order of each attention kind and some that need none.
func saveAttentionFixtures(t testing.TB, s store.Store) {
	t.Helper()
	day := 24 * time.Hour
	at := func(i int) time.Time { return baseTime.Add(time.Duration(i) * time.Minute) }
	saveListed(t, s, "o-at-dispute-late", "buyer-at-1", at(1), all(paidAt(baseTime), withParcel(order.ShipmentInTransit, baseTime),
		withDispute(order.DisputeNeedsResponse, attentionNow.Add(5*day))))
	saveListed(t, s, "o-at-dispute-soon", "buyer-at-2", at(2), all(paidAt(baseTime),
		withDispute(order.DisputeNeedsResponse, attentionNow.Add(2*day)))) // and unshipped
	saveListed(t, s, "o-at-unshipped", "buyer-at-1", at(3), paidAt(baseTime.Add(time.Hour)))
	saveListed(t, s, "o-at-parcel", "buyer-at-2", at(4), all(paidAt(baseTime), withParcel(order.ShipmentException, baseTime.Add(2*time.Hour))))
	saveListed(t, s, "o-at-refund", "buyer-at-1", at(5), func(o *order.Order) {
		paidAt(baseTime.Add(30 * time.Minute))(o)
		o.Status = order.StatusTerminated
	})
	saveListed(t, s, "o-at-recent", "buyer-at-2", at(6), paidAt(attentionNow.Add(-day)))
	saveListed(t, s, "o-at-calm", "buyer-at-1", at(7), all(paidAt(baseTime), withParcel(order.ShipmentDelivered, baseTime)))
	saveListed(t, s, "o-at-answered", "buyer-at-2", at(8), all(paidAt(baseTime), withParcel(order.ShipmentInTransit, baseTime),
		withDispute(order.DisputeUnderReview, attentionNow.Add(day))))
	saveListed(t, s, "o-at-pending", "buyer-at-1", at(9), nil)
}

func testAttentionOrder(t *testing.T, h Harness) {
	s := h.Open(t)
	saveAttentionFixtures(t, s)
	q := func(attention string, limit int) store.OrderQuery {
		return store.OrderQuery{Attention: attention, Now: attentionNow, Limit: limit}
	}
	everything := []string{"o-at-dispute-soon", "o-at-dispute-late", "o-at-refund", "o-at-unshipped", "o-at-parcel"}
	for _, limit := range []int{1, 2, 3, 5, 0} {
		wantList(t, fmt.Sprintf("any, limit %d", limit), listAll(t, s, q("any", limit)), everything)
	}
	for kind, want := range map[string][]string{
		order.AttentionDispute:   {"o-at-dispute-soon", "o-at-dispute-late"},
		order.AttentionUnshipped: {"o-at-dispute-soon", "o-at-unshipped"}, // paid at baseTime, then +1h
		order.AttentionParcel:    {"o-at-parcel"},
		order.AttentionRefund:    {"o-at-refund"},
		order.AttentionMessage:   nil,
	} {
		wantList(t, kind, listAll(t, s, q(kind, 1)), want)
	}
	shipped := q("any", 2)
	shipped.Status = order.StatusShipped
	wantList(t, "any, shipped", listAll(t, s, shipped), []string{"o-at-dispute-late", "o-at-parcel"})
	buyer := q("any", 1)
	buyer.BuyerID = "buyer-at-1"
	wantList(t, "any, buyer 1", listAll(t, s, buyer), []string{"o-at-dispute-late", "o-at-refund", "o-at-unshipped"})
	since := q(order.AttentionUnshipped, 1)
	since.UpdatedSince = baseTime.Add(3 * time.Minute)
	wantList(t, "unshipped, updated since", listAll(t, s, since), []string{"o-at-unshipped"})
}

// testAttentionSetting: the unshipped setting is the query's, not the write's.
func testAttentionSetting(t *testing.T, h Harness) {
	s := h.Open(t)
	saveAttentionFixtures(t, s)
	q := store.OrderQuery{Attention: order.AttentionUnshipped, Now: attentionNow}
	wantList(t, "default 3 days", listAll(t, s, q), []string{"o-at-dispute-soon", "o-at-unshipped"})
	q.UnshippedAfter = 12 * time.Hour
	wantList(t, "12 hours", listAll(t, s, q), []string{"o-at-dispute-soon", "o-at-unshipped", "o-at-recent"})
	q.UnshippedAfter, q.Now = 0, attentionNow.Add(2*24*time.Hour)
	wantList(t, "default, two days later", listAll(t, s, q), []string{"o-at-dispute-soon", "o-at-unshipped", "o-at-recent"})
	q.Now = baseTime.Add(3*24*time.Hour + 30*time.Minute) // o-at-unshipped was paid at +1h
	wantList(t, "right after the first payment's 3 days", listAll(t, s, q), []string{"o-at-dispute-soon"})
	any := store.OrderQuery{Attention: "any", Now: attentionNow, UnshippedAfter: 12 * time.Hour, Limit: 2}
	wantList(t, "any, 12 hours", listAll(t, s, any),
		[]string{"o-at-dispute-soon", "o-at-dispute-late", "o-at-refund", "o-at-unshipped", "o-at-parcel", "o-at-recent"})
}

// testAttentionMoves: an order resolved leaves the attention partitions it was in.
func testAttentionMoves(t *testing.T, h Harness) {
	s := h.Open(t)
	saveAttentionFixtures(t, s)
	later := baseTime.Add(time.Hour)
	changeListed(t, s, "o-at-unshipped", later, withParcel(order.ShipmentInTransit, later))
	changeListed(t, s, "o-at-parcel", later.Add(time.Minute), func(o *order.Order) {
		o.Shipments[0].Status, o.Status = order.ShipmentDelivered, order.StatusDelivered
	})
	changeListed(t, s, "o-at-dispute-soon", later.Add(2*time.Minute), func(o *order.Order) {
		o.Disputes[0].Status, o.Dispute = order.DisputeWon, order.DisputeWon
	})
	changeListed(t, s, "o-at-calm", later.Add(3*time.Minute), withDispute(order.DisputeNeedsResponse, attentionNow.Add(time.Hour)))
	q := store.OrderQuery{Attention: "any", Now: attentionNow}
	wantList(t, "any after the changes", listAll(t, s, q), []string{"o-at-calm", "o-at-dispute-late", "o-at-dispute-soon", "o-at-refund"}) // soon: unshipped since baseTime
	q.Attention = order.AttentionUnshipped
	wantList(t, "unshipped after the changes", listAll(t, s, q), []string{"o-at-dispute-soon"})
	q.Attention = order.AttentionParcel
	wantList(t, "parcel after the changes", listAll(t, s, q), nil)
	q.Attention = order.AttentionDispute
	wantList(t, "disputes after the changes", listAll(t, s, q), []string{"o-at-calm", "o-at-dispute-late"})
}

// testAttentionMessages: a buyer message that failed, or whose fate is unknown, puts its
// order on the list (oldest problem first) until the row's outcome is known and fine.
func testAttentionMessages(t *testing.T, h Harness) {
	s := h.Open(t)
	ctx := context.Background()
	_, failed := paidWithRow(t, s, "o-msg-failed")
	_, lapsed := paidWithRow(t, s, "o-msg-lapsed")
	paidWithRow(t, s, "o-msg-fine")
	now := failed.CreatedAt.Add(time.Second)
	claim := func(n order.Notification) order.Notification {
		t.Helper()
		c, err := s.ClaimNotification(ctx, n.Ref(), "notifier-a", now, time.Minute)
		if err != nil {
			t.Fatalf("ClaimNotification(%s): %v", n.Ref(), err)
		}
		return c
	}
	lapsedClaim := claim(lapsed)
	done := claim(failed)
	done.Status, done.Reason, done.UpdatedAt = order.NotificationFailed, "mailbox does not exist", now.Add(2*time.Minute)
	if err := s.FinishNotification(ctx, done); err != nil {
		t.Fatal(err)
	}
	if err := s.ExpireNotification(ctx, lapsed.Ref(), now.Add(time.Minute), "lease lapsed"); err != nil {
		t.Fatal(err)
	}
	q := store.OrderQuery{Attention: order.AttentionMessage, Now: now.Add(time.Hour), Limit: 1}
	wantList(t, "message problems", listAll(t, s, q), []string{"o-msg-lapsed", "o-msg-failed"})
	q.Attention = "any"
	wantList(t, "any", listAll(t, s, q), []string{"o-msg-lapsed", "o-msg-failed"})
	// Four days on, the three are paid and unshipped too: listed once each, at that item
	// (paid at the same time: by id).
	q.Now = now.Add(4 * 24 * time.Hour)
	wantList(t, "any, later", listAll(t, s, q), []string{"o-msg-failed", "o-msg-fine", "o-msg-lapsed"})
	q.Attention = order.AttentionMessage
	wantList(t, "message problems, later", listAll(t, s, q), []string{"o-msg-lapsed", "o-msg-failed"})
	// The lapsed claim's true outcome arrives: sent. Only the failed row is left.
	lapsedClaim.Status, lapsedClaim.UpdatedAt = order.NotificationSent, now.Add(3*time.Minute)
	if err := s.FinishNotification(ctx, lapsedClaim); err != nil {
		t.Fatal(err)
	}
	wantList(t, "message problems after the outcome", listAll(t, s, q), []string{"o-msg-failed"})
}
