package summarypdf

import (
	"strings"
	"time"

	"github.com/orderwire/orderwire/internal/summary"
)

// sample is an order after a Stripe payment, a parcel shipped from Shenzhen with carrier
// checkpoints in Chinese and English (as 17TRACK and AfterShip pass on the carrier's own
// words), two buyer messages and a Stripe dispute awaiting a response. The values are made
// up; the vocabularies are orderwire's (order and payment statuses as the API shows them,
// dispute statuses of issue 11, outbox statuses).
func sample(lang string) summary.Summary {
	at := func(day, hour, minute int) time.Time {
		return time.Date(2026, 11, day, hour, minute, 0, 0, time.UTC)
	}
	return summary.Summary{
		Lang:          lang,
		GeneratedAt:   at(30, 9, 15),
		Version:       "v0.11.0",
		OrderID:       "ord_7Q2XK9",
		Status:        "delivered",
		AmountMinor:   12345,
		Currency:      "USD",
		CreatedAt:     at(2, 8, 0),
		PaymentStatus: "paid",
		PaidMinor:     12345,
		RefundedMinor: 0,
		Parcels: []summary.Parcel{{
			Carrier:        "china-post",
			TrackingNumber: "LX123456789CN",
			Service:        "ePacket",
			ShippedAt:      at(3, 10, 0),
			Status:         "delivered",
			Checkpoints: []summary.Checkpoint{
				{At: at(3, 10, 0), Location: "Shenzhen 深圳市 转运中心", Message: "已收寄 Acceptance"},
				{At: at(5, 2, 30), Location: "Los Angeles, CA", Message: "Arrived at facility"},
				{At: at(9, 17, 42), Location: "Portland, OR 97201", Message: "Delivered, front door"},
			},
		}},
		Messages: []summary.Message{
			{ID: "msg_1", Kind: "payment_received", Channel: "email", SentAt: at(2, 8, 1), Status: "sent",
				Subject: "We received your payment for order ord_7Q2XK9"},
			{ID: "msg_2", Kind: "shipment_delivered", Channel: "", SentAt: at(9, 18, 0), Status: "skipped",
				Subject: "Your order was delivered"},
		},
		Disputes: []summary.Dispute{{
			Provider: "stripe", ID: "dp_1QxY2Z", Status: "needs_response", Reason: "product_not_received",
			AmountMinor: 12345, Currency: "USD", OpenedAt: at(20, 4, 0), RespondBy: at(29, 23, 59),
		}},
		Events: []summary.Event{
			{At: at(2, 8, 0), Source: "stripe", Type: "payment_intent.succeeded", Applied: true, Note: "pi_3Q"},
			{At: at(3, 10, 0), Source: "17track", Type: "TRACKING_UPDATED", Applied: false, Note: "InfoReceived, behind delivered"},
			{At: at(20, 4, 0), Source: "stripe", Type: "charge.dispute.created", Applied: true,
				Note: "<b>buyer</b> says: " + strings.Repeat("never arrived ", 30)},
		},
	}
}

// latinOnly replaces the sample's Chinese checkpoint text with English.
func latinOnly(s summary.Summary) summary.Summary {
	p := s.Parcels[0]
	p.Checkpoints = append([]summary.Checkpoint(nil), p.Checkpoints...)
	p.Checkpoints[0].Location, p.Checkpoints[0].Message = "Shenzhen sorting center", "Acceptance"
	s.Parcels = []summary.Parcel{p}
	return s
}
