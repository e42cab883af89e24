package seller

import (
	"context"
	"errors"
	"time"

	"github.com/orderwire/orderwire/internal/order"
	"github.com/orderwire/orderwire/internal/store"
)

// ShipmentInput is a parcel the seller registers.
type ShipmentInput struct {
	Carrier        string
	TrackingNumber string
	Service        order.Service
	ShippedAt      time.Time // zero means now
	Force          bool      // ship an unpaid order anyway (recorded on the timeline)
}

// AddShipment registers a parcel on order id and reports whether it is new (the same
// carrier and tracking number again is not). Carrier events that arrived for the tracking
// number before the registration are applied right after it; the returned order includes
// them. A tracking number another order holds is a conflict, as is shipping an unpaid order
// without Force.
func (s *Service) AddShipment(ctx context.Context, id string, in ShipmentInput) (order.Order, bool, error) {
	const op = "seller.AddShipment"
	if !order.ValidID(id) {
		var fe order.FieldErrors
		fe.Add("order_id", "must be 1-64 characters of A-Z a-z 0-9 . _ : -")
		return order.Order{}, false, fe.Err(op)
	}
	sh, err := order.NewShipment(in.Carrier, in.TrackingNumber, in.Service, in.ShippedAt, s.now())
	if err != nil {
		return order.Order{}, false, err
	}
	for attempt := 0; attempt < maxAttempts; attempt++ {
		cur, err := s.Orders.GetOrder(ctx, id)
		if err != nil {
			return order.Order{}, false, err
		}
		ch, err := cur.AddShipment(sh, in.Force, s.now())
		if err != nil || ch.Existing {
			return ch.Order, false, err
		}
		err = s.Orders.AddShipment(ctx, ch)
		if order.ErrorCode(err) == order.CodeConflict && !errors.Is(err, store.ErrTrackingTaken) {
			continue // the order changed since it was read
		}
		if err != nil {
			return order.Order{}, false, err
		}
		n, err := s.Orders.ApplyParkedTracking(ctx, sh.TrackingNumber, s.now())
		if err != nil || n == 0 {
			return ch.Order, true, err
		}
		o, err := s.Orders.GetOrder(ctx, id)
		return o, true, err
	}
	return order.Order{}, false, order.Errorf(order.CodeConflict, op, "order %s is being changed by other requests; try again", id)
}
