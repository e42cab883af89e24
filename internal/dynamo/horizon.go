package dynamo

import (
	"context"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/orderwire/orderwire/internal/order"
	"github.com/orderwire/orderwire/internal/store"
)

// horizon decides order id's expiry for this transaction's items: until (unix seconds) or
// held; known is false when the order does not exist. It rewrites the older items first
// when the horizon moves later or a hold starts; put is the RETAIN item to write with the
// transaction; post, when set, releases a hold after it.
func (s *Store) horizon(ctx context.Context, r store.Retention, id string, w *orderWrites) (until int64, held, known bool, post func(context.Context) error, put *types.TransactWriteItem, err error) {
	h, err := s.readHorizon(ctx, id, w)
	if err != nil || h.meta == nil {
		return 0, false, false, nil, nil, err
	}
	o := h.meta.Order()
	parts := evidencePartitions(o)
	want := quantize(r.EvidenceExpiry(w.last))
	if h.haveRetain && h.cur.Until > want {
		want = h.cur.Until
	}
	switch {
	case store.EvidenceHeld(o):
		if !h.haveRetain || !h.cur.Held || w.force {
			if err := s.rewrite(ctx, parts, 0); err != nil {
				return 0, false, false, nil, nil, err
			}
			if h.hold != nil {
				if err := s.holdExpiry(ctx, *h.hold, 0); err != nil {
					return 0, false, false, nil, nil, err
				}
			}
		}
		put, err = s.retainPut(h, retainItem{PK: orderPK(id), SK: retainSK, Type: "retention", Until: want, Held: true})
		return want, true, true, nil, put, err
	case h.haveRetain && h.cur.Held: // the hold ends with this write: release after it
		post = func(ctx context.Context) error {
			if err := s.rewrite(ctx, parts, want); err != nil {
				return err
			}
			if err := s.clampHeld(ctx, h, o); err != nil {
				return err
			}
			p, err := s.retainPut(h, retainItem{PK: orderPK(id), SK: retainSK, Type: "retention", Until: want})
			if err != nil {
				return err
			}
			_, err = s.api.PutItem(ctx, &dynamodb.PutItemInput{TableName: &s.table, Item: p.Put.Item})
			return err
		}
		return want, false, true, post, nil, nil
	case h.haveRetain && h.cur.Until >= want && !w.force && h.cur.HoldUntil == h.holdUntil:
		return h.cur.Until, false, true, nil, nil, nil
	default: // first write, a later horizon, or a parked event filed: extend first
		if err := s.rewrite(ctx, parts, want); err != nil {
			return 0, false, false, nil, nil, err
		}
		if err := s.clampHeld(ctx, h, o); err != nil {
			return 0, false, false, nil, nil, err
		}
		put, err = s.retainPut(h, retainItem{PK: orderPK(id), SK: retainSK, Type: "retention", Until: want})
		return want, false, true, nil, put, err
	}
}

// horizonState is what horizon reads of an order before deciding: its RETAIN item, its
// record (the transaction's own when it writes one; nil when the order does not exist) and
// an erasure's hold of its evidence.
type horizonState struct {
	cur        retainItem
	haveRetain bool
	meta       *store.OrderRecord
	hold       *store.HoldRecord
	holdUntil  int64 // what RETAIN's hold_until says from this write on
}

// readHorizon reads order id's RETAIN item, record and hold in one batch; it records the
// hold's end in w.hold.
func (s *Store) readHorizon(ctx context.Context, id string, w *orderWrites) (horizonState, error) {
	h := horizonState{meta: w.meta}
	got, err := s.batchGet(ctx, []map[string]types.AttributeValue{itemKey(orderPK(id), retainSK), itemKey(orderPK(id), metaSK), holdKey(id)})
	if err != nil {
		return h, err
	}
	if h.hold, err = readHold(got); err != nil {
		return h, err
	}
	if h.hold != nil {
		h.holdUntil = h.hold.EvidenceHoldUntil.Unix()
		w.hold = h.holdUntil
	}
	for _, it := range got {
		switch str(it["SK"]) {
		case retainSK:
			if err := unmarshalMap(it, &h.cur); err != nil {
				return h, err
			}
			h.haveRetain = true
		case metaSK:
			if h.meta == nil {
				var rec store.OrderRecord
				if err := unmarshalMap(it, &rec); err != nil {
					return h, err
				}
				h.meta = &rec
			}
		}
	}
	return h, nil
}

// clampHeld applies an erasure's hold, if any: its end bounds the expiry of o's raw
// evidence and of the hold itself.
func (s *Store) clampHeld(ctx context.Context, h horizonState, o order.Order) error {
	if h.hold == nil {
		return nil
	}
	if err := s.clampRaw(ctx, rawParts(o), h.holdUntil, false); err != nil {
		return err
	}
	return s.holdExpiry(ctx, *h.hold, h.holdUntil)
}

// retainPut is the unconditional Put of RETAIN item it, carrying the hold's end.
func (s *Store) retainPut(h horizonState, it retainItem) (*types.TransactWriteItem, error) {
	it.HoldUntil = h.holdUntil
	p, err := s.put(it, "", nil)
	return &p, err
}
