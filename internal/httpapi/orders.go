package httpapi

import (
	"net/http"
	"strconv"
	"time"

	"github.com/orderwire/orderwire/internal/order"
)

// orderResponse is an order as the API shows it. Buyer contact details are not echoed back.
type orderResponse struct {
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
	Dispute       *string        `json:"dispute"`  // the summary: null, "open", "won", "lost" or "closed"
	Disputes      []disputeJSON  `json:"disputes"` // always an array, in the order they opened
	FraudWarning  bool           `json:"fraud_warning"`
	Shipments     []shipmentJSON `json:"shipments"`
	// Timeline is always present in a GET answer and left out of a PUT answer.
	Timeline *[]timelineJSON `json:"timeline,omitempty"`
}

// disputeJSON is one dispute as its provider reported it: status in orderwire's five words
// (needs_response, under_review, won, lost, closed), the provider's reason code, and the
// deadline to answer (null when the provider gave none).
type disputeJSON struct {
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

func newDisputesJSON(list []order.Dispute) []disputeJSON {
	out := make([]disputeJSON, 0, len(list))
	for _, d := range list {
		j := disputeJSON{Provider: d.Provider, ProviderDisputeID: d.ID, Status: d.Status, Reason: d.Reason,
			AmountMinor: d.AmountMinor, Currency: d.Currency, OpenedAt: d.OpenedAt.UTC(), UpdatedAt: d.UpdatedAt.UTC()}
		if !d.RespondBy.IsZero() {
			at := d.RespondBy.UTC()
			j.RespondBy = &at
		}
		out = append(out, j)
	}
	return out
}

// timelineJSON is one timeline entry: what a provider said and whether it changed the order.
type timelineJSON struct {
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
	TrackingNumber string           `json:"tracking_number,omitempty"`
	ShipmentStatus string           `json:"shipment_status,omitempty"`
	SubStatus      string           `json:"sub_status,omitempty"`
	Checkpoints    []checkpointJSON `json:"checkpoints,omitempty"`
}

func newOrderResponse(o order.Order, timeline []order.TimelineEntry) orderResponse {
	r := orderResponse{OrderID: o.ID, Status: string(o.Status), AmountMinor: o.AmountMinor,
		Currency: o.Currency, BuyerID: o.BuyerID, CreatedAt: o.CreatedAt, PaymentDueAt: o.PaymentDueAt,
		UpdatedAt: o.UpdatedAt, Version: o.Version, PaymentStatus: string(o.PaymentStatus),
		PaidMinor: o.PaidMinor, RefundedMinor: o.RefundedMinor, FraudWarning: o.FraudWarning,
		Shipments: newShipmentsJSON(o.Shipments), Disputes: newDisputesJSON(o.Disputes),
	}
	if o.Dispute != "" {
		r.Dispute = &o.Dispute
	}
	if timeline == nil {
		return r
	}
	entries := make([]timelineJSON, 0, len(timeline))
	r.Timeline = &entries
	for _, e := range timeline {
		entries = append(entries, timelineJSON{Kind: string(e.Kind), Type: e.Type, Source: e.Source,
			EventID: e.EventID, OccurredAt: e.OccurredAt, ReceivedAt: e.ReceivedAt, AmountMinor: e.AmountMinor,
			Currency: e.Currency, Applied: e.Applied, Reason: e.Reason, TrackingNumber: e.TrackingNumber,
			ShipmentStatus: string(e.ShipmentStatus), SubStatus: e.SubStatus, Checkpoints: newCheckpointsJSON(e.Checkpoints)})
	}
	return r
}

// order serves PUT and GET /v1/orders/{order_id}.
func (a *api) order(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("order_id")
	switch r.Method {
	case http.MethodGet, http.MethodHead:
		o, timeline, err := a.orders.GetOrder(r.Context(), id)
		if err != nil {
			writeError(w, err)
			return
		}
		if timeline == nil {
			timeline = []order.TimelineEntry{}
		}
		writeOrder(w, http.StatusOK, o, timeline)
	case http.MethodPut:
		terms, err := decodeTerms(w, r, id)
		if err != nil {
			writeError(w, err)
			return
		}
		o, created, err := a.orders.PutOrder(r.Context(), id, terms)
		if err != nil {
			writeError(w, err)
			return
		}
		status := http.StatusOK
		if created {
			status = http.StatusCreated
			w.Header().Set("Location", "/v1/orders/"+o.ID)
		}
		writeOrder(w, status, o, nil)
	default: // the mux routes only GET, HEAD and PUT here
		w.Header().Set("Allow", "GET, HEAD, PUT")
		writeError(w, order.Errorf(codeMethodNotAllowed, "httpapi", "method %s is not allowed here", r.Method))
	}
}

// writeOrder answers with the order; timeline nil leaves the timeline out (PUT answers).
func writeOrder(w http.ResponseWriter, status int, o order.Order, timeline []order.TimelineEntry) {
	w.Header().Set("ETag", strconv.Quote("v"+strconv.FormatInt(o.Version, 10)))
	writeJSON(w, status, newOrderResponse(o, timeline))
}
