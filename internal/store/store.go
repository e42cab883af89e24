// Package store declares orderwire's persistence port. Adapters (internal/dynamo for AWS,
// internal/embedded for one machine) implement it natively and must pass the one
// conformance suite in store/storetest.
package store

import (
	"context"
	"errors"
	"time"

	"github.com/orderwire/orderwire/internal/order"
)

// Store keeps orders and buyers. Every method is safe for concurrent use. Errors are
// *order.Error values: CodeNotFound, CodeConflict, or CodeInternal for the adapter's own
// failures (whose cause is wrapped, never shown to callers).
type Store interface {
	// GetOrder returns the order with the given id, or CodeNotFound.
	GetOrder(ctx context.Context, id string) (order.Order, error)

	// GetBuyer returns the buyer with the given id, or CodeNotFound.
	GetBuyer(ctx context.Context, id string) (order.Buyer, error)

	// SaveOrder stores o together with its buyer's contact details, atomically: both or
	// neither. Optimistic locking: when o.Version is 1 no order with o.ID may exist yet;
	// otherwise the stored order must have version o.Version-1. A failed condition is
	// CodeConflict and writes nothing; the caller re-reads and tries again. The buyer's
	// name, contact, locale, time zone and country replace the stored ones; whatever else
	// the store keeps about that buyer is left as it was. The write is durable when
	// SaveOrder returns nil.
	SaveOrder(ctx context.Context, o order.Order, b order.Buyer) error

	// RecordEvent stores a verified provider event, atomically:
	//   - a dedupe marker for (ev.Source, ev.EventID); if the marker exists nothing at all
	//     is written and the result is Duplicate;
	//   - the evidence (raw body byte for byte, headers), under the order it is filed on or
	//     waits for, else under the marker until it is filed;
	//   - the bindings of its payment references (store.EventRefs) to its order, for those
	//     not bound yet: the order it names, else the one its references are bound to
	//     (store.PlanFiling decides, the same for every adapter);
	//   - if that order exists: the change order.PaymentChange builds, whole: the timeline
	//     entry, and when the change says Changed the order (version-checked; the adapter
	//     re-reads and re-applies when a concurrent write wins), its outbox rows and one
	//     increment of each buyer counter it names; the marker expires after DedupeTTL. Events that were parked under a reference this
	//     write binds are then filed on the order too;
	//   - otherwise the event is unfiled (Parked): the marker keeps it, does not expire
	//     before Retention.UnfiledExpiry (the purge or TTL then removes it with its parked
	//     copies and evidence), and is listed by UnfiledEvents, with a copy parked under the order id it names
	//     (filed by ApplyParked) or under each of its unbound references (filed by the
	//     event that binds one), with its event_unfiled seller alert (UnfiledRecord.Alert). Parking is conditional on the order still being absent
	//     and the references still unbound, so an event racing a registration or a binding
	//     is either parked before it or filed after it, never lost.
	// ev.ReceivedAt is the time of the write.
	RecordEvent(ctx context.Context, ev order.Event, evidence order.Evidence) (Recorded, error)

	// ApplyParked files the events parked for order id in the order they occurred, each in
	// one atomic write that also removes it from the parking, and returns how many it
	// filed. It is safe to call at any time and concurrently: a parked event is filed
	// once. now is the time of the change.
	ApplyParked(ctx context.Context, id string, now time.Time) (int, error)

	// AssignEvent files the unfiled payment event (source, eventID) on order orderID exactly
	// as if the event had named that order: its parked copies and index entry go, its
	// evidence moves to the order, its references are bound, the order changes and the
	// messages follow as for a delivery. An unknown order, or an event that is unknown or
	// already filed (wrapping ErrNotUnfiled), is CodeNotFound.
	AssignEvent(ctx context.Context, source, eventID, orderID string, now time.Time) (Recorded, error)

	// UnfiledEvents lists up to limit unfiled events, oldest received first, starting
	// after the entry whose Cursor is after ("" for the first page).
	UnfiledEvents(ctx context.Context, after string, limit int) ([]UnfiledEvent, error)

	// Timeline returns the order's timeline, ordered by occurred-at (then source, event id).
	// An unknown order has an empty timeline.
	Timeline(ctx context.Context, id string) ([]order.TimelineEntry, error)

	// Evidence returns the evidence recorded for the order, oldest received first.
	Evidence(ctx context.Context, id string) ([]StoredEvidence, error)

	// EachEvidence calls fn with each piece of evidence Evidence would return for the order,
	// one at a time, without holding the others in memory: the order's own evidence oldest
	// received first, then each parcel's carrier evidence (in the order of the parcels),
	// oldest received first. (Evidence sorts all of them together; EachEvidence only within
	// each group.) A StoredEvidence passed to fn is fn's to keep. An error from fn stops the
	// walk and is returned as it is; the store's own failures are CodeInternal. An unknown
	// order has no evidence: fn is not called and the result is nil.
	EachEvidence(ctx context.Context, orderID string, fn func(StoredEvidence) error) error

	// Notifications returns the order's outbox rows, by kind then sequence.
	Notifications(ctx context.Context, id string) ([]order.Notification, error)

	// AddShipment stores a shipment registration atomically: ch.Order (version-checked as in
	// SaveOrder), the claim of the parcel's carrier and tracking number for this order, the
	// timeline entry and the outbox rows. A claim another order holds is CodeConflict
	// wrapping ErrTrackingTaken, and nothing is written.
	AddShipment(ctx context.Context, ch order.ShipmentChange) error

	// RecordTrackingEvent stores a verified carrier event, atomically, like RecordEvent: the
	// dedupe marker; the evidence, kept under the tracking number (Evidence returns it for
	// the order that claims the number); then, when order.FileTracking files the event on
	// one of the orders that claim its tracking number, order.NewTrackingChange of that order
	// (timeline entry; the order and its outbox rows when it changes). An event it does not
	// file (no claim yet, or several claims none with the event's carrier) is parked under
	// its tracking number, unfiled, with FileTracking's reason (Recorded.Parked and
	// Outcome.Reason) with its event_unfiled seller alert, conditional on no fitting claim having appeared meanwhile, so an event
	// racing a registration is never left behind.
	RecordTrackingEvent(ctx context.Context, ev order.TrackingEvent, evidence order.Evidence) (Recorded, error)

	// ApplyParkedTracking files the events parked under a tracking number that
	// order.FileTracking now files, in the order they occurred, each applied once and
	// removed from the parking in the same write, and returns how many it filed. The others
	// stay parked (their reason brought up to date). Safe to call at any time and
	// concurrently.
	ApplyParkedTracking(ctx context.Context, trackingNumber string, now time.Time) (int, error)

	// DueOrders returns up to limit orders from the due index whose NextActionAt is at or
	// before now, earliest first within each index shard. Only orders awaiting payment, and
	// orders with a dispute_response_due seller alert to write (InDueIndex), are in the
	// index. The copies may lag the orders (DynamoDB's index is eventually
	// consistent): ApplyDunning's version check catches that. Called again with the same
	// now, it may resume where the previous call stopped (DynamoDB does not query again the
	// shards it read to their end): a caller drains the index with repeated calls at one
	// now, and what fell due meanwhile in an already read part waits for its next pass.
	DueOrders(ctx context.Context, now time.Time, limit int) ([]order.Order, error)

	// ApplyDunning stores one reminder-sweep step atomically: ch.Order (version-checked as
	// in SaveOrder; its NextActionAt moves it in the due index, or out of it), the timeline
	// entry, the outbox rows, and the buyer statistic. A lost race is CodeConflict and writes
	// nothing, so two overlapping sweeps never send one reminder twice.
	ApplyDunning(ctx context.Context, ch order.DunningChange) error

	// SetPreferences replaces buyer id's message preferences, leaving everything else about
	// the buyer as it was. An unknown buyer is CodeNotFound.
	SetPreferences(ctx context.Context, buyerID string, p order.Preferences) error

	// BuyerOrders lists up to limit ids of the buyer's orders, in id order, after the id
	// after ("" for the first page): the orders SaveOrder stored for the buyer and that no
	// erasure has handled since.
	BuyerOrders(ctx context.Context, buyerID, after string, limit int) ([]string, error)

	// EraseBuyer erases buyer buyerID (see RunErasure): the PROFILE goes, pending buyer
	// messages are skipped, evidence naming the buyer is deleted unless EvidenceHoldFor
	// holds it (window is the dispute window); at most batch orders per step. Re-running
	// finishes an interrupted erasure and deletes held evidence once no longer held. A buyer
	// the store knows nothing about is CodeNotFound.
	EraseBuyer(ctx context.Context, buyerID string, now time.Time, window time.Duration, batch int) (Erasure, error)

	// Outbox is the notifier's side of the outbox rows (see order.Notification).
	Outbox

	// Feedback records what the email provider reports after a send.
	Feedback

	// OrderLister lists orders for the seller, from indexes (orderlist.go).
	OrderLister

	// SessionRevocations records console sign-outs (session.go).
	SessionRevocations

	// Close releases the store's resources. The store is unusable afterwards.
	Close() error
}

// Outbox moves outbox rows through their delivery states. Each method is one conditional
// write, so any number of notifiers may run at once; a lost race is CodeConflict and
// writes nothing.
type Outbox interface {
	// ClaimNotification claims the row ref for owner until now+lease: only a pending row
	// that is due (NotBefore at or before now) becomes sending, with Owner, LeaseUntil and
	// Attempts+1, and is returned. A row in any other state, or not yet due, is
	// CodeConflict; no such row is CodeNotFound.
	ClaimNotification(ctx context.Context, ref order.NotificationRef, owner string, now time.Time, lease time.Duration) (order.Notification, error)

	// FinishNotification records the outcome of n's claim: n is the row as
	// ClaimNotification returned it, with n.Status (sent, skipped, failed, unknown, or
	// pending again with a later NotBefore, for a deferral or a retry), n.Reason,
	// n.Deliveries, n.NotBefore and n.UpdatedAt set. It applies only while n.Owner holds
	// the row under that claim (same owner and attempt count): status sending, or unknown
	// after the lease lapsed (the true outcome then replaces unknown); otherwise (a missing
	// row included) CodeConflict. The row's other fields are n's, that is, as claimed.
	// An unknown outcome of a buyer row still sending writes its message_unknown seller
	// alert (UnknownAlert) in the same write.
	FinishNotification(ctx context.Context, n order.Notification) error

	// ExpireNotification marks row ref unknown, with reason, if it is still sending and its
	// lease ended at or before now; otherwise CodeConflict. A buyer row gets its
	// message_unknown seller alert (UnknownAlert) in the same write.
	ExpireNotification(ctx context.Context, ref order.NotificationRef, now time.Time, reason string) error

	// DueNotifications returns up to limit rows from the outbox's due index, earliest
	// first within each shard: pending rows whose NotBefore (or CreatedAt) is at or before
	// now, and sending rows whose lease ended at or before now. Like DueOrders, the copies
	// may lag the rows: the conditional writes above catch that.
	DueNotifications(ctx context.Context, now time.Time, limit int) ([]order.Notification, error)
}

// Feedback records the email provider's reports about sent messages (on AWS, SES bounce,
// complaint and delivery events): on the buyer (order.Buyer.EmailFeedback, which the
// notifier's channel plan reads) and on the outbox row. Each method is one single-item
// write, and applying the same report twice leaves what applying it once did (SNS delivers
// at least once), except CountSoftBounce, a plain counter.
type Feedback interface {
	// SuppressEmail stops email to buyer buyerID: reason (order.SuppressHardBounce or
	// order.SuppressComplaint) and at are kept on the buyer, unless a suppression is already
	// recorded, which is kept as it is (nil). An unknown buyer is CodeNotFound.
	SuppressEmail(ctx context.Context, buyerID, reason string, at time.Time) error

	// CountSoftBounce adds one to buyer buyerID's soft bounces. An unknown buyer is
	// CodeNotFound.
	CountSoftBounce(ctx context.Context, buyerID string) error

	// MarkDelivered sets DeliveredAt to at on row ref's delivery with provider message id
	// messageID (an email the notifier recorded as sent), unless it is set already (nil,
	// unchanged). No such row is CodeNotFound; a row without that delivery (the notifier
	// has not recorded its outcome yet) is CodeConflict, to be tried again.
	MarkDelivered(ctx context.Context, ref order.NotificationRef, messageID string, at time.Time) error
}

// ErrTrackingTaken is wrapped by the conflict AddShipment returns when another order
// already claims the carrier and tracking number.
var ErrTrackingTaken = errors.New("tracking number registered to another order")

// DedupeTTL is how long a dedupe marker is kept: well past every provider's retry window
// (Stripe 3 days, PayPal 3 days, AfterShip ~68 h, Antom 24 h).
const DedupeTTL = 30 * 24 * time.Hour

// Recorded is what RecordEvent did.
type Recorded struct {
	Duplicate bool          // the event was seen before; nothing was written
	Parked    bool          // the order does not exist yet; the event waits for it
	Outcome   order.Outcome // for an event applied to an existing order
	Order     order.Order   // the order after the event (zero when parked or duplicate)
}

// StoredEvidence is one recorded webhook as received.
type StoredEvidence struct {
	Source     string
	EventID    string
	ReceivedAt time.Time
	Body       []byte
	Headers    map[string]string
}
