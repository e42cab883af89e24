package store

import (
	"context"
	"time"

	"github.com/orderwire/orderwire/internal/order"
)

// Automatic release of the evidence an erasure holds (HoldRecord, EvidenceHoldSK). The hold
// ends at the EvidenceHoldUntil the erasure stated (the end of the order's dispute window,
// which a later event on the order does not move), or later while the order has an open
// dispute (re-checked at every release attempt). Then the order's evidence goes, exactly as
// the erasure deletes it (deleteOrderEvidence: the RAW# items of the order and of its
// parcels' tracking numbers), and both hold items with it. The embedded store's hourly purge
// calls ReleaseHold for every hold item due; DynamoDB sets TTL expiries instead (see
// internal/dynamo's holds.go).

// HoldEnded reports whether the hold h of order o (found false: the order is gone) has ended
// at now: now is at or after h.EvidenceHoldUntil and o has no open dispute (EvidenceHeld).
func HoldEnded(h HoldRecord, o order.Order, found bool, now time.Time) bool {
	if now.Before(h.EvidenceHoldUntil) {
		return false
	}
	return !found || !EvidenceHeld(o)
}

// ReleaseHold deletes order h.OrderID's held evidence and both hold items (DropHold) when
// the hold has ended at now (HoldEnded), and reports whether it did and how many webhooks'
// evidence it deleted. It is idempotent: a hold released already deletes nothing more.
func ReleaseHold(ctx context.Context, steps ErasureSteps, h HoldRecord, now time.Time) (bool, int, error) {
	o, err := steps.GetOrder(ctx, h.OrderID)
	found := err == nil
	if err != nil && order.ErrorCode(err) != order.CodeNotFound {
		return false, 0, err
	}
	if !HoldEnded(h, o, found, now) {
		return false, 0, nil
	}
	var res Erasure
	if found {
		err = deleteOrderEvidence(ctx, steps, o, &res)
	} else {
		res.EvidenceDeleted, err = steps.DeleteEvidence(ctx, OrderPK(h.OrderID), func(StoredEvidence) bool { return true })
	}
	if err != nil {
		return false, res.EvidenceDeleted, err
	}
	return true, res.EvidenceDeleted, steps.DropHold(ctx, h.BuyerID, h.OrderID)
}
