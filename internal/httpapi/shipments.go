package httpapi

import (
	"net/http"
	"time"

	"github.com/orderwire/orderwire/internal/order"
	"github.com/orderwire/orderwire/internal/seller"
)

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
