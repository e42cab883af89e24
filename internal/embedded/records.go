package embedded

import (
	"encoding/json"
	"fmt"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/orderwire/orderwire/internal/order"
	"github.com/orderwire/orderwire/internal/store"
)

// Keys mirror the DynamoDB table's PK and SK, joined by a NUL byte (ids never contain one).
func key(pk, sk string) []byte { return []byte(pk + "\x00" + sk) }

func orderKey(id string) []byte { return key(store.OrderPK(id), store.MetaSK) }
func buyerKey(id string) []byte { return key(store.BuyerPK(id), store.ProfileSK) }

// read decodes the JSON value at k into v and reports whether it existed.
func read(b *bolt.Bucket, k []byte, v any) (bool, error) {
	raw := b.Get(k)
	if raw == nil {
		return false, nil
	}
	if err := json.Unmarshal(raw, v); err != nil {
		return true, fmt.Errorf("decode %q: %w", k, err)
	}
	return true, nil
}

func write(b *bolt.Bucket, k []byte, v any) error {
	raw, err := json.Marshal(v)
	if err != nil {
		return fmt.Errorf("encode %q: %w", k, err)
	}
	return b.Put(k, raw)
}

// orderRecord is an order as stored. Field names match the DynamoDB item's attributes.
type orderRecord struct {
	ID           string    `json:"order_id"`
	BuyerID      string    `json:"buyer_id"`
	AmountMinor  int64     `json:"amount_minor"`
	Currency     string    `json:"currency"`
	CreatedAt    time.Time `json:"created_at"`
	PaymentDueAt time.Time `json:"payment_due_at"`
	Status       string    `json:"status"`
	Payment      string    `json:"payment_status,omitempty"`
	Dispute      string    `json:"dispute,omitempty"`
	PaidMinor    int64     `json:"paid_minor,omitempty"`
	Refunded     int64     `json:"refunded_minor,omitempty"`
	FraudWarning bool      `json:"fraud_warning,omitempty"`
	Version      int64     `json:"version"`
	UpdatedAt    time.Time `json:"updated_at"`
}

func newOrderRecord(o order.Order) orderRecord {
	return orderRecord{ID: o.ID, BuyerID: o.BuyerID, AmountMinor: o.AmountMinor, Currency: o.Currency,
		CreatedAt: o.CreatedAt.UTC(), PaymentDueAt: o.PaymentDueAt.UTC(), Status: string(o.Status),
		Payment: string(o.PaymentStatus), Dispute: o.Dispute, PaidMinor: o.PaidMinor, Refunded: o.RefundedMinor,
		FraudWarning: o.FraudWarning, Version: o.Version, UpdatedAt: o.UpdatedAt.UTC()}
}

func (r orderRecord) order() order.Order {
	return order.Order{ID: r.ID, BuyerID: r.BuyerID, AmountMinor: r.AmountMinor, Currency: r.Currency,
		CreatedAt: r.CreatedAt.UTC(), PaymentDueAt: r.PaymentDueAt.UTC(), Status: order.Status(r.Status),
		PaymentStatus: order.PaymentStatus(r.Payment), Dispute: r.Dispute, PaidMinor: r.PaidMinor,
		RefundedMinor: r.Refunded, FraudWarning: r.FraudWarning, Version: r.Version, UpdatedAt: r.UpdatedAt.UTC()}
}

// buyerRecord is a buyer as stored. Fields other features add later (opt-outs, rating) are
// left alone by setContact, which the seller's order updates call.
type buyerRecord struct {
	ID       string `json:"buyer_id"`
	Name     string `json:"name"`
	Email    string `json:"email,omitempty"`
	Phone    string `json:"phone,omitempty"`
	Locale   string `json:"locale"`
	TimeZone string `json:"timezone"`
	Country  string `json:"country"`
}

func (r *buyerRecord) setContact(b order.Buyer) {
	r.ID, r.Name, r.Email, r.Phone = b.ID, b.Name, b.Email, b.Phone
	r.Locale, r.TimeZone, r.Country = b.Locale, b.TimeZone, b.Country
}

func (r buyerRecord) buyer() order.Buyer {
	return order.Buyer{ID: r.ID, Name: r.Name, Email: r.Email, Phone: r.Phone,
		Locale: r.Locale, TimeZone: r.TimeZone, Country: r.Country}
}
