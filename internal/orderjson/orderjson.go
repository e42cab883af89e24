// Package orderjson is an order as orderwire shows it outside: the seller API's JSON
// (GET /v1/orders/{id}, the buyer export) and the evidence pack's order.json and
// timeline.json share these shapes, so a field reads the same everywhere. Buyer contact
// details are never part of them.
package orderjson

import (
	"time"

	"github.com/orderwire/orderwire/internal/order"
)

// Order is an order as the API shows it. Buyer contact details are not echoed back.
type Order struct {
	OrderID       string     `json:"order_id"`
	Status        string     `json:"status"`
	AmountMinor   int64      `json:"amount_minor"`
	Currency      string     `json:"currency"`
	BuyerID       string     `json:"buyer_id"`
	CreatedAt     time.Time  `json:"created_at"`
	PaymentDueAt  time.Time  `json:"payment_due_at"`
	UpdatedAt     time.Time  `json:"updated_at"`
	Version       int64      `json:"version"`
	PaymentStatus string     `json:"payment_status"`
	PaidMinor     int64      `json:"paid_minor"`
	RefundedMinor int64      `json:"refunded_minor"`
	Dispute       *string    `json:"dispute"`  // the summary: null, "open", "won", "lost" or "closed"
	Disputes      []Dispute  `json:"disputes"` // always an array, in the order they opened
	FraudWarning  bool       `json:"fraud_warning"`
	Shipments     []Shipment `json:"shipments"`
	// Timeline is always present in a GET answer and left out of a PUT answer.
	Timeline *[]TimelineEntry `json:"timeline,omitempty"`
}

// Dispute is one dispute as its provider reported it: status in orderwire's five words
// (needs_response, under_review, won, lost, closed), the provider's reason code, and the
// deadline to answer (null when the provider gave none).
type Dispute struct {
	Provider          string     `json:"provider"`
	ProviderDisputeID string     `json:"provider_dispute_id"`
	Status            string     `json:"status"`
	Reason            string     `json:"reason"`
	AmountMinor       int64      `json:"amount_minor"`
	Currency          string     `json:"currency"`
	OpenedAt          time.Time  `json:"opened_at"`
	RespondBy         *time.Time `json:"respond_by"`
	UpdatedAt         time.Time  `json:"updated_at"`
}

func disputes(list []order.Dispute) []Dispute {
	out := make([]Dispute, 0, len(list))
	for _, d := range list {
		j := Dispute{Provider: d.Provider, ProviderDisputeID: d.ID, Status: d.Status, Reason: d.Reason,
			AmountMinor: d.AmountMinor, Currency: d.Currency, OpenedAt: d.OpenedAt.UTC(), UpdatedAt: d.UpdatedAt.UTC()}
		if !d.RespondBy.IsZero() {
			at := d.RespondBy.UTC()
			j.RespondBy = &at
		}
		out = append(out, j)
	}
	return out
}

// TimelineEntry is one timeline entry: what a provider said and whether it changed the order.
type TimelineEntry struct {
	Kind        string    `json:"kind"`
	Type        string    `json:"type"`
	Source      string    `json:"source"`
	EventID     string    `json:"provider_event_id"`
	OccurredAt  time.Time `json:"occurred_at"`
	ReceivedAt  time.Time `json:"received_at"`
	AmountMinor int64     `json:"amount_minor,omitempty"`
	Currency    string    `json:"currency,omitempty"`
	Applied     bool      `json:"applied"`
	Reason      string    `json:"reason,omitempty"`
	// Shipment entries only.
	TrackingNumber string       `json:"tracking_number,omitempty"`
	ShipmentStatus string       `json:"shipment_status,omitempty"`
	SubStatus      string       `json:"sub_status,omitempty"`
	Checkpoints    []Checkpoint `json:"checkpoints,omitempty"`
}

// New is order o as the API shows it, with its timeline; a nil timeline leaves it out.
func New(o order.Order, timeline []order.TimelineEntry) Order {
	r := Order{OrderID: o.ID, Status: string(o.Status), AmountMinor: o.AmountMinor,
		Currency: o.Currency, BuyerID: o.BuyerID, CreatedAt: o.CreatedAt, PaymentDueAt: o.PaymentDueAt,
		UpdatedAt: o.UpdatedAt, Version: o.Version, PaymentStatus: string(o.PaymentStatus),
		PaidMinor: o.PaidMinor, RefundedMinor: o.RefundedMinor, FraudWarning: o.FraudWarning,
		Shipments: shipments(o.Shipments), Disputes: disputes(o.Disputes),
	}
	if o.Dispute != "" {
		r.Dispute = &o.Dispute
	}
	if timeline == nil {
		return r
	}
	entries := Timeline(timeline)
	r.Timeline = &entries
	return r
}

// Timeline is the entries of an order's timeline as the API shows them (always an array).
func Timeline(tl []order.TimelineEntry) []TimelineEntry {
	entries := make([]TimelineEntry, 0, len(tl))
	for _, e := range tl {
		entries = append(entries, TimelineEntry{Kind: string(e.Kind), Type: e.Type, Source: e.Source,
			EventID: e.EventID, OccurredAt: e.OccurredAt, ReceivedAt: e.ReceivedAt, AmountMinor: e.AmountMinor,
			Currency: e.Currency, Applied: e.Applied, Reason: e.Reason, TrackingNumber: e.TrackingNumber,
			ShipmentStatus: string(e.ShipmentStatus), SubStatus: e.SubStatus, Checkpoints: checkpoints(e.Checkpoints)})
	}
	return entries
}

// Shipment is a parcel as the API shows it.
type Shipment struct {
	Carrier        string     `json:"carrier"`
	TrackingNumber string     `json:"tracking_number"`
	Service        string     `json:"service"`
	ShippedAt      time.Time  `json:"shipped_at"`
	Status         string     `json:"status"`
	ProviderStatus string     `json:"provider_status,omitempty"`
	SubStatus      string     `json:"sub_status,omitempty"`
	StatusAt       *time.Time `json:"status_at"` // null until a carrier reports
}

func shipments(list []order.Shipment) []Shipment {
	out := make([]Shipment, 0, len(list))
	for _, sh := range list {
		out = append(out, Shipment{Carrier: sh.Carrier, TrackingNumber: sh.TrackingNumber, Service: string(sh.Service),
			ShippedAt: sh.ShippedAt, Status: string(sh.Status), ProviderStatus: sh.ProviderStatus,
			SubStatus: sh.SubStatus})
		if !sh.StatusAt.IsZero() {
			at := sh.StatusAt
			out[len(out)-1].StatusAt = &at
		}
	}
	return out
}

// Checkpoint is one carrier scan on the timeline.
type Checkpoint struct {
	At       time.Time `json:"at"`
	Location string    `json:"location,omitempty"`
	Message  string    `json:"message,omitempty"`
	Status   string    `json:"status,omitempty"`
}

func checkpoints(list []order.Checkpoint) []Checkpoint {
	var out []Checkpoint
	for _, c := range list {
		out = append(out, Checkpoint{At: c.At, Location: c.Location, Message: c.Message, Status: c.Status})
	}
	return out
}
