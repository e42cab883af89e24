package message

import (
	"fmt"
	"strings"
	"time"
)

// The seller alert channels (the notifier records a delivery per channel, like the buyer's
// email and sms).
const (
	ChannelSNS         Channel = "sns"          // the SellerAlerts SNS topic (AWS)
	ChannelLocalAlerts Channel = "local"        // the local alerts file (GET /local/alerts)
	ChannelSellerEmail Channel = "seller_email" // an email to the seller's address
)

// Alert is one seller alert, ready to publish: ids and a short detail, never a buyer's
// contact details. Its JSON field names are a contract (the SNS message body, the local
// alerts file).
type Alert struct {
	ID        string    `json:"id"`   // the outbox row, "<order>/<kind>/<seq>"
	Kind      string    `json:"kind"` // the alert name, e.g. "dispute_opened" (no "seller_" prefix)
	OrderID   string    `json:"order_id,omitempty"`
	Source    string    `json:"source,omitempty"`   // the cause: a provider, or "orderwire"
	EventID   string    `json:"event_id,omitempty"` // the cause's event id
	Parcel    string    `json:"parcel,omitempty"`   // a tracking number
	Detail    string    `json:"detail,omitempty"`
	CreatedAt time.Time `json:"created_at"`
}

// Subject is a one-line summary, e.g. "orderwire alert: dispute_opened on order A-1042".
func (a Alert) Subject() string {
	if a.OrderID == "" {
		return "orderwire alert: " + a.Kind
	}
	return fmt.Sprintf("orderwire alert: %s on order %s", a.Kind, a.OrderID)
}

// Text is the alert as plain text, one "field: value" line each.
func (a Alert) Text() string {
	var b strings.Builder
	line := func(k, v string) {
		if v != "" {
			fmt.Fprintf(&b, "%s: %s\n", k, v)
		}
	}
	line("alert", a.Kind)
	line("order", a.OrderID)
	line("event", strings.Trim(a.Source+" "+a.EventID, " "))
	line("parcel", a.Parcel)
	line("detail", a.Detail)
	line("at", a.CreatedAt.UTC().Format(time.RFC3339))
	line("id", a.ID)
	return b.String()
}
