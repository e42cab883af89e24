// Package store declares orderwire's persistence port. Adapters (internal/dynamo for AWS,
// internal/embedded for one machine) implement it natively and must pass the one
// conformance suite in store/storetest.
package store

import (
	"context"

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

	// Close releases the store's resources. The store is unusable afterwards.
	Close() error
}
