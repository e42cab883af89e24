package httpapi

import (
	"net/http"
	"time"

	"github.com/orderwire/orderwire/internal/order"
	"github.com/orderwire/orderwire/internal/seller"
)

// shipmentJSON is a parcel as the API shows it.
type shipmentJSON struct {
	Carrier        string     `json:"carrier"`
	TrackingNumber string     `json:"tracking_number"`
	Service        string     `json:"service"`
	ShippedAt      time.Time  `json:"shipped_at"`
	Status         string     `json:"status"`
	ProviderStatus string     `json:"provider_status,omitempty"`
	SubStatus      string     `json:"sub_status,omitempty"`
	StatusAt       *time.Time `json:"status_at"` // null until a carrier reports
}

func newShipmentsJSON(list []order.Shipment) []shipmentJSON {
	out := make([]shipmentJSON, 0, len(list))
	for _, sh := range list {
		out = append(out, shipmentJSON{Carrier: sh.Carrier, TrackingNumber: sh.TrackingNumber, Service: string(sh.Service),
			ShippedAt: sh.ShippedAt, Status: string(sh.Status), ProviderStatus: sh.ProviderStatus,
			SubStatus: sh.SubStatus})
		if !sh.StatusAt.IsZero() {
			at := sh.StatusAt
			out[len(out)-1].StatusAt = &at
		}
	}
	return out
}

// checkpointJSON is one carrier scan on the timeline.
type checkpointJSON struct {
	At       time.Time `json:"at"`
	Location string    `json:"location,omitempty"`
	Message  string    `json:"message,omitempty"`
	Status   string    `json:"status,omitempty"`
}

func newCheckpointsJSON(list []order.Checkpoint) []checkpointJSON {
	var out []checkpointJSON
	for _, c := range list {
		out = append(out, checkpointJSON{At: c.At, Location: c.Location, Message: c.Message, Status: c.Status})
	}
	return out
}

// shipments serves POST /v1/orders/{order_id}/shipments: 201 with the order for a new
// parcel, 200 when the same carrier and tracking number were already registered.
func (a *api) shipments(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("order_id")
	in, err := decodeShipment(w, r)
	if err != nil {
		writeError(w, err)
		return
	}
	o, created, err := a.orders.AddShipment(r.Context(), id, in)
	if err != nil {
		writeError(w, err)
		return
	}
	status := http.StatusOK
	if created {
		status = http.StatusCreated
	}
	writeOrder(w, status, o, nil)
}

// decodeShipment reads the body: carrier, tracking_number, service, optional shipped_at and
// force. Every problem, from JSON types to the domain's checks, comes back at once.
func decodeShipment(w http.ResponseWriter, r *http.Request) (seller.ShipmentInput, error) {
	const op = "httpapi.decodeShipment"
	body, err := readBody(w, r)
	if err != nil {
		return seller.ShipmentInput{}, err
	}
	var errs order.FieldErrors
	obj, ok := parseObject(body, "", &errs)
	if !ok {
		return seller.ShipmentInput{}, order.Errorf(order.CodeInvalid, op, "request body must be one JSON object")
	}
	var in seller.ShipmentInput
	obj.field("carrier", &in.Carrier, true, "a string")
	obj.field("tracking_number", &in.TrackingNumber, true, "a string")
	obj.field("service", &in.Service, true, "a string")
	in.ShippedAt = obj.timeField("shipped_at", false)
	obj.field("force", &in.Force, false, "true or false")
	obj.rejectUnknown()
	if len(errs) == 0 {
		return in, nil
	}
	var domain *order.Error
	if _, err := order.NewShipment(in.Carrier, in.TrackingNumber, in.Service, in.ShippedAt, time.Now()); asError(err, &domain) {
		for field, reason := range domain.Fields {
			errs.Add(field, reason)
		}
	}
	return seller.ShipmentInput{}, errs.Err(op)
}
