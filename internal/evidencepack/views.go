package evidencepack

import (
	"time"

	"github.com/orderwire/orderwire/internal/order"
)

// orderView is order.json: the order's own facts with the API's field names, its parcels
// and disputes. It names the buyer by id only: no contact details.
type orderView struct {
	OrderID       string         `json:"order_id"`
	Status        string         `json:"status"`
	AmountMinor   int64          `json:"amount_minor"`
	Currency      string         `json:"currency"`
	BuyerID       string         `json:"buyer_id"`
	CreatedAt     time.Time      `json:"created_at"`
	PaymentDueAt  time.Time      `json:"payment_due_at"`
	UpdatedAt     time.Time      `json:"updated_at"`
	Version       int64          `json:"version"`
	PaymentStatus string         `json:"payment_status"`
	PaidMinor     int64          `json:"paid_minor"`
	RefundedMinor int64          `json:"refunded_minor"`
	Dispute       string         `json:"dispute,omitempty"`
	Disputes      []disputeView  `json:"disputes"`
	FraudWarning  bool           `json:"fraud_warning"`
	Shipments     []shipmentView `json:"shipments"`
}

type disputeView struct {
	Provider    string    `json:"provider"`
	ID          string    `json:"provider_dispute_id,omitempty"`
	Status      string    `json:"status"`
	Reason      string    `json:"reason,omitempty"`
	RespondBy   time.Time `json:"respond_by,omitzero"`
	AmountMinor int64     `json:"amount_minor,omitempty"`
	Currency    string    `json:"currency,omitempty"`
	OpenedAt    time.Time `json:"opened_at"`
	UpdatedAt   time.Time `json:"updated_at"`
}

type shipmentView struct {
	Carrier        string    `json:"carrier"`
	TrackingNumber string    `json:"tracking_number"`
	Service        string    `json:"service"`
	ShippedAt      time.Time `json:"shipped_at"`
	Status         string    `json:"status"`
	ProviderStatus string    `json:"provider_status,omitempty"`
	SubStatus      string    `json:"sub_status,omitempty"`
	StatusAt       time.Time `json:"status_at,omitzero"`
}

func newOrderView(o order.Order) orderView {
	v := orderView{OrderID: o.ID, Status: string(o.Status), AmountMinor: o.AmountMinor, Currency: o.Currency,
		BuyerID: o.BuyerID, CreatedAt: o.CreatedAt.UTC(), PaymentDueAt: o.PaymentDueAt.UTC(), UpdatedAt: o.UpdatedAt.UTC(),
		Version: o.Version, PaymentStatus: string(o.PaymentStatus), PaidMinor: o.PaidMinor, RefundedMinor: o.RefundedMinor,
		Dispute: o.Dispute, FraudWarning: o.FraudWarning, Disputes: []disputeView{}, Shipments: []shipmentView{}}
	for _, d := range o.Disputes {
		v.Disputes = append(v.Disputes, disputeView{Provider: d.Provider, ID: d.ID, Status: d.Status, Reason: d.Reason,
			RespondBy: d.RespondBy.UTC(), AmountMinor: d.AmountMinor,
			Currency: d.Currency, OpenedAt: d.OpenedAt.UTC(), UpdatedAt: d.UpdatedAt.UTC()})
	}
	for _, sh := range o.Shipments {
		v.Shipments = append(v.Shipments, shipmentView{Carrier: sh.Carrier, TrackingNumber: sh.TrackingNumber,
			Service: string(sh.Service), ShippedAt: sh.ShippedAt.UTC(), Status: string(sh.Status),
			ProviderStatus: sh.ProviderStatus, SubStatus: sh.SubStatus, StatusAt: sh.StatusAt.UTC()})
	}
	return v
}

// timelineView is one entry of timeline.json, with the API's field names.
type timelineView struct {
	Kind           string           `json:"kind"`
	Type           string           `json:"type"`
	Source         string           `json:"source"`
	EventID        string           `json:"provider_event_id"`
	OccurredAt     time.Time        `json:"occurred_at"`
	ReceivedAt     time.Time        `json:"received_at"`
	AmountMinor    int64            `json:"amount_minor,omitempty"`
	Currency       string           `json:"currency,omitempty"`
	Applied        bool             `json:"applied"`
	Reason         string           `json:"reason,omitempty"`
	TrackingNumber string           `json:"tracking_number,omitempty"`
	ShipmentStatus string           `json:"shipment_status,omitempty"`
	SubStatus      string           `json:"sub_status,omitempty"`
	Checkpoints    []checkpointView `json:"checkpoints,omitempty"`
}

type checkpointView struct {
	At       time.Time `json:"at"`
	Location string    `json:"location,omitempty"`
	Message  string    `json:"message,omitempty"`
	Status   string    `json:"status,omitempty"`
}

func newTimelineView(tl []order.TimelineEntry) []timelineView {
	out := make([]timelineView, 0, len(tl))
	for _, e := range tl {
		v := timelineView{Kind: string(e.Kind), Type: e.Type, Source: e.Source, EventID: e.EventID,
			OccurredAt: e.OccurredAt.UTC(), ReceivedAt: e.ReceivedAt.UTC(), AmountMinor: e.AmountMinor,
			Currency: e.Currency, Applied: e.Applied, Reason: e.Reason, TrackingNumber: e.TrackingNumber,
			ShipmentStatus: string(e.ShipmentStatus), SubStatus: e.SubStatus}
		for _, c := range e.Checkpoints {
			v.Checkpoints = append(v.Checkpoints, checkpointView{At: c.At.UTC(), Location: c.Location, Message: c.Message, Status: c.Status})
		}
		out = append(out, v)
	}
	return out
}
