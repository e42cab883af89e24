package store

import (
	"bytes"
	"context"
	"time"

	"github.com/orderwire/orderwire/internal/order"
)

// Buyer erasure (DELETE /v1/buyers/{id}): the buyer's name, email and phone leave the store,
// the messages not yet sent to them are skipped, and the raw provider evidence of their
// orders is deleted unless a legal reason holds it (EvidenceHoldFor). Orders keep their facts
// under the buyer id.
//
// The work is bounded and resumable. RunErasure first marks the PROFILE item erasing (its
// contact stays, for the search of unfiled evidence, until the last step deletes the item),
// then takes the buyer's order index (BuyerOrderSK) page by page: each order is handled
// idempotently and its index item is deleted last, so a crash between pages leaves exactly
// the orders still to do, and running the erasure again finishes the job. Evidence held for
// a while is listed under BuyerHoldSK (and EvidenceHoldSK in the order's partition); each
// later run deletes what is no longer held, and the stores release it by themselves when the
// hold ends (holds.go: the embedded purge; DynamoDB TTL).

// DefaultDisputeWindow is how long after an order's last payment event its evidence is kept
// for a dispute (ORDERWIRE_DISPUTE_WINDOW_DAYS, default 180 days).
const DefaultDisputeWindow = 180 * 24 * time.Hour

// ErasedReason is the Reason of an outbox row skipped because its buyer was erased.
const ErasedReason = "buyer erased"

// Sort keys of the erasure's items.
const (
	// BuyerOrderPrefix starts the buyer's order index items (BUYER#<id> / ORDER#<order id>),
	// written by SaveOrder with every save of the order.
	BuyerOrderPrefix = "ORDER#"
	// BuyerHoldPrefix starts the items (BUYER#<id> / HOLD#<order id>) of the buyer's orders
	// whose evidence an erasure holds.
	BuyerHoldPrefix = "HOLD#"
	// EvidenceHoldSK is the item in an order's partition (ORDER#<id> / EVIDENCE_HOLD,
	// a HoldRecord) saying that the order's buyer was erased and its evidence is held until
	// EvidenceHoldUntil. Retention hook: a purge may delete the order's evidence (RAW# items
	// of the order and of its parcels) and this item once now is past EvidenceHoldUntil and
	// the order has no open dispute; the next erasure run of the buyer does the same.
	EvidenceHoldSK = "EVIDENCE_HOLD"
)

// BuyerOrderSK is the sort key of order orderID's item in its buyer's index.
func BuyerOrderSK(orderID string) string { return BuyerOrderPrefix + orderID }

// BuyerHoldSK is the sort key of order orderID's held-evidence item under its buyer.
func BuyerHoldSK(orderID string) string { return BuyerHoldPrefix + orderID }

// BuyerOrderRecord is an item of the buyer's order index.
type BuyerOrderRecord struct {
	OrderID string `json:"order_id"`
}

// HoldRecord is evidence held after an erasure: both the BuyerHoldSK and EvidenceHoldSK items.
type HoldRecord struct {
	OrderID           string    `json:"order_id"`
	BuyerID           string    `json:"buyer_id"`
	EvidenceHoldUntil time.Time `json:"evidence_hold_until"`
	Why               string    `json:"why"`
}

// Erasure is what one erasure run did, and what it holds.
type Erasure struct {
	BuyerID string `json:"buyer_id"`
	// ContactErased says that the PROFILE (name, email, phone, preferences, rating inputs,
	// email feedback) was deleted by this run or an earlier one.
	ContactErased bool `json:"contact_erased"`
	// OrdersTouched counts the orders this run handled (the index entries it consumed).
	OrdersTouched int `json:"orders_touched"`
	// MessagesErased counts the buyer messages not yet sent that will now never be (rows
	// skipped with ErasedReason); the rendered copies kept outside the store (the local
	// outbox file) are counted by the caller that erases them.
	MessagesErased int `json:"messages_erased"`
	// EvidenceDeleted counts the webhooks' evidence deleted: of the buyer's orders, and
	// unfiled events whose evidence names the buyer.
	EvidenceDeleted int `json:"evidence_deleted"`
	// EvidenceHeld lists the orders whose evidence is kept, until when and why.
	EvidenceHeld []EvidenceHold `json:"evidence_held"`
}

// EvidenceHold is one order's evidence kept after an erasure.
type EvidenceHold struct {
	OrderID string    `json:"order_id"`
	Until   time.Time `json:"until"`
	Why     string    `json:"why"`
}

// EvidenceHoldFor says whether o's evidence must be kept at now, and until when: while a
// dispute is open (needs_response or under_review; Until is then the window's end, and the
// hold lasts at least as long as the dispute), or until window after the order's last
// payment event (its creation when it has none).
func EvidenceHoldFor(o order.Order, now time.Time, window time.Duration) (EvidenceHold, bool) {
	last := o.CreatedAt
	for _, e := range o.Ledger {
		if e.OccurredAt.After(last) {
			last = e.OccurredAt
		}
	}
	h := EvidenceHold{OrderID: o.ID, Until: last.Add(window).UTC()}
	for _, d := range o.Disputes {
		if d.Status == order.DisputeNeedsResponse || d.Status == order.DisputeUnderReview {
			h.Why = "open dispute " + d.ID + " (" + d.Status + ")"
			return h, true
		}
	}
	if now.Before(h.Until) {
		h.Why = "dispute window after the last payment event"
		return h, true
	}
	return h, false
}

// ErasureSteps are an adapter's primitives for RunErasure. Each is idempotent.
type ErasureSteps interface {
	GetOrder(ctx context.Context, id string) (order.Order, error)
	Notifications(ctx context.Context, id string) ([]order.Notification, error)
	UnfiledEvents(ctx context.Context, after string, limit int) ([]UnfiledEvent, error)
	// BeginErasure marks the buyer's PROFILE erasing (GetBuyer then answers CodeNotFound)
	// and returns it as it is, found false when there is none.
	BeginErasure(ctx context.Context, buyerID string, now time.Time) (order.Buyer, bool, error)
	// ErasureIndex lists up to limit order ids of the buyer's items with sort key prefix
	// (BuyerOrderPrefix or BuyerHoldPrefix) after the order id after, in key order.
	ErasureIndex(ctx context.Context, buyerID, prefix, after string, limit int) ([]string, error)
	// SkipRow marks row ref skipped with ErasedReason if it is pending, and says if it did.
	SkipRow(ctx context.Context, ref order.NotificationRef, now time.Time) (bool, error)
	// DeleteEvidence deletes the evidence under partition pk that match accepts (every
	// part of it) and returns how many webhooks' evidence it deleted.
	DeleteEvidence(ctx context.Context, pk string, match func(StoredEvidence) bool) (int, error)
	// UnfiledEvidencePK is the partition holding unfiled event (source, eventID)'s evidence.
	UnfiledEvidencePK(ctx context.Context, source, eventID string) (string, bool, error)
	// PutHold writes both hold items of h; DropHold deletes them.
	PutHold(ctx context.Context, h HoldRecord) error
	DropHold(ctx context.Context, buyerID, orderID string) error
	// DropBuyerOrder deletes the buyer's index item of orderID.
	DropBuyerOrder(ctx context.Context, buyerID, orderID string) error
	// FinishErasure deletes the buyer's PROFILE.
	FinishErasure(ctx context.Context, buyerID string) error
}

// ErasureBatcher is implemented by adapters that can run the steps of one page of orders
// in one transaction (the embedded store: one fsync per page rather than several per
// order). InBatch calls fn with steps that read and write inside that transaction, and
// commits it when fn returns nil.
type ErasureBatcher interface {
	InBatch(ctx context.Context, fn func(ErasureSteps) error) error
}

// RunErasure erases buyer buyerID through steps, batch orders at a time (see the comment
// at the top of this file), and returns what it did. A buyer the store knows nothing about
// (no PROFILE, no indexed order, no held evidence) is CodeNotFound.
func RunErasure(ctx context.Context, steps ErasureSteps, buyerID string, now time.Time, window time.Duration, batch int) (Erasure, error) {
	const op = "store.RunErasure"
	if batch <= 0 {
		batch = 100
	}
	res := Erasure{BuyerID: buyerID, EvidenceHeld: []EvidenceHold{}}
	b, found, err := steps.BeginErasure(ctx, buyerID, now)
	if err != nil {
		return res, err
	}
	held, err := steps.ErasureIndex(ctx, buyerID, BuyerHoldPrefix, "", 1)
	if err != nil {
		return res, err
	}
	pending, err := steps.ErasureIndex(ctx, buyerID, BuyerOrderPrefix, "", 1)
	if err != nil {
		return res, err
	}
	if !found && len(held) == 0 && len(pending) == 0 {
		return res, order.Errorf(order.CodeNotFound, op, "no buyer %s", buyerID)
	}
	if err := eraseOrderPages(ctx, steps, buyerID, now, window, batch, &res); err != nil {
		return res, err
	}
	if err := releaseHolds(ctx, steps, buyerID, now, window, batch, &res); err != nil {
		return res, err
	}
	if found {
		if err := eraseUnfiled(ctx, steps, b, batch, &res); err != nil {
			return res, err
		}
		if err := steps.FinishErasure(ctx, buyerID); err != nil {
			return res, err
		}
	}
	res.ContactErased = true
	return res, nil
}

// eraseOrderPages erases the buyer's indexed orders, batch at a time (each page in one
// transaction when steps is an ErasureBatcher), adding to res; when a page fails, res is
// left as the pages before it made it.
func eraseOrderPages(ctx context.Context, steps ErasureSteps, buyerID string, now time.Time, window time.Duration, batch int, res *Erasure) error {
	for {
		ids, err := steps.ErasureIndex(ctx, buyerID, BuyerOrderPrefix, "", batch)
		if err != nil {
			return err
		}
		page := func(steps ErasureSteps) error {
			for _, id := range ids {
				if err := eraseOrder(ctx, steps, buyerID, id, now, window, res); err != nil {
					return err
				}
				if err := steps.DropBuyerOrder(ctx, buyerID, id); err != nil {
					return err
				}
				res.OrdersTouched++
			}
			return nil
		}
		saved := *res
		saved.EvidenceHeld = append([]EvidenceHold(nil), res.EvidenceHeld...)
		if b, ok := steps.(ErasureBatcher); ok {
			err = b.InBatch(ctx, page)
		} else {
			err = page(steps)
		}
		if err != nil {
			*res = saved
			return err
		}
		if len(ids) < batch {
			return nil
		}
	}
}

// eraseOrder skips the order's pending buyer messages and deletes its evidence, or holds it.
func eraseOrder(ctx context.Context, steps ErasureSteps, buyerID, id string, now time.Time, window time.Duration, res *Erasure) error {
	o, err := steps.GetOrder(ctx, id)
	if order.ErrorCode(err) == order.CodeNotFound {
		return nil
	}
	if err != nil {
		return err
	}
	rows, err := steps.Notifications(ctx, id)
	if err != nil {
		return err
	}
	for _, n := range rows {
		if n.Kind.ForSeller() || n.Status != order.NotificationPending {
			continue
		}
		skipped, err := steps.SkipRow(ctx, n.Ref(), now)
		if err != nil {
			return err
		}
		if skipped {
			res.MessagesErased++
		}
	}
	if h, hold := EvidenceHoldFor(o, now, window); hold {
		res.EvidenceHeld = append(res.EvidenceHeld, h)
		return steps.PutHold(ctx, HoldRecord{OrderID: id, BuyerID: buyerID, EvidenceHoldUntil: h.Until, Why: h.Why})
	}
	return deleteOrderEvidence(ctx, steps, o, res)
}

func deleteOrderEvidence(ctx context.Context, steps ErasureSteps, o order.Order, res *Erasure) error {
	all := func(StoredEvidence) bool { return true }
	for _, pk := range EvidencePartitions(o) {
		n, err := steps.DeleteEvidence(ctx, pk, all)
		if err != nil {
			return err
		}
		res.EvidenceDeleted += n
	}
	return nil
}

// releaseHolds deletes the held evidence no longer held, and lists the rest.
func releaseHolds(ctx context.Context, steps ErasureSteps, buyerID string, now time.Time, window time.Duration, batch int, res *Erasure) error {
	listed := map[string]bool{}
	for _, h := range res.EvidenceHeld {
		listed[h.OrderID] = true
	}
	after := ""
	for {
		ids, err := steps.ErasureIndex(ctx, buyerID, BuyerHoldPrefix, after, batch)
		if err != nil {
			return err
		}
		for _, id := range ids {
			after = id
			if listed[id] {
				continue
			}
			o, err := steps.GetOrder(ctx, id)
			if err != nil && order.ErrorCode(err) != order.CodeNotFound {
				return err
			}
			if h, hold := EvidenceHoldFor(o, now, window); err == nil && hold {
				res.EvidenceHeld = append(res.EvidenceHeld, h)
				if err := steps.PutHold(ctx, HoldRecord{OrderID: id, BuyerID: buyerID, EvidenceHoldUntil: h.Until, Why: h.Why}); err != nil {
					return err
				}
				continue
			}
			if err == nil {
				if err := deleteOrderEvidence(ctx, steps, o, res); err != nil {
					return err
				}
			}
			if err := steps.DropHold(ctx, buyerID, id); err != nil {
				return err
			}
		}
		if len(ids) < batch {
			return nil
		}
	}
}

// eraseUnfiled deletes the evidence of unfiled events that names the buyer (their email,
// phone or name appears in the body or a header): such an event belongs to no order yet,
// so the buyer's contact is the only link.
func eraseUnfiled(ctx context.Context, steps ErasureSteps, b order.Buyer, batch int, res *Erasure) error {
	var needles [][]byte
	for _, s := range []string{b.Email, b.Phone, b.Name} {
		if s != "" {
			needles = append(needles, []byte(s))
		}
	}
	if len(needles) == 0 {
		return nil
	}
	names := func(ev StoredEvidence) bool {
		for _, n := range needles {
			if bytes.Contains(ev.Body, n) {
				return true
			}
			for _, v := range ev.Headers {
				if bytes.Contains([]byte(v), n) {
					return true
				}
			}
		}
		return false
	}
	after := ""
	for {
		page, err := steps.UnfiledEvents(ctx, after, batch)
		if err != nil {
			return err
		}
		for _, u := range page {
			after = u.Cursor
			pk, ok, err := steps.UnfiledEvidencePK(ctx, u.Source, u.EventID)
			if err != nil {
				return err
			}
			if !ok {
				continue
			}
			n, err := steps.DeleteEvidence(ctx, pk, func(ev StoredEvidence) bool { return ev.EventID == u.EventID && names(ev) })
			if err != nil {
				return err
			}
			res.EvidenceDeleted += n
		}
		if len(page) < batch {
			return nil
		}
	}
}
