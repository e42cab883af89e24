package order

import "time"

// EventKind is what a verified provider event means for an order, in orderwire's words.
type EventKind string

// The payment event kinds. An event whose provider type orderwire does not act on has the
// empty kind: it is still recorded on the timeline (and answered with success, so the
// provider does not retry it).
const (
	KindPaymentSucceeded EventKind = "payment_succeeded"
	KindPaymentFailed    EventKind = "payment_failed"
	KindPaymentPending   EventKind = "payment_pending"
	KindPaymentCanceled  EventKind = "payment_canceled"
	KindRefunded         EventKind = "refunded"
	KindDisputeOpened    EventKind = "dispute_opened"
	KindDisputeUpdated   EventKind = "dispute_updated"
	KindDisputeClosed    EventKind = "dispute_closed"
	KindFraudWarning     EventKind = "fraud_warning"
	KindIgnored          EventKind = "ignored"

	// The shipment kinds: the seller's registration of a parcel, a carrier's update.
	KindShipmentRegistered EventKind = "shipment_registered"
	KindTrackingUpdate     EventKind = "tracking_update"
)

// Dispute outcomes carried by dispute_closed events (Event.DisputeOutcome: won or lost) and
// the values of the order's dispute summary (Order.Dispute: open, won, lost or closed).
// DisputeOpen is a summary only: a dispute's own status is one of the five below.
const (
	DisputeOpen = "open"
	DisputeWon  = "won"
	DisputeLost = "lost"
)

// The provider-independent dispute statuses (Event.DisputeStatus, shown per dispute on the
// order); each provider's vocabulary maps onto them (README). Won and lost are
// DisputeWon and DisputeLost.
const (
	DisputeNeedsResponse = "needs_response" // the seller must answer by RespondBy
	DisputeUnderReview   = "under_review"   // answered (or not answerable); the network decides
	DisputeClosed        = "closed"         // ended without a won/lost outcome (an inquiry closed, a withdrawal)
)

// ValidDisputeStatus reports whether s is one of the five dispute statuses.
func ValidDisputeStatus(s string) bool {
	switch s {
	case DisputeNeedsResponse, DisputeUnderReview, DisputeWon, DisputeLost, DisputeClosed:
		return true
	}
	return false
}

// DisputeEnded reports whether status is final: won, lost or closed.
func DisputeEnded(status string) bool {
	return status == DisputeWon || status == DisputeLost || status == DisputeClosed
}

// Event is one verified, normalised provider event about an order.
type Event struct {
	Source     string    // who sent it: "stripe", "paypal", "antom", "alipay", "standard"
	EventID    string    // the provider's id of this event (or delivery); duplicates share it
	Type       string    // the provider's own event type, e.g. "payment_intent.succeeded"
	Kind       EventKind // what it means; KindIgnored when orderwire does not act on Type
	OrderID    string    // the seller's order id the event names
	OccurredAt time.Time // when the provider says it happened
	ReceivedAt time.Time // when orderwire received it (set by the webhook handler)
	// AmountMinor and Currency are the money the event moves, in minor units: the payment for
	// payment_succeeded, the refund for refunded. Zero when the event carries no amount.
	AmountMinor int64
	Currency    string
	// RefundIsTotal marks a refunded event whose amount is the total refunded so far (Stripe's
	// charge.refunded) rather than this one refund's amount.
	RefundIsTotal bool
	// DisputeOutcome is DisputeWon or DisputeLost for dispute_closed; empty if unknown. It
	// is kept for events that predate DisputeStatus: when both are set, DisputeStatus decides.
	DisputeOutcome string
	// PaymentRef is the provider's id of the payment object (payment intent, capture, trade).
	PaymentRef string
	// Refs are every id this event names for the payment or one of its parts (Stripe
	// PaymentIntent, Charge, Checkout Session; PayPal order, capture, authorization; Antom
	// paymentId, paymentRequestId; Alipay trade_no, out_trade_no), PaymentRef among them,
	// each once, in the provider's own spelling. They are scoped by Source: the store binds
	// each to the order of the first event that names both, and files an event that names
	// only refs on the order they are bound to (see store.Store.RecordEvent).
	Refs []string
	// Sequence is the provider's own order of events about one object, where it has one
	// (0 otherwise): it breaks ties between events with the same OccurredAt.
	Sequence int64
	// DisputeID is the provider's id of the dispute, for dispute events.
	DisputeID string
	// DisputeStatus is the dispute's status in orderwire's words (DisputeNeedsResponse,
	// DisputeUnderReview, DisputeWon, DisputeLost, DisputeClosed); empty when the event
	// does not say. DisputeReason is the provider's reason code as given ("fraudulent",
	// "MERCHANDISE_OR_SERVICE_NOT_RECEIVED", ...). RespondBy is the seller's deadline to
	// answer (Stripe evidence_details.due_by, PayPal seller_response_due_date, ...), zero
	// when the event gives none.
	DisputeStatus string
	DisputeReason string
	RespondBy     time.Time
	// TimeAnomaly says why OccurredAt is not the provider's time (see CheckTimes); empty
	// when it is.
	TimeAnomaly string
}

// Evidence is what a seller needs to prove later what the provider said: the raw body
// exactly as received and the request headers that are not secret.
type Evidence struct {
	Body    []byte
	Headers map[string]string
}

// TimelineEntry is an event as the order's history shows it: what came in and whether it
// changed the order, and if not, why.
type TimelineEntry struct {
	Kind        EventKind
	Type        string
	Source      string
	EventID     string
	OccurredAt  time.Time
	ReceivedAt  time.Time
	AmountMinor int64
	Currency    string
	Applied     bool
	Reason      string // why it was not applied, or what was odd about it
	// For shipment entries: the parcel, the normalised status the event reports, the
	// provider's sub-status and the checkpoints (dispute evidence).
	TrackingNumber string
	ShipmentStatus ShipmentStatus
	SubStatus      string
	Checkpoints    []Checkpoint
}

// Entry returns the timeline entry for ev with the given outcome; ev's TimeAnomaly, if any,
// is added to the reason.
func (ev Event) Entry(applied bool, reason string) TimelineEntry {
	return TimelineEntry{Kind: ev.Kind, Type: ev.Type, Source: ev.Source, EventID: ev.EventID,
		OccurredAt: ev.OccurredAt.UTC(), ReceivedAt: ev.ReceivedAt.UTC(), AmountMinor: ev.AmountMinor,
		Currency: ev.Currency, Applied: applied, Reason: joinReasons(reason, ev.TimeAnomaly)}
}

// Notifications returns the outbox rows for an applied outcome of ev that produced order o.
func (out Outcome) Notifications(o Order, ev Event, now time.Time) []Notification {
	var rows []Notification
	for _, kind := range out.Notify {
		rows = append(rows, Notification{OrderID: o.ID, BuyerID: o.BuyerID, Kind: kind, Seq: o.Version,
			Status: NotificationPending, CreatedAt: now.UTC(), CauseSource: ev.Source, CauseEventID: ev.EventID})
	}
	return rows
}
