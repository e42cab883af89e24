package order

import "time"

// The attention kinds: what a seller must act on about an order (the seller console's
// Today page, GET /v1/orders?attention=...). Attention derives them from the order alone,
// except AttentionMessage, which the stores derive from the order's outbox rows.
const (
	// AttentionDispute: a dispute needs the seller's response (most urgent: earliest
	// RespondBy first).
	AttentionDispute = "dispute_response"
	// AttentionUnshipped: paid, and no parcel registered for more than the seller's
	// setting (default 3 days).
	AttentionUnshipped = "unshipped"
	// AttentionParcel: a parcel in exception, attempt_failed or returned.
	AttentionParcel = "parcel_problem"
	// AttentionRefund: money received after the order was terminated; it needs a refund.
	AttentionRefund = "refund_needed"
	// AttentionMessage: a buyer message failed, or its fate is unknown.
	AttentionMessage = "message_problem"
)

// AttentionKinds lists every attention kind, most urgent kind first.
var AttentionKinds = []string{AttentionDispute, AttentionRefund, AttentionParcel, AttentionUnshipped, AttentionMessage}

// DefaultUnshippedAfter is how long a paid order may wait for its first parcel before it
// needs attention, unless the seller sets otherwise.
const DefaultUnshippedAfter = 3 * 24 * time.Hour

// AttentionItem is one thing a seller must act on about an order: its kind and the time it
// orders by (At). For AttentionDispute At is the deadline (RespondBy), so the earliest
// deadline comes first; for the other kinds it is the time of the cause, so the oldest
// cause comes first.
type AttentionItem struct {
	Kind string
	At   time.Time
}

// Attention returns the attention items order o has at time now, with unshippedAfter the
// seller's setting (zero: DefaultUnshippedAfter), in AttentionKinds order, at most one per
// kind. AttentionMessage is never among them: it is not on the order (see MessageProblem).
//
//   - AttentionDispute: a dispute whose status is needs_response; At is the earliest
//     RespondBy of those (a dispute without a deadline counts from its OpenedAt).
//   - AttentionRefund: a terminated order that kept money (PaidMinor > RefundedMinor): the
//     payment landed after termination (the refund_needed seller alert's cause). At is the
//     time it was paid (PaidAt).
//   - AttentionParcel: a parcel in exception, attempt_failed or returned, of an order
//     neither terminated nor refunded (the order is over: a refund, if due, is the item);
//     At is the earliest StatusAt of those parcels.
//   - AttentionUnshipped: paid (PaidMinor > 0), no parcel registered, the order neither
//     terminated nor refunded, and paid at or before now-unshippedAfter. At is the time it
//     was paid (PaidAt), the cause; the setting decides only whether it counts yet.
func Attention(o Order, now time.Time, unshippedAfter time.Duration) []AttentionItem {
	if unshippedAfter <= 0 {
		unshippedAfter = DefaultUnshippedAfter
	}
	out := StandingAttention(o)
	for i, it := range out {
		if it.Kind == AttentionUnshipped && it.At.Add(unshippedAfter).After(now) {
			out = append(out[:i], out[i+1:]...)
			break
		}
	}
	if len(out) == 0 {
		return nil
	}
	return out
}

// StandingAttention is every item Attention returns for o at a time late enough: the
// unshipped item whatever the setting. The stores index orders by it and apply the setting
// when they read. Besides AttentionDispute it holds at most one item: refund_needed wants a
// terminated order, parcel_problem and unshipped one that is not over, parcel_problem a
// parcel and unshipped none.
func StandingAttention(o Order) []AttentionItem {
	var out []AttentionItem
	if at, ok := disputeAttention(o); ok {
		out = append(out, AttentionItem{AttentionDispute, at})
	}
	if at, ok := RefundAttention(o); ok {
		out = append(out, AttentionItem{AttentionRefund, at})
	}
	if at, ok := parcelAttention(o); ok {
		out = append(out, AttentionItem{AttentionParcel, at})
	}
	if at, ok := UnshippedSince(o); ok {
		out = append(out, AttentionItem{AttentionUnshipped, at})
	}
	return out
}

// AttentionKindValid reports whether kind is one of AttentionKinds.
func AttentionKindValid(kind string) bool {
	for _, k := range AttentionKinds {
		if k == kind {
			return true
		}
	}
	return false
}

func disputeAttention(o Order) (time.Time, bool) {
	var at time.Time
	found := false
	for _, d := range o.Disputes {
		if d.Status != DisputeNeedsResponse {
			continue
		}
		t := d.RespondBy
		if t.IsZero() {
			t = d.OpenedAt
		}
		if !found || t.Before(at) {
			at, found = t, true
		}
	}
	return at.UTC(), found
}

// RefundAttention reports whether o needs a refund (AttentionRefund) and since when: the
// order is terminated (never paid in time: cancelled or expired) yet keeps money, PaidMinor
// above RefundedMinor. It is the state the refund_needed seller alert announces.
func RefundAttention(o Order) (time.Time, bool) {
	if o.Status != StatusTerminated || o.PaidMinor <= o.RefundedMinor {
		return time.Time{}, false
	}
	return o.PaidAt(), true
}

func parcelAttention(o Order) (time.Time, bool) {
	if o.Status.Final() {
		return time.Time{}, false
	}
	var at time.Time
	found := false
	for _, sh := range o.Shipments {
		switch sh.Status {
		case ShipmentException, ShipmentAttemptFailed, ShipmentReturned:
		default:
			continue
		}
		if !found || sh.StatusAt.Before(at) {
			at, found = sh.StatusAt, true
		}
	}
	return at.UTC(), found
}

// UnshippedSince reports whether o is paid and waits for its first parcel, and since when
// (PaidAt): PaidMinor > 0, no shipment, status neither terminated nor refunded. Whether
// that is long enough to need attention is the seller's setting (Attention).
func UnshippedSince(o Order) (time.Time, bool) {
	if o.PaidMinor <= 0 || len(o.Shipments) > 0 || o.Status.Final() {
		return time.Time{}, false
	}
	return o.PaidAt(), true
}

// PaidAt is when o was paid: the time of the ledger entry that made it paid, which by
// FoldLedger's rule is the first payment_succeeded in event order. An order paid before it
// kept a ledger (PaidMinor > 0, no such entry) counts from its CreatedAt, the earliest it
// can have been paid. Zero when o is not paid.
func (o Order) PaidAt() time.Time {
	if at, ok := PaidAt(o.Ledger); ok {
		return at
	}
	if o.PaidMinor > 0 {
		return o.CreatedAt.UTC()
	}
	return time.Time{}
}

// PaidAt returns the OccurredAt of the entry that makes a ledger (in event order) paid, the
// first KindPaymentSucceeded, and false when there is none.
func PaidAt(ledger []LedgerEntry) (time.Time, bool) {
	for _, e := range ledger {
		if e.Kind == KindPaymentSucceeded {
			return e.OccurredAt.UTC(), true
		}
	}
	return time.Time{}, false
}

// MessageProblem reports whether outbox row n makes its order need AttentionMessage: a
// message to the buyer (not a seller alert) that failed, or whose fate is unknown. At is
// when it got that status (UpdatedAt, else CreatedAt).
func MessageProblem(n Notification) (at time.Time, ok bool) {
	if n.Kind.ForSeller() || (n.Status != NotificationFailed && n.Status != NotificationUnknown) {
		return time.Time{}, false
	}
	if n.UpdatedAt.IsZero() {
		return n.CreatedAt.UTC(), true
	}
	return n.UpdatedAt.UTC(), true
}
