// Package seller holds the use cases behind the seller API: register or amend an order,
// read it back. It speaks the domain and reaches storage through the narrow interface below.
package seller

import (
	"context"
	"time"

	"github.com/orderwire/orderwire/internal/order"
	"github.com/orderwire/orderwire/internal/reminder"
)

// Orders is the storage the seller use cases need (store.Store satisfies it).
type Orders interface {
	GetOrder(ctx context.Context, id string) (order.Order, error)
	GetBuyer(ctx context.Context, id string) (order.Buyer, error)
	SaveOrder(ctx context.Context, o order.Order, b order.Buyer) error
	ApplyParked(ctx context.Context, id string, now time.Time) (int, error)
	Timeline(ctx context.Context, id string) ([]order.TimelineEntry, error)
	AddShipment(ctx context.Context, ch order.ShipmentChange) error
	ApplyParkedTracking(ctx context.Context, trackingNumber string, now time.Time) (int, error)
}

// maxAttempts bounds the read-modify-write loop when concurrent writers keep winning.
const maxAttempts = 8

// Service runs the seller use cases. Now is swappable for tests; nil means time.Now.
// Policy schedules the payment reminders of unpaid orders; nil means the default policy.
type Service struct {
	Orders Orders
	Now    func() time.Time
	Policy *reminder.Policy
}

func (s *Service) policy() reminder.Policy {
	if s.Policy != nil {
		return *s.Policy
	}
	return reminder.DefaultPolicy()
}

// schedule copies the buyer's rating tier and time zone onto o and sets its due-index time.
func (s *Service) schedule(ctx context.Context, o order.Order, b order.Buyer) (order.Order, error) {
	stats := order.BuyerStats{}
	stored, err := s.Orders.GetBuyer(ctx, b.ID)
	switch order.ErrorCode(err) {
	case "":
		stats = stored.Stats
	case order.CodeNotFound: // a new buyer
	default:
		return o, err
	}
	o.DunningTier = string(reminder.Rate(stats).Tier)
	o.BuyerTimeZone = b.TimeZone
	return s.policy().Schedule(o), nil
}

func (s *Service) now() time.Time {
	if s.Now != nil {
		return s.Now()
	}
	return time.Now()
}

// PutOrder creates the order id with terms, or amends it if it exists, and reports whether
// it was created. The buyer's details are normalised (canonical locale, trimmed text) and
// stored with the order. A write that loses a race to another writer is retried from a fresh
// read; the state machine's rules (no amount change after payment) are checked on every try.
//
// Provider events that arrived before the order was registered are applied right after the
// write, in the order they occurred; the returned order includes their effect. Applying them
// on every PUT (not only on creation) also finishes the job if a previous attempt failed
// half-way.
func (s *Service) PutOrder(ctx context.Context, id string, terms order.Terms) (order.Order, bool, error) {
	const op = "seller.PutOrder"
	terms.Buyer = terms.Buyer.Normalize()
	if !order.ValidID(id) {
		_, err := order.New(id, terms, s.now()) // reports the id with every other bad field
		return order.Order{}, false, err
	}
	for attempt := 0; attempt < maxAttempts; attempt++ {
		cur, err := s.Orders.GetOrder(ctx, id)
		created := order.ErrorCode(err) == order.CodeNotFound
		var next order.Order
		switch {
		case created:
			next, err = order.New(id, terms, s.now())
		case err == nil:
			next, err = cur.Amend(terms, s.now())
		}
		if err == nil {
			next, err = s.schedule(ctx, next, terms.Buyer)
		}
		if err != nil {
			return order.Order{}, false, err
		}
		err = s.Orders.SaveOrder(ctx, next, terms.Buyer)
		if order.ErrorCode(err) == order.CodeConflict {
			continue // someone else wrote first: re-read and apply the terms to their version
		}
		if err != nil {
			return order.Order{}, false, err
		}
		return s.applyParked(ctx, next, created)
	}
	return order.Order{}, false, order.Errorf(order.CodeConflict, op,
		"order %s is being changed by other requests; try again", id)
}

func (s *Service) applyParked(ctx context.Context, o order.Order, created bool) (order.Order, bool, error) {
	n, err := s.Orders.ApplyParked(ctx, o.ID, s.now())
	if err != nil || n == 0 {
		return o, created, err
	}
	o, err = s.Orders.GetOrder(ctx, o.ID)
	return o, created, err
}

// GetOrder returns the order id and its timeline.
func (s *Service) GetOrder(ctx context.Context, id string) (order.Order, []order.TimelineEntry, error) {
	if !order.ValidID(id) {
		var fe order.FieldErrors
		fe.Add("order_id", "must be 1-64 characters of A-Z a-z 0-9 . _ : -")
		return order.Order{}, nil, fe.Err("seller.GetOrder")
	}
	o, err := s.Orders.GetOrder(ctx, id)
	if err != nil {
		return order.Order{}, nil, err
	}
	timeline, err := s.Orders.Timeline(ctx, id)
	return o, timeline, err
}
