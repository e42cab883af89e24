package store

import (
	"sort"
	"time"

	"github.com/orderwire/orderwire/internal/order"
)

// The stored shapes of the domain types, shared by both adapters so that an item means the
// same in each: the embedded store keeps them as JSON, DynamoDB as attributes (the adapter
// adds PK, SK and item_type). The json tags are the one set of field names: internal/dynamo
// encodes these records with them (attributevalue TagKey "json"), so renaming a tag renames
// a stored attribute in both stores. Times are UTC.

// OrderRecord is an order's META item.
type OrderRecord struct {
	ID            string           `json:"order_id"`
	BuyerID       string           `json:"buyer_id"`
	AmountMinor   int64            `json:"amount_minor"`
	Currency      string           `json:"currency"`
	CreatedAt     time.Time        `json:"created_at"`
	PaymentDueAt  time.Time        `json:"payment_due_at"`
	Status        string           `json:"status"`
	PaymentStatus string           `json:"payment_status,omitempty"`
	Dispute       string           `json:"dispute,omitempty"`
	PaidMinor     int64            `json:"paid_minor,omitempty"`
	RefundedMinor int64            `json:"refunded_minor,omitempty"`
	FraudWarning  bool             `json:"fraud_warning,omitempty"`
	Version       int64            `json:"version"`
	UpdatedAt     time.Time        `json:"updated_at"`
	Shipments     []ShipmentRecord `json:"shipments,omitempty"`
	// Dunning state (see order.Order).
	RemindersSent   int       `json:"reminders_sent,omitempty"`
	FinalNoticeSent bool      `json:"final_notice_sent,omitempty"`
	NextActionAt    time.Time `json:"next_action_at,omitempty"`
	DunningTier     string    `json:"dunning_tier,omitempty"`
	BuyerTimeZone   string    `json:"buyer_timezone,omitempty"`
	// The disputes one by one and the payment ledger the facts are folded from (see
	// order.PaymentChange); the ledger is bounded by order.MaxLedger entries.
	Disputes []DisputeRecord     `json:"disputes,omitempty"`
	Ledger   []LedgerEntryRecord `json:"ledger,omitempty"`
	// The disputes' response deadlines (order.DisputeDeadline).
	DisputeDeadlines []DisputeDeadlineRecord `json:"dispute_deadlines,omitempty"`
}

// DisputeDeadlineRecord is one order.DisputeDeadline.
type DisputeDeadlineRecord struct {
	DisputeID string    `json:"dispute_id"`
	RespondBy time.Time `json:"respond_by"`
	Of        time.Time `json:"of"`
	Alerted   bool      `json:"alerted,omitempty"`
}

func newDeadlineRecords(list []order.DisputeDeadline) []DisputeDeadlineRecord {
	var out []DisputeDeadlineRecord
	for _, d := range list {
		out = append(out, DisputeDeadlineRecord{DisputeID: d.DisputeID, RespondBy: d.RespondBy.UTC(), Of: d.Of.UTC(), Alerted: d.Alerted})
	}
	return out
}

func deadlines(list []DisputeDeadlineRecord) []order.DisputeDeadline {
	var out []order.DisputeDeadline
	for _, r := range list {
		out = append(out, order.DisputeDeadline{DisputeID: r.DisputeID, RespondBy: r.RespondBy.UTC(), Of: r.Of.UTC(), Alerted: r.Alerted})
	}
	return out
}

// ShipmentRecord is a parcel, stored inside its order's META item.
type ShipmentRecord struct {
	Carrier        string    `json:"carrier"`
	TrackingNumber string    `json:"tracking_number"`
	Service        string    `json:"service"`
	ShippedAt      time.Time `json:"shipped_at"`
	Status         string    `json:"status"`
	ProviderStatus string    `json:"provider_status,omitempty"`
	SubStatus      string    `json:"sub_status,omitempty"`
	StatusAt       time.Time `json:"status_at"`
	Reached        string    `json:"reached"`
	Notified       []string  `json:"notified,omitempty"`
}

func newShipmentRecords(list []order.Shipment) []ShipmentRecord {
	var out []ShipmentRecord
	for _, sh := range list {
		r := ShipmentRecord{Carrier: sh.Carrier, TrackingNumber: sh.TrackingNumber, Service: string(sh.Service),
			ShippedAt: sh.ShippedAt.UTC(), Status: string(sh.Status), ProviderStatus: sh.ProviderStatus,
			SubStatus: sh.SubStatus, StatusAt: sh.StatusAt.UTC(), Reached: string(sh.Reached)}
		for _, k := range sh.Notified {
			r.Notified = append(r.Notified, string(k))
		}
		out = append(out, r)
	}
	return out
}

func shipments(list []ShipmentRecord) []order.Shipment {
	var out []order.Shipment
	for _, r := range list {
		sh := order.Shipment{Carrier: r.Carrier, TrackingNumber: r.TrackingNumber, Service: order.Service(r.Service),
			ShippedAt: r.ShippedAt.UTC(), Status: order.ShipmentStatus(r.Status), ProviderStatus: r.ProviderStatus,
			SubStatus: r.SubStatus, StatusAt: r.StatusAt.UTC(), Reached: order.ShipmentStatus(r.Reached)}
		for _, k := range r.Notified {
			sh.Notified = append(sh.Notified, order.NotificationKind(k))
		}
		out = append(out, sh)
	}
	return out
}

// NewOrderRecord is o as stored.
func NewOrderRecord(o order.Order) OrderRecord {
	return OrderRecord{ID: o.ID, BuyerID: o.BuyerID, AmountMinor: o.AmountMinor, Currency: o.Currency,
		CreatedAt: o.CreatedAt.UTC(), PaymentDueAt: o.PaymentDueAt.UTC(), Status: string(o.Status),
		PaymentStatus: string(o.PaymentStatus), Dispute: o.Dispute, PaidMinor: o.PaidMinor,
		RefundedMinor: o.RefundedMinor, FraudWarning: o.FraudWarning, Version: o.Version,
		UpdatedAt: o.UpdatedAt.UTC(), Shipments: newShipmentRecords(o.Shipments),
		RemindersSent: o.RemindersSent, FinalNoticeSent: o.FinalNoticeSent, NextActionAt: o.NextActionAt.UTC(),
		DunningTier: o.DunningTier, BuyerTimeZone: o.BuyerTimeZone,
		Disputes: newDisputeRecords(o.Disputes), Ledger: newLedgerRecords(o.Ledger),
		DisputeDeadlines: newDeadlineRecords(o.DisputeDeadlines)}
}

// Order is the stored order.
func (r OrderRecord) Order() order.Order {
	return order.Order{ID: r.ID, BuyerID: r.BuyerID, AmountMinor: r.AmountMinor, Currency: r.Currency,
		CreatedAt: r.CreatedAt.UTC(), PaymentDueAt: r.PaymentDueAt.UTC(), Status: order.Status(r.Status),
		PaymentStatus: order.PaymentStatus(r.PaymentStatus), Dispute: r.Dispute, PaidMinor: r.PaidMinor,
		RefundedMinor: r.RefundedMinor, FraudWarning: r.FraudWarning, Version: r.Version,
		UpdatedAt: r.UpdatedAt.UTC(), Shipments: shipments(r.Shipments),
		RemindersSent: r.RemindersSent, FinalNoticeSent: r.FinalNoticeSent, NextActionAt: r.NextActionAt.UTC(),
		DunningTier: r.DunningTier, BuyerTimeZone: r.BuyerTimeZone,
		Disputes: disputes(r.Disputes), Ledger: ledger(r.Ledger), DisputeDeadlines: deadlines(r.DisputeDeadlines)}
}

// BuyerRecord is a buyer's PROFILE item. Fields that later features add (opt-outs, rating)
// are kept by SetContact, which the seller's order updates call.
type BuyerRecord struct {
	ID       string `json:"buyer_id"`
	Name     string `json:"name"`
	Email    string `json:"email,omitempty"`
	Phone    string `json:"phone,omitempty"`
	Locale   string `json:"locale"`
	TimeZone string `json:"timezone"`
	Country  string `json:"country"`
	// The payment history (order.BuyerStats), one counter per attribute.
	PaidBeforeReminder int `json:"paid_before_reminder,omitempty"`
	PaidAfterReminders int `json:"paid_after_reminders,omitempty"`
	NeverPaid          int `json:"never_paid,omitempty"`
	FullRefunds        int `json:"full_refunds,omitempty"`
	DisputesLost       int `json:"disputes_lost,omitempty"`
	// Preferences are the buyer's message choices (SetPreferences), nil until set.
	Preferences *PreferencesRecord `json:"preferences,omitempty"`
	// EmailSuppression is set once by SuppressEmail (the first report is kept), nil while
	// email is allowed; SoftBounces is CountSoftBounce's counter.
	EmailSuppression *SuppressionRecord `json:"email_suppression,omitempty"`
	SoftBounces      int                `json:"soft_bounces,omitempty"`
	// ErasingSince is set while an erasure of the buyer runs (RunErasure): GetBuyer then
	// answers CodeNotFound, so that no message goes out; the item is deleted when it ends.
	ErasingSince *time.Time `json:"erasing_since,omitempty"`
}

// SuppressionRecord is why and since when a buyer's email is suppressed.
type SuppressionRecord struct {
	Reason string    `json:"reason"`
	At     time.Time `json:"at"`
}

// emailFeedback is the stored feedback as the domain sees it.
func (r BuyerRecord) emailFeedback() order.EmailFeedback {
	f := order.EmailFeedback{SoftBounces: r.SoftBounces}
	if r.EmailSuppression != nil {
		f.SuppressedReason, f.SuppressedAt = r.EmailSuppression.Reason, r.EmailSuppression.At.UTC()
	}
	return f
}

// AddStat increments the named payment-history counter.
func (r *BuyerRecord) AddStat(stat string) {
	s := r.stats().Add(stat)
	r.PaidBeforeReminder, r.PaidAfterReminders, r.NeverPaid = s.PaidBeforeReminder, s.PaidAfterReminders, s.NeverPaid
	r.FullRefunds, r.DisputesLost = s.FullRefunds, s.DisputesLost
}

func (r BuyerRecord) stats() order.BuyerStats {
	return order.BuyerStats{PaidBeforeReminder: r.PaidBeforeReminder, PaidAfterReminders: r.PaidAfterReminders,
		NeverPaid: r.NeverPaid, FullRefunds: r.FullRefunds, DisputesLost: r.DisputesLost}
}

// SetContact replaces the buyer's contact details with b's.
func (r *BuyerRecord) SetContact(b order.Buyer) {
	r.ID, r.Name, r.Email, r.Phone = b.ID, b.Name, b.Email, b.Phone
	r.Locale, r.TimeZone, r.Country = b.Locale, b.TimeZone, b.Country
}

// Buyer is the stored buyer.
func (r BuyerRecord) Buyer() order.Buyer {
	return order.Buyer{ID: r.ID, Name: r.Name, Email: r.Email, Phone: r.Phone,
		Locale: r.Locale, TimeZone: r.TimeZone, Country: r.Country, Stats: r.stats(),
		Preferences: r.Preferences.Preferences(), EmailFeedback: r.emailFeedback()}
}

// EventRecord is a normalised event: a parked event, and the body of a timeline entry.
type EventRecord struct {
	Kind           string    `json:"kind"`
	Type           string    `json:"event_type"`
	Source         string    `json:"source"`
	EventID        string    `json:"event_id"`
	OrderID        string    `json:"order_id"`
	OccurredAt     time.Time `json:"occurred_at"`
	ReceivedAt     time.Time `json:"received_at"`
	AmountMinor    int64     `json:"amount_minor,omitempty"`
	Currency       string    `json:"currency,omitempty"`
	RefundIsTotal  bool      `json:"refund_is_total,omitempty"`
	DisputeOutcome string    `json:"dispute_outcome,omitempty"`
	PaymentRef     string    `json:"payment_ref,omitempty"`
	Refs           []string  `json:"refs,omitempty"`
	Sequence       int64     `json:"sequence,omitempty"`
	DisputeID      string    `json:"dispute_id,omitempty"`
	DisputeStatus  string    `json:"dispute_status,omitempty"`
	DisputeReason  string    `json:"dispute_reason,omitempty"`
	RespondBy      time.Time `json:"respond_by,omitzero"`
	TimeAnomaly    string    `json:"time_anomaly,omitempty"`
}

// NewEventRecord is ev as stored.
func NewEventRecord(ev order.Event) EventRecord {
	return EventRecord{Kind: string(ev.Kind), Type: ev.Type, Source: ev.Source, EventID: ev.EventID,
		OrderID: ev.OrderID, OccurredAt: ev.OccurredAt.UTC(), ReceivedAt: ev.ReceivedAt.UTC(),
		AmountMinor: ev.AmountMinor, Currency: ev.Currency, RefundIsTotal: ev.RefundIsTotal,
		DisputeOutcome: ev.DisputeOutcome, PaymentRef: ev.PaymentRef, Refs: ev.Refs, Sequence: ev.Sequence,
		DisputeID: ev.DisputeID, DisputeStatus: ev.DisputeStatus, DisputeReason: ev.DisputeReason,
		RespondBy: utcOrZero(ev.RespondBy), TimeAnomaly: ev.TimeAnomaly}
}

// Event is the stored event.
func (r EventRecord) Event() order.Event {
	return order.Event{Kind: order.EventKind(r.Kind), Type: r.Type, Source: r.Source, EventID: r.EventID,
		OrderID: r.OrderID, OccurredAt: r.OccurredAt.UTC(), ReceivedAt: r.ReceivedAt.UTC(),
		AmountMinor: r.AmountMinor, Currency: r.Currency, RefundIsTotal: r.RefundIsTotal,
		DisputeOutcome: r.DisputeOutcome, PaymentRef: r.PaymentRef, Refs: r.Refs, Sequence: r.Sequence,
		DisputeID: r.DisputeID, DisputeStatus: r.DisputeStatus, DisputeReason: r.DisputeReason,
		RespondBy: utcOrZero(r.RespondBy), TimeAnomaly: r.TimeAnomaly}
}

// TimelineRecord is one timeline entry: the event and what applying it did; shipment
// entries also carry the parcel, its reported status and the carrier's checkpoints.
type TimelineRecord struct {
	EventRecord
	Applied        bool               `json:"applied"`
	Reason         string             `json:"reason,omitempty"`
	TrackingNumber string             `json:"tracking_number,omitempty"`
	ShipmentStatus string             `json:"shipment_status,omitempty"`
	SubStatus      string             `json:"sub_status,omitempty"`
	Checkpoints    []CheckpointRecord `json:"checkpoints,omitempty"`
}

// CheckpointRecord is one carrier scan.
type CheckpointRecord struct {
	At       time.Time `json:"at"`
	Location string    `json:"location,omitempty"`
	Message  string    `json:"message,omitempty"`
	Status   string    `json:"status,omitempty"`
}

// EntryRecord is a timeline entry of order orderID as stored.
func EntryRecord(orderID string, e order.TimelineEntry) TimelineRecord {
	r := TimelineRecord{
		EventRecord: EventRecord{Kind: string(e.Kind), Type: e.Type, Source: e.Source, EventID: e.EventID,
			OrderID: orderID, OccurredAt: e.OccurredAt.UTC(), ReceivedAt: e.ReceivedAt.UTC(),
			AmountMinor: e.AmountMinor, Currency: e.Currency},
		Applied: e.Applied, Reason: e.Reason, TrackingNumber: e.TrackingNumber,
		ShipmentStatus: string(e.ShipmentStatus), SubStatus: e.SubStatus,
	}
	for _, c := range e.Checkpoints {
		r.Checkpoints = append(r.Checkpoints, CheckpointRecord{At: c.At.UTC(), Location: c.Location, Message: c.Message, Status: c.Status})
	}
	return r
}

// Entry is the stored timeline entry.
func (r TimelineRecord) Entry() order.TimelineEntry {
	e := r.Event().Entry(r.Applied, r.Reason)
	e.TrackingNumber, e.ShipmentStatus, e.SubStatus = r.TrackingNumber, order.ShipmentStatus(r.ShipmentStatus), r.SubStatus
	for _, c := range r.Checkpoints {
		e.Checkpoints = append(e.Checkpoints, order.Checkpoint{At: c.At.UTC(), Location: c.Location, Message: c.Message, Status: c.Status})
	}
	return e
}

// DedupeRecord marks a provider event as seen until ExpiresAt (unix seconds; DynamoDB's TTL
// attribute).
//
// While the event is not filed on an order, Unfiled holds it (and why) and the marker is in
// the unfiled-events index, until Retention.UnfiledExpiry (the embedded purge reads the
// record's time; on DynamoDB the adapter sets expires_at then): nothing verified is lost
// while the seller can still file it.
type DedupeRecord struct {
	OrderID   string         `json:"order_id"`
	ExpiresAt int64          `json:"expires_at,omitempty"`
	Unfiled   *UnfiledRecord `json:"unfiled,omitempty"`
}

// ClaimRecord says which order registered a carrier's tracking number.
type ClaimRecord struct {
	OrderID        string `json:"order_id"`
	Carrier        string `json:"carrier"`
	TrackingNumber string `json:"tracking_number"`
}

// TrackingEventRecord is a parked carrier event.
type TrackingEventRecord struct {
	Source         string             `json:"source"`
	EventID        string             `json:"event_id"`
	Type           string             `json:"event_type"`
	TrackingNumber string             `json:"tracking_number"`
	Carrier        string             `json:"carrier,omitempty"`
	Status         string             `json:"shipment_status,omitempty"`
	ProviderStatus string             `json:"provider_status,omitempty"`
	SubStatus      string             `json:"sub_status,omitempty"`
	OccurredAt     time.Time          `json:"occurred_at"`
	ReceivedAt     time.Time          `json:"received_at"`
	Checkpoints    []CheckpointRecord `json:"checkpoints,omitempty"`
	TimeAnomaly    string             `json:"time_anomaly,omitempty"`
	// Reason says why the event is parked, unfiled (order.FileTracking's words).
	Reason string `json:"reason,omitempty"`
}

// Claims is the claims of one tracking number as order.FileTracking takes them.
func Claims(records []ClaimRecord) []order.TrackingClaim {
	out := make([]order.TrackingClaim, len(records))
	for i, r := range records {
		out[i] = order.TrackingClaim{OrderID: r.OrderID, Carrier: r.Carrier}
	}
	return out
}

// NewTrackingEventRecord is ev as stored.
func NewTrackingEventRecord(ev order.TrackingEvent) TrackingEventRecord {
	r := TrackingEventRecord{Source: ev.Source, EventID: ev.EventID, Type: ev.Type, TrackingNumber: ev.TrackingNumber,
		Carrier: ev.Carrier, Status: string(ev.Status), ProviderStatus: ev.ProviderStatus, SubStatus: ev.SubStatus,
		OccurredAt: ev.OccurredAt.UTC(), ReceivedAt: ev.ReceivedAt.UTC(), TimeAnomaly: ev.TimeAnomaly}
	for _, c := range ev.Checkpoints {
		r.Checkpoints = append(r.Checkpoints, CheckpointRecord{At: c.At.UTC(), Location: c.Location, Message: c.Message, Status: c.Status})
	}
	return r
}

// Event is the stored carrier event.
func (r TrackingEventRecord) Event() order.TrackingEvent {
	ev := order.TrackingEvent{Source: r.Source, EventID: r.EventID, Type: r.Type, TrackingNumber: r.TrackingNumber,
		Carrier: r.Carrier, Status: order.ShipmentStatus(r.Status), ProviderStatus: r.ProviderStatus,
		SubStatus: r.SubStatus, OccurredAt: r.OccurredAt.UTC(), ReceivedAt: r.ReceivedAt.UTC(), TimeAnomaly: r.TimeAnomaly}
	for _, c := range r.Checkpoints {
		ev.Checkpoints = append(ev.Checkpoints, order.Checkpoint{At: c.At.UTC(), Location: c.Location, Message: c.Message, Status: c.Status})
	}
	return ev
}

// SortEvidence orders evidence by received-at (stable: one webhook's parts keep their order).
func SortEvidence(list []StoredEvidence) {
	sort.SliceStable(list, func(i, j int) bool { return list[i].ReceivedAt.Before(list[j].ReceivedAt) })
}
