package store

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/orderwire/orderwire/internal/order"
)

// ListSource is what an adapter gives RunListOrders: reads of its list index partitions
// (see ListAllPK), of a buyer's orders, and of an order's outbox rows.
type ListSource interface {
	// ListIndex returns up to limit entries of index partition pk in sort key order
	// (descending when desc), each with its order: only sort keys strictly after after in
	// that order ("" = from the start) and not past bound (inclusive; "" = no bound). Fewer
	// than limit entries means the partition has no more. An entry whose order is gone is
	// left out.
	ListIndex(ctx context.Context, pk string, desc bool, after, bound string, limit int) ([]ListEntry, error)
	// ListBuyerOrders returns every order BuyerOrders lists for the buyer, in any order.
	ListBuyerOrders(ctx context.Context, buyerID string) ([]order.Order, error)
	// Notifications is Store.Notifications.
	Notifications(ctx context.Context, id string) ([]order.Notification, error)
}

// ListEntry is one entry of a list index partition: its sort key and its order.
type ListEntry struct {
	SK    string
	Order order.Order
}

// Validate reports every invalid field of q (CodeInvalid, snake_case names as in the API).
func (q OrderQuery) Validate() error {
	var fe order.FieldErrors
	if q.Status != "" && !q.Status.Valid() {
		fe.Add("status", "is not an order status")
	}
	if q.PaymentStatus != "" && !q.PaymentStatus.Valid() {
		fe.Add("payment_status", "is not a payment status")
	}
	if q.BuyerID != "" && !order.ValidID(q.BuyerID) {
		fe.Add("buyer_id", "must be 1-64 characters of A-Z a-z 0-9 . _ : -")
	}
	if q.Attention != "" && q.Attention != "any" && !order.AttentionKindValid(q.Attention) {
		fe.Add("attention", "must be any or one of "+strings.Join(order.AttentionKinds, ", "))
	}
	if q.Limit < 0 || q.Limit > MaxOrderPage {
		fe.Add("limit", fmt.Sprintf("must be between 1 and %d", MaxOrderPage))
	}
	if q.UnshippedAfter < 0 {
		fe.Add("unshipped_after", "must not be negative")
	}
	return fe.Err("store.OrderQuery.Validate")
}

// matches reports whether o passes q's filters other than Attention.
func (q OrderQuery) matches(o order.Order) bool {
	return (q.Status == "" || o.Status == q.Status) && (q.PaymentStatus == "" || o.PaymentStatus == q.PaymentStatus) &&
		(q.BuyerID == "" || o.BuyerID == q.BuyerID) && (q.UpdatedSince.IsZero() || !o.UpdatedAt.Before(q.UpdatedSince))
}

// RunListOrders is ListOrders over an adapter's ListSource, the same for every adapter. It
// reads one index partition, or for Attention one per kind asked for, merged:
//
//   - Attention set: AttentionPK of the kind (of every kind for "any"), forwards; the other
//     filters are checked on the orders read. AttentionUnshipped's partition is read only up
//     to Now-UnshippedAfter. With "any", an order is listed once, at its most urgent item;
//     a message problem ranks an order only when it has no other item.
//   - else BuyerID: the buyer's orders (BuyerPK partition), sorted here, other filters checked;
//   - else Status: ListStatusPK, backwards; PaymentStatus is then checked on the orders read;
//   - else PaymentStatus: ListPaymentPK; else ListAllPK.
//
// UpdatedSince bounds the newest-first partitions (no order older is read) and is a check
// for the others. Each partition is read limit+1 entries at a time (the extra one tells
// whether a next page exists; merged partitions start with their share of that and double
// it as they are used up); a check that fails reads further.
func RunListOrders(ctx context.Context, src ListSource, q OrderQuery) (OrderPage, error) {
	const op = "store.ListOrders"
	if err := q.Validate(); err != nil {
		return OrderPage{}, err
	}
	if q.Limit == 0 {
		q.Limit = DefaultOrderPage
	}
	if q.Now.IsZero() {
		q.Now = time.Now()
	}
	if q.UnshippedAfter == 0 {
		q.UnshippedAfter = order.DefaultUnshippedAfter
	}
	l := &lister{src: src, q: q, seen: map[string]bool{}}
	plan := planUpdated
	if q.Attention != "" {
		plan = planAttention
	}
	after, err := decodeCursor(q.Cursor, plan)
	if err != nil {
		return OrderPage{}, err
	}
	l.after = after
	streams, err := listStreams(ctx, src, q, after)
	if err != nil {
		return OrderPage{}, listError(op, err)
	}
	out, err := l.merge(ctx, streams)
	if err != nil {
		return OrderPage{}, listError(op, err)
	}
	page := OrderPage{}
	if len(out) > q.Limit {
		page.Next = encodeCursor(plan, out[q.Limit-1].rank)
		out = out[:q.Limit]
	}
	for _, r := range out {
		page.Orders = append(page.Orders, r.o)
	}
	return page, nil
}

// listStreams opens the index partitions q reads (see RunListOrders), each positioned after
// the cursor's sort key after.
func listStreams(ctx context.Context, src ListSource, q OrderQuery, after string) ([]*listStream, error) {
	var streams []*listStream
	since := ""
	if !q.UpdatedSince.IsZero() {
		since = SortableTime(q.UpdatedSince)
	}
	switch {
	case q.Attention != "":
		kinds := []string{q.Attention}
		if q.Attention == "any" {
			kinds = order.AttentionKinds
		}
		for _, k := range kinds {
			s := &listStream{kind: k, pk: AttentionPK(k), after: after}
			if k == order.AttentionUnshipped {
				cutoff := q.Now.Add(-q.UnshippedAfter)
				// "~" sorts after every id character: the bound takes every order paid at cutoff.
				s.bound = AttentionSK(order.AttentionItem{Kind: k, At: cutoff}, "~")
			}
			streams = append(streams, s)
		}
	case q.BuyerID != "":
		os, err := src.ListBuyerOrders(ctx, q.BuyerID)
		if err != nil {
			return nil, err
		}
		s := &listStream{desc: true, done: true}
		for _, o := range os {
			if sk := ListSK(o); (after == "" || sk < after) && sk >= since {
				s.buf = append(s.buf, ListEntry{SK: sk, Order: o})
			}
		}
		sort.Slice(s.buf, func(i, j int) bool { return s.buf[i].SK > s.buf[j].SK })
		streams = append(streams, s)
	default:
		pk := ListAllPK
		if q.Status != "" {
			pk = ListStatusPK(q.Status)
		} else if q.PaymentStatus != "" {
			pk = ListPaymentPK(q.PaymentStatus)
		}
		streams = append(streams, &listStream{pk: pk, desc: true, after: after, bound: since})
	}
	return streams, nil
}

// listError is err as it is when the adapter made it an *order.Error, else internal.
func listError(op string, err error) error {
	var oe *order.Error
	if errors.As(err, &oe) {
		return err
	}
	return order.Internal(op, err)
}

// listStream reads one index partition a batch at a time.
type listStream struct {
	kind         string // the attention kind, "" for the newest-first lists
	pk           string
	desc         bool
	after, bound string
	buf          []ListEntry
	done         bool
	batch        int // the size of the next read (0: the merge's first choice)
}

// fill reads the stream's next batch when its buffer is empty: up to want entries, or, when
// first, batch; each further read doubles the batch up to want.
func (s *listStream) fill(ctx context.Context, src ListSource, want int) error {
	if len(s.buf) > 0 || s.done {
		return nil
	}
	n := want
	if s.batch > 0 {
		n = min(s.batch, want)
		s.batch *= 2
	}
	got, err := src.ListIndex(ctx, s.pk, s.desc, s.after, s.bound, n)
	if err != nil {
		return err
	}
	s.buf, s.done = got, len(got) < n
	if len(got) > 0 {
		s.after = got[len(got)-1].SK
	}
	return nil
}

// rankOf is the rank an entry of s claims: its sort key, for a message problem row the
// order's part of it (MessageProblemSK).
func (s *listStream) rankOf(sk string) string {
	if s.kind != order.AttentionMessage {
		return sk
	}
	if i := strings.Index(sk, "#"+OutboxPrefix); i >= 0 {
		return sk[:i]
	}
	return sk
}

type ranked struct {
	rank string
	o    order.Order
}

type lister struct {
	src   ListSource
	q     OrderQuery
	after string
	seen  map[string]bool
}

// merge takes entries from the streams in rank order (ascending, or descending for the
// newest-first lists) until it holds limit+1 orders or every stream is exhausted.
func (l *lister) merge(ctx context.Context, streams []*listStream) ([]ranked, error) {
	var out []ranked
	want := l.q.Limit + 1
	if len(streams) > 1 {
		// Several partitions share the page: each starts with its share (and one more), so
		// that a page of disputes does not read a page of every other kind too.
		for _, s := range streams {
			s.batch = want/len(streams) + 1
		}
	}
	for len(out) < want {
		var best *listStream
		for _, s := range streams {
			if err := s.fill(ctx, l.src, want); err != nil {
				return nil, err
			}
			if len(s.buf) == 0 {
				continue
			}
			if best == nil {
				best = s
				continue
			}
			a, b := s.rankOf(s.buf[0].SK), best.rankOf(best.buf[0].SK)
			if (s.desc && a > b) || (!s.desc && a < b) {
				best = s
			}
		}
		if best == nil {
			break
		}
		e := best.buf[0]
		best.buf = best.buf[1:]
		rank, ok, err := l.accept(ctx, best, e)
		if err != nil {
			return nil, err
		}
		if ok && !l.seen[e.Order.ID] {
			l.seen[e.Order.ID] = true
			out = append(out, ranked{rank, e.Order})
		}
	}
	return out, nil
}

// accept decides whether entry e of stream s lists its order here, and at which rank: the
// order passes the filters, and its rank, computed afresh from the order (an index copy may
// lag it), is the entry's and comes after the cursor.
func (l *lister) accept(ctx context.Context, s *listStream, e ListEntry) (string, bool, error) {
	o := e.Order
	if !l.q.matches(o) {
		return "", false, nil
	}
	if s.kind == "" {
		rank := ListSK(o)
		return rank, rank == e.SK && (l.after == "" || rank < l.after), nil
	}
	items := order.Attention(o, l.q.Now, l.q.UnshippedAfter)
	var rank string
	if s.kind == order.AttentionMessage {
		if l.q.Attention == "any" && len(items) > 0 {
			return "", false, nil // listed at its other item
		}
		rows, err := l.src.Notifications(ctx, o.ID)
		if err != nil {
			return "", false, err
		}
		for _, n := range rows {
			if at, ok := order.MessageProblem(n); ok {
				if r := AttentionSK(order.AttentionItem{Kind: order.AttentionMessage, At: at}, o.ID); rank == "" || r < rank {
					rank = r
				}
			}
		}
	} else {
		for _, it := range items {
			r := AttentionSK(it, o.ID)
			switch {
			case l.q.Attention == "any":
				if rank == "" || r < rank {
					rank = r
				}
			case it.Kind == s.kind:
				rank = r
			}
		}
	}
	ok := rank != "" && rank == s.rankOf(e.SK) && (l.after == "" || rank > l.after)
	return rank, ok, nil
}
