package store

import (
	"context"
	"time"

	"github.com/orderwire/orderwire/internal/order"
)

// OrderLister lists orders for the seller (GET /v1/orders, the console's Orders and Today
// pages). Each page is read from an index: on DynamoDB a Query, never a Scan.
type OrderLister interface {
	// ListOrders returns one page of the orders q selects. Without Attention they are
	// newest first (UpdatedAt, then id, descending); with Attention, most urgent first (see
	// OrderQuery.Attention). A malformed or foreign Cursor is CodeInvalid.
	ListOrders(ctx context.Context, q OrderQuery) (OrderPage, error)
}

// OrderQuery selects orders. Every set field must match (they combine with AND).
type OrderQuery struct {
	Status        order.Status        // "" = any
	PaymentStatus order.PaymentStatus // "" = any
	BuyerID       string              // "" = any
	// UpdatedSince keeps orders with UpdatedAt at or after it (zero = any).
	UpdatedSince time.Time
	// Attention is "" (no attention filter), "any" (orders needing attention of any kind),
	// or one of order.AttentionKinds. Orders needing attention come most urgent first:
	// those with a dispute deadline earliest RespondBy first, then the others oldest cause
	// first.
	Attention string
	// Now and UnshippedAfter decide order.AttentionUnshipped (paid before Now-UnshippedAfter,
	// no parcel). Zero Now means time.Now; zero UnshippedAfter means 3 days.
	Now            time.Time
	UnshippedAfter time.Duration
	// Limit is the page size, 1..MaxOrderPage (0 means DefaultOrderPage).
	Limit int
	// Cursor is OrderPage.Next of the previous page ("" for the first page): opaque.
	Cursor string
}

// Page sizes of ListOrders.
const (
	DefaultOrderPage = 50
	MaxOrderPage     = 200
)

// OrderPage is one page of ListOrders.
type OrderPage struct {
	Orders []order.Order
	// Next is the cursor of the following page, "" on the last page.
	Next string
}
