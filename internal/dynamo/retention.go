package dynamo

import (
	"context"
	"errors"
	"strconv"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/orderwire/orderwire/internal/store"
)

// Retention on DynamoDB is TTL (TTLAttribute, expires_at, unix seconds), set on the items
// as they are written, by transactRetained, which every transaction writing timeline or
// evidence items goes through:
//
//   - an unfiled event's marker, parked copies and evidence, and the evidence waiting under
//     an order not registered yet: store.Retention.UnfiledExpiry of the event;
//   - an order's timeline (EVT#) and evidence (RAW#), and its parcels' carrier evidence
//     (TRACK#<number> RAW#): the order's horizon, kept in its RETAIN item. The horizon is
//     store.Retention.EvidenceExpiry of the order's last event rounded up to whole
//     store.RetentionSlack steps, so that a later event rewrites the older items' expiry
//     only when it moves the horizon to a later step (at most once a week of activity),
//     not on every event. Invariant: every such item of the order expires at or after the
//     horizon its RETAIN item states, or has no expiry.
//   - While the order has an open dispute (store.EvidenceHeld) none of them has an expiry
//     (RETAIN says held).
//
// Moving a horizon later, and holding, rewrite the older items BEFORE the transaction (a
// crash in between leaves them kept longer, never shorter); releasing a hold rewrites them
// AFTER it, and marks RETAIN released only then (a crash leaves them without expiry, and
// RETAIN still held, so the order's next write releases them again). DynamoDB deletes an
// expired item within about 48 hours (AWS: "Using time to live (TTL) in DynamoDB").

// retainSK is the sort key of an order's retention item.
const retainSK = "RETAIN"

// retainItem is an order's evidence horizon.
type retainItem struct {
	PK    string `dynamodbav:"PK"`
	SK    string `dynamodbav:"SK"`
	Type  string `dynamodbav:"item_type"`
	Until int64  `dynamodbav:"until"`          // unix seconds: no item of the order expires earlier
	Held  bool   `dynamodbav:"held,omitempty"` // an open dispute: the items have no expiry
	// HoldUntil (unix seconds) marks an order whose buyer was erased: its evidence expires no
	// later than its hold item says (holds.go); the mark sends every write to the slow path.
	HoldUntil int64 `dynamodbav:"hold_until,omitempty"`
}

// SetRetention sets the retention the store writes expiries for (zero fields: defaults).
// Call it before the first write.
func (s *Store) SetRetention(r store.Retention) { s.retention = r.WithDefaults() }

// quantize rounds t up to a whole number of store.RetentionSlack steps since the epoch.
func quantize(t time.Time) int64 {
	step := int64(store.RetentionSlack / time.Second)
	u := t.Unix()
	return (u + step - 1) / step * step
}

// orderWrites is what one transaction writes for one order's retention.
type orderWrites struct {
	meta  *store.OrderRecord // the order as the transaction writes it, if it does
	last  time.Time          // the latest event time among the written items
	puts  []int              // indexes of the Puts of its EVT#, RAW# (and carrier RAW#) items
	force bool               // the transaction files a parked event: its older evidence must be rewritten
	hold  int64              // the end of an erasure's hold of its evidence (holds.go), 0 if none
}

// transactRetained sends items as one TransactWriteItems with their expiries set (see
// above) and returns the SDK's error as it is (callers read its cancellation reasons by
// index: the RETAIN items come after theirs). The common case costs nothing more: the
// order's RETAIN item is written with the transaction on condition that it says the
// horizon this write wants (or is absent). When it does not (a later horizon step, a hold
// starting or ending, a parked event filed), and only then, the slow path reads it,
// rewrites the older items and sends the transaction again.
func (s *Store) transactRetained(ctx context.Context, items []types.TransactWriteItem) error {
	out, done, slow, err := s.retained(ctx, items, false)
	if err != nil {
		return err
	}
	if !slow {
		_, err = s.api.TransactWriteItems(ctx, &dynamodb.TransactWriteItemsInput{TransactItems: out})
		if err == nil {
			done(ctx)
		}
		if !retainCheckFailed(err, len(items)) {
			return err
		}
	}
	if out, done, _, err = s.retained(ctx, items, true); err != nil {
		return err
	}
	_, err = s.api.TransactWriteItems(ctx, &dynamodb.TransactWriteItemsInput{TransactItems: out})
	if err == nil {
		done(ctx)
	}
	return err
}

// retainCheckFailed reports whether err is a transaction cancelled only by the condition of
// a RETAIN item (indexes n and up).
func retainCheckFailed(err error, n int) bool {
	var canceled *types.TransactionCanceledException
	if !errors.As(err, &canceled) || len(canceled.CancellationReasons) <= n {
		return false
	}
	retain := false
	for i, r := range canceled.CancellationReasons {
		code := aws.ToString(r.Code)
		switch {
		case code == "" || code == "None":
		case i >= n && code == "ConditionalCheckFailed":
			retain = true
		default:
			return false
		}
	}
	return retain
}

// retained sets the expiry of the items of a transaction and returns the transaction to
// send (RETAIN items appended) and a function to call once it succeeded. Without slow it
// reads nothing: it asks for the slow path (slow true) when it already knows it is needed.
func (s *Store) retained(ctx context.Context, items []types.TransactWriteItem, slowPath bool) ([]types.TransactWriteItem, func(context.Context), bool, error) {
	r := s.retention.WithDefaults()
	items = append([]types.TransactWriteItem(nil), items...) // the Puts' maps are shared: see setExpiry
	tx, err := scanWrites(items, r)
	if err != nil {
		return nil, nil, false, err
	}
	var after []func(context.Context) error
	var extra []types.TransactWriteItem
	var orderUntil *int64 // the expiry of carrier evidence filed on an order in this transaction
	for id, w := range tx.orders {
		if len(w.puts) == 0 {
			continue
		}
		if tx.absent[id] { // the evidence of an event waiting for this order
			expireUnfiled(items, w.puts, r)
			continue
		}
		w.force = tx.filesParked
		var until int64
		var held, known bool
		var post func(context.Context) error
		var put *types.TransactWriteItem
		if !slowPath {
			if w.force || (w.meta != nil && store.EvidenceHeld(w.meta.Order())) {
				return nil, nil, true, nil
			}
			until, known = quantize(r.EvidenceExpiry(w.last)), true
			if put, err = s.fastRetain(id, until); err != nil {
				return nil, nil, false, err
			}
		} else if until, held, known, post, put, err = s.horizon(ctx, r, id, w); err != nil {
			return nil, nil, false, err
		}
		setOrderExpiry(items, r, w, until, held, known)
		if known {
			u := carrierExpiry(w, until, held)
			orderUntil = &u
		}
		if put != nil {
			extra = append(extra, *put)
		}
		if post != nil {
			after = append(after, post)
		}
	}
	setCarrierExpiry(items, r, tx.trackPuts, orderUntil)
	done := func(ctx context.Context) {
		for _, f := range after {
			_ = f(ctx) // a failed release leaves RETAIN held: the next write releases again
		}
	}
	return append(items, extra...), done, false, nil
}

// txWrites is what retained reads of a transaction's items before deciding expiries.
type txWrites struct {
	orders      map[string]*orderWrites // the writes of each order, by order id
	absent      map[string]bool         // orders the transaction requires to be absent (parking)
	trackPuts   []int                   // indexes of the carrier evidence Puts (TRACK#)
	filesParked bool                    // the transaction deletes a parked copy (PARK#)
}

// scanWrites groups items by order and sets the expiry of the unfiled items (dedupe
// records of unfiled events, their evidence and parked copies) as it goes.
func scanWrites(items []types.TransactWriteItem, r store.Retention) (txWrites, error) {
	tx := txWrites{orders: map[string]*orderWrites{}, absent: map[string]bool{}}
	target := func(id string) *orderWrites {
		if tx.orders[id] == nil {
			tx.orders[id] = &orderWrites{}
		}
		return tx.orders[id]
	}
	for i, it := range items {
		if it.Delete != nil && strings.HasPrefix(str(it.Delete.Key["PK"]), "PARK#") {
			tx.filesParked = true
		}
		if c := it.ConditionCheck; c != nil && str(c.Key["SK"]) == metaSK && aws.ToString(c.ConditionExpression) == "attribute_not_exists(PK)" {
			tx.absent[strings.TrimPrefix(str(c.Key["PK"]), "ORDER#")] = true
		}
		if it.Put == nil {
			continue
		}
		av := it.Put.Item
		pk, sk := str(av["PK"]), str(av["SK"])
		switch {
		case strings.HasPrefix(pk, "ORDER#") && sk == metaSK:
			var rec store.OrderRecord
			if err := unmarshalMap(av, &rec); err != nil {
				return tx, err
			}
			target(rec.ID).meta = &rec
		case strings.HasPrefix(pk, "ORDER#") && (strings.HasPrefix(sk, store.TimelinePrefix) || strings.HasPrefix(sk, store.EvidencePrefix)):
			w := target(strings.TrimPrefix(pk, "ORDER#"))
			w.puts = append(w.puts, i)
			w.last = later(w.last, itemTime(av, "received_at"), itemTime(av, "occurred_at"))
		case strings.HasPrefix(pk, "TRACK#") && strings.HasPrefix(sk, store.EvidencePrefix):
			tx.trackPuts = append(tx.trackPuts, i)
		case strings.HasPrefix(pk, "HOOK#") && sk == store.DedupeSK:
			var rec store.DedupeRecord
			if err := unmarshalMap(av, &rec); err != nil {
				return tx, err
			}
			if rec.Unfiled != nil {
				if u, ok := rec.Unfiled.Items(); ok {
					setExpiry(&items[i], r.UnfiledExpiry(u.ReceivedAt).Unix())
				}
			}
		case strings.HasPrefix(pk, "HOOK#"), strings.HasPrefix(pk, "PARK#"): // unfiled evidence, parked copies
			setExpiry(&items[i], r.UnfiledExpiry(itemTime(av, "received_at")).Unix())
		}
	}
	return tx, nil
}

// fastRetain is the fast path's RETAIN item of order id: written on condition that it is
// absent or already says until, without a hold.
func (s *Store) fastRetain(id string, until int64) (*types.TransactWriteItem, error) {
	p, err := s.put(retainItem{PK: orderPK(id), SK: retainSK, Type: "retention", Until: until},
		"attribute_not_exists(PK) OR (#until = :until AND attribute_not_exists(held) AND attribute_not_exists(hold_until))",
		map[string]types.AttributeValue{":until": &types.AttributeValueMemberN{Value: strconv.FormatInt(until, 10)}})
	if err != nil {
		return nil, err
	}
	p.Put.ExpressionAttributeNames = map[string]string{"#until": "until"}
	return &p, nil
}

// expireUnfiled gives the Puts at idx the expiry of unfiled evidence, counted from each
// one's receipt.
func expireUnfiled(items []types.TransactWriteItem, idx []int, r store.Retention) {
	for _, i := range idx {
		setExpiry(&items[i], r.UnfiledExpiry(itemTime(items[i].Put.Item, "received_at")).Unix())
	}
}

// setOrderExpiry sets the expiry of an order's Puts: unfiled when the order is not known,
// none while held, else until (evidence bounded by an erasure's hold).
func setOrderExpiry(items []types.TransactWriteItem, r store.Retention, w *orderWrites, until int64, held, known bool) {
	for _, i := range w.puts {
		switch {
		case !known: // no such order: the evidence of an event waiting for it
			setExpiry(&items[i], r.UnfiledExpiry(itemTime(items[i].Put.Item, "received_at")).Unix())
		case !held && w.hold > 0 && strings.HasPrefix(str(items[i].Put.Item["SK"]), store.EvidencePrefix):
			setExpiry(&items[i], min(until, w.hold))
		case !held:
			setExpiry(&items[i], until)
		}
	}
}

// carrierExpiry is the expiry of carrier evidence filed on a known order: 0 (none) while
// held, else until bounded by an erasure's hold.
func carrierExpiry(w *orderWrites, until int64, held bool) int64 {
	if held {
		return 0
	}
	if w.hold > 0 {
		return min(until, w.hold)
	}
	return until
}

// setCarrierExpiry sets the expiry of the carrier evidence Puts: unfiled when no order of
// the transaction files them (parked), orderUntil when it is set and not 0 (held).
func setCarrierExpiry(items []types.TransactWriteItem, r store.Retention, trackPuts []int, orderUntil *int64) {
	for _, i := range trackPuts {
		switch {
		case orderUntil == nil: // parked: no order files it yet
			setExpiry(&items[i], r.UnfiledExpiry(itemTime(items[i].Put.Item, "received_at")).Unix())
		case *orderUntil > 0:
			setExpiry(&items[i], *orderUntil)
		}
	}
}
