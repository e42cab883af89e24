package storetest

import (
	"context"
	"encoding/base64"
	"fmt"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/orderwire/orderwire/internal/order"
	"github.com/orderwire/orderwire/internal/store"
)

func runOrderList(t *testing.T, h Harness) {
	t.Run("ListNewestFirstPaged", func(t *testing.T) { testListPaged(t, h) })
	t.Run("ListFilters", func(t *testing.T) { testListFilters(t, h) })
	t.Run("ListOrderMovesBetweenPartitions", func(t *testing.T) { testListMoves(t, h) })
	t.Run("ListBadInput", func(t *testing.T) { testListBadInput(t, h) })
	runAttentionList(t, h)
}

// saveListed stores a new order id for buyer buyerID updated at updated, changed by set
// before it is saved (status, payment facts, parcels...).
func saveListed(t testing.TB, s store.Store, id, buyerID string, updated time.Time, set func(*order.Order)) order.Order {
	t.Helper()
	b := Buyer(buyerID)
	o := Order(t, id, b)
	if set != nil {
		set(&o)
	}
	o.UpdatedAt = updated.UTC()
	mustSave(t, s, o, b)
	return o
}

// changeListed stores the next version of order id, changed by set, updated at updated.
func changeListed(t testing.TB, s store.Store, id string, updated time.Time, set func(*order.Order)) order.Order {
	t.Helper()
	o := mustGet(t, s, id)
	set(&o)
	o.Version++
	o.UpdatedAt = updated.UTC()
	mustSave(t, s, o, Buyer(o.BuyerID))
	return o
}

// listAll reads every page of q (limit per page), checking each page's size, that no order
// comes twice and that the last page, and only it, has no Next. It returns the ids in order.
func listAll(t testing.TB, s store.Store, q store.OrderQuery) []string {
	t.Helper()
	var ids []string
	seen := map[string]bool{}
	for pages := 0; ; pages++ {
		if pages > 100 {
			t.Fatalf("ListOrders(%+v): more than 100 pages", q)
		}
		page, err := s.ListOrders(context.Background(), q)
		if err != nil {
			t.Fatalf("ListOrders(%+v): %v", q, err)
		}
		limit := q.Limit
		if limit == 0 {
			limit = store.DefaultOrderPage
		}
		if len(page.Orders) > limit || (page.Next != "" && len(page.Orders) != limit) {
			t.Fatalf("ListOrders(%+v): %d orders with next %q", q, len(page.Orders), page.Next)
		}
		for _, o := range page.Orders {
			if seen[o.ID] {
				t.Fatalf("ListOrders(%+v): %s listed twice (so far %v)", q, o.ID, ids)
			}
			seen[o.ID] = true
			ids = append(ids, o.ID)
		}
		if page.Next == "" {
			return ids
		}
		q.Cursor = page.Next
	}
}

func wantList(t testing.TB, what string, got, want []string) {
	t.Helper()
	if !slices.Equal(got, want) {
		t.Fatalf("%s: listed %v, want %v", what, got, want)
	}
}

// newestFirst sorts orders by UpdatedAt then id, descending, and returns their ids.
func newestFirst(os []order.Order) []string {
	os = slices.Clone(os)
	sort.Slice(os, func(i, j int) bool {
		if !os[i].UpdatedAt.Equal(os[j].UpdatedAt) {
			return os[i].UpdatedAt.After(os[j].UpdatedAt)
		}
		return os[i].ID > os[j].ID
	})
	ids := []string{}
	for _, o := range os {
		ids = append(ids, o.ID)
	}
	return ids
}

func testListPaged(t *testing.T, h Harness) {
	s := h.Open(t)
	if page, err := s.ListOrders(context.Background(), store.OrderQuery{}); err != nil || len(page.Orders) != 0 || page.Next != "" {
		t.Fatalf("empty store: %+v, %v", page, err)
	}
	var all []order.Order
	for i := range 9 {
		at := baseTime.Add(time.Duration(i%7) * time.Minute) // o-list-7 and o-list-8 tie with 0 and 1
		all = append(all, saveListed(t, s, fmt.Sprintf("o-list-%d", i), "buyer-list", at, nil))
	}
	want := newestFirst(all)
	for _, limit := range []int{1, 2, 3, 9, 10, 0} {
		wantList(t, fmt.Sprintf("limit %d", limit), listAll(t, s, store.OrderQuery{Limit: limit}), want)
	}
	page, err := s.ListOrders(context.Background(), store.OrderQuery{Limit: 4})
	if err != nil || len(page.Orders) != 4 || !equalOrders(page.Orders[0], mustGet(t, s, want[0])) {
		t.Fatalf("first page: %+v, %v; want the whole newest order %s first", page, err, want[0])
	}
	// The orders come whole: the list is what GetOrder reads.
	if got := page.Orders[0]; got.Currency != "BRL" || got.AmountMinor != 12990 {
		t.Fatalf("listed order %+v is not the stored one", got)
	}
}

func testListFilters(t *testing.T, h Harness) {
	s := h.Open(t)
	states := []struct {
		status order.Status
		pay    order.PaymentStatus
	}{
		{order.StatusPendingPayment, order.PaymentUnpaid}, {order.StatusPendingPayment, order.PaymentFailed},
		{order.StatusAwaitingShipment, order.PaymentPaid}, {order.StatusShipped, order.PaymentPaid},
		{order.StatusShipped, order.PaymentPartiallyRefunded}, {order.StatusRefunded, order.PaymentRefunded},
		{order.StatusTerminated, order.PaymentUnpaid},
	}
	var all []order.Order
	for i := range 21 {
		st := states[i%len(states)]
		buyer := fmt.Sprintf("buyer-f%d", i%3)
		all = append(all, saveListed(t, s, fmt.Sprintf("o-f%02d", i), buyer, baseTime.Add(time.Duration(i*7%21)*time.Hour),
			func(o *order.Order) { o.Status, o.PaymentStatus = st.status, st.pay }))
	}
	since := baseTime.Add(10 * time.Hour)
	for _, q := range []store.OrderQuery{
		{Status: order.StatusPendingPayment}, {Status: order.StatusShipped}, {Status: order.StatusDelivered},
		{PaymentStatus: order.PaymentPaid}, {PaymentStatus: order.PaymentUnpaid},
		{BuyerID: "buyer-f1"}, {BuyerID: "buyer-nobody"}, {UpdatedSince: since},
		{Status: order.StatusShipped, PaymentStatus: order.PaymentPaid},
		{Status: order.StatusPendingPayment, PaymentStatus: order.PaymentPaid},
		{BuyerID: "buyer-f2", Status: order.StatusPendingPayment},
		{BuyerID: "buyer-f0", UpdatedSince: since},
		{Status: order.StatusPendingPayment, UpdatedSince: since},
		{PaymentStatus: order.PaymentPaid, UpdatedSince: since, BuyerID: "buyer-f1"},
	} {
		var match []order.Order
		for _, o := range all {
			if (q.Status == "" || o.Status == q.Status) && (q.PaymentStatus == "" || o.PaymentStatus == q.PaymentStatus) &&
				(q.BuyerID == "" || o.BuyerID == q.BuyerID) && !o.UpdatedAt.Before(q.UpdatedSince) {
				match = append(match, o)
			}
		}
		for _, limit := range []int{2, 5} {
			q.Limit = limit
			wantList(t, fmt.Sprintf("%+v", q), listAll(t, s, q), newestFirst(match))
		}
	}
}

// testListMoves: an order leaves the partitions of its old status, payment status and
// place in time when it changes, and enters the new ones.
func testListMoves(t *testing.T, h Harness) {
	s := h.Open(t)
	saveListed(t, s, "o-mv-1", "buyer-mv", baseTime, nil)
	saveListed(t, s, "o-mv-2", "buyer-mv", baseTime.Add(time.Minute), nil)
	pending := store.OrderQuery{Status: order.StatusPendingPayment}
	wantList(t, "pending before", listAll(t, s, pending), []string{"o-mv-2", "o-mv-1"})
	changeListed(t, s, "o-mv-1", baseTime.Add(time.Hour), func(o *order.Order) {
		o.Status, o.PaymentStatus, o.PaidMinor = order.StatusAwaitingShipment, order.PaymentPaid, o.AmountMinor
	})
	wantList(t, "pending after", listAll(t, s, pending), []string{"o-mv-2"})
	wantList(t, "awaiting_shipment", listAll(t, s, store.OrderQuery{Status: order.StatusAwaitingShipment}), []string{"o-mv-1"})
	wantList(t, "paid", listAll(t, s, store.OrderQuery{PaymentStatus: order.PaymentPaid}), []string{"o-mv-1"})
	wantList(t, "unpaid", listAll(t, s, store.OrderQuery{PaymentStatus: order.PaymentUnpaid}), []string{"o-mv-2"})
	wantList(t, "all, newest first", listAll(t, s, store.OrderQuery{}), []string{"o-mv-1", "o-mv-2"})
	wantList(t, "buyer", listAll(t, s, store.OrderQuery{BuyerID: "buyer-mv", Limit: 1}), []string{"o-mv-1", "o-mv-2"})
}

func testListBadInput(t *testing.T, h Harness) {
	s := h.Open(t)
	ctx := context.Background()
	for i := range 3 {
		saveListed(t, s, fmt.Sprintf("o-bad-%d", i), "buyer-bad", baseTime.Add(time.Duration(i)*time.Minute), nil)
	}
	page, err := s.ListOrders(ctx, store.OrderQuery{Limit: 1})
	if err != nil || page.Next == "" {
		t.Fatalf("first page: %+v, %v", page, err)
	}
	attention, err := s.ListOrders(ctx, store.OrderQuery{Attention: "any", Limit: 1})
	if err != nil {
		t.Fatal(err)
	}
	raw, _ := base64.RawURLEncoding.DecodeString(page.Next)
	forged := base64.RawURLEncoding.EncodeToString([]byte(strings.Replace(string(raw), "o-bad", "o bad", 1)))
	for _, cursor := range []string{"!!!", "bm90IGEgY3Vyc29y", page.Next + "x", forged,
		base64.RawURLEncoding.EncodeToString([]byte("o1|a|0#2026-01-01T00:00:00.000000000Z#o-bad-1"))} {
		_, err := s.ListOrders(ctx, store.OrderQuery{Cursor: cursor})
		wantCode(t, "cursor "+cursor, err, order.CodeInvalid)
	}
	if attention.Next != "" { // an attention cursor is not one of the newest-first list
		_, err := s.ListOrders(ctx, store.OrderQuery{Cursor: attention.Next})
		wantCode(t, "attention cursor on the plain list", err, order.CodeInvalid)
	}
	_, err = s.ListOrders(ctx, store.OrderQuery{Attention: "any", Cursor: page.Next})
	wantCode(t, "plain cursor on the attention list", err, order.CodeInvalid)
	for _, q := range []store.OrderQuery{{Status: "lost"}, {PaymentStatus: "maybe"}, {Attention: "urgent"},
		{BuyerID: "no spaces"}, {Limit: -1}, {Limit: store.MaxOrderPage + 1}} {
		_, err := s.ListOrders(ctx, q)
		wantCode(t, fmt.Sprintf("%+v", q), err, order.CodeInvalid)
	}
	if page, err := s.ListOrders(ctx, store.OrderQuery{Limit: store.MaxOrderPage}); err != nil || len(page.Orders) != 3 {
		t.Fatalf("limit %d: %+v, %v", store.MaxOrderPage, page, err)
	}
}
