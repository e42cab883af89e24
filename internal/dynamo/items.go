package dynamo

import (
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/orderwire/orderwire/internal/order"
	"github.com/orderwire/orderwire/internal/store"
)

// Shorthands for the shared key layout (store/keys.go).
const (
	metaSK    = store.MetaSK
	profileSK = store.ProfileSK
)

func orderPK(id string) string { return store.OrderPK(id) }
func buyerPK(id string) string { return store.BuyerPK(id) }

func itemKey(pk, sk string) map[string]types.AttributeValue {
	return map[string]types.AttributeValue{
		"PK": &types.AttributeValueMemberS{Value: pk},
		"SK": &types.AttributeValueMemberS{Value: sk},
	}
}

// orderItem is the order's META item. Times are RFC 3339 strings with nanoseconds, in UTC.
type orderItem struct {
	PK           string    `dynamodbav:"PK"`
	SK           string    `dynamodbav:"SK"`
	Type         string    `dynamodbav:"item_type"`
	ID           string    `dynamodbav:"order_id"`
	BuyerID      string    `dynamodbav:"buyer_id"`
	AmountMinor  int64     `dynamodbav:"amount_minor"`
	Currency     string    `dynamodbav:"currency"`
	CreatedAt    time.Time `dynamodbav:"created_at"`
	PaymentDueAt time.Time `dynamodbav:"payment_due_at"`
	Status       string    `dynamodbav:"status"`
	Payment      string    `dynamodbav:"payment_status,omitempty"`
	Dispute      string    `dynamodbav:"dispute,omitempty"`
	PaidMinor    int64     `dynamodbav:"paid_minor,omitempty"`
	Refunded     int64     `dynamodbav:"refunded_minor,omitempty"`
	FraudWarning bool      `dynamodbav:"fraud_warning,omitempty"`
	Version      int64     `dynamodbav:"version"`
	UpdatedAt    time.Time `dynamodbav:"updated_at"`
}

func newOrderItem(o order.Order) orderItem {
	return orderItem{PK: orderPK(o.ID), SK: metaSK, Type: "order", ID: o.ID, BuyerID: o.BuyerID,
		AmountMinor: o.AmountMinor, Currency: o.Currency, CreatedAt: o.CreatedAt.UTC(),
		PaymentDueAt: o.PaymentDueAt.UTC(), Status: string(o.Status), Payment: string(o.PaymentStatus),
		Dispute: o.Dispute, PaidMinor: o.PaidMinor, Refunded: o.RefundedMinor, FraudWarning: o.FraudWarning,
		Version: o.Version, UpdatedAt: o.UpdatedAt.UTC()}
}

func (it orderItem) order() order.Order {
	return order.Order{ID: it.ID, BuyerID: it.BuyerID, AmountMinor: it.AmountMinor, Currency: it.Currency,
		CreatedAt: it.CreatedAt.UTC(), PaymentDueAt: it.PaymentDueAt.UTC(), Status: order.Status(it.Status),
		PaymentStatus: order.PaymentStatus(it.Payment), Dispute: it.Dispute, PaidMinor: it.PaidMinor,
		RefundedMinor: it.Refunded, FraudWarning: it.FraudWarning, Version: it.Version, UpdatedAt: it.UpdatedAt.UTC()}
}

// buyerItem is the buyer's PROFILE item.
type buyerItem struct {
	ID       string `dynamodbav:"buyer_id"`
	Name     string `dynamodbav:"name"`
	Email    string `dynamodbav:"email,omitempty"`
	Phone    string `dynamodbav:"phone,omitempty"`
	Locale   string `dynamodbav:"locale"`
	TimeZone string `dynamodbav:"timezone"`
	Country  string `dynamodbav:"country"`
}

func (it buyerItem) buyer() order.Buyer {
	return order.Buyer{ID: it.ID, Name: it.Name, Email: it.Email, Phone: it.Phone,
		Locale: it.Locale, TimeZone: it.TimeZone, Country: it.Country}
}

// buyerContactUpdate sets the buyer's contact attributes and removes an email or phone the
// seller no longer gives, leaving every other attribute of the profile untouched.
func (s *Store) buyerContactUpdate(b order.Buyer) *types.Update {
	values := map[string]types.AttributeValue{}
	names := map[string]string{}
	var set, remove []string
	assign := func(attr, value string) {
		names["#"+attr] = attr
		if value == "" {
			remove = append(remove, "#"+attr)
			return
		}
		set = append(set, "#"+attr+" = :"+attr)
		values[":"+attr] = &types.AttributeValueMemberS{Value: value}
	}
	assign("item_type", "buyer")
	assign("buyer_id", b.ID)
	assign("name", b.Name)
	assign("email", b.Email)
	assign("phone", b.Phone)
	assign("locale", b.Locale)
	assign("timezone", b.TimeZone)
	assign("country", b.Country)
	expr := "SET " + strings.Join(set, ", ")
	if len(remove) > 0 {
		expr += " REMOVE " + strings.Join(remove, ", ")
	}
	return &types.Update{
		TableName:                 &s.table,
		Key:                       itemKey(buyerPK(b.ID), profileSK),
		UpdateExpression:          aws.String(expr),
		ExpressionAttributeNames:  names,
		ExpressionAttributeValues: values,
	}
}
