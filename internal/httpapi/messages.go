package httpapi

import (
	"context"
	"net/http"
	"sort"
	"time"

	"github.com/orderwire/orderwire/internal/order"
	"github.com/orderwire/orderwire/internal/sentmessage"
)

// MessageLog is what GET /v1/orders/{order_id}/messages needs (evidencepack.Packer
// satisfies it): the order's buyer outbox rows with their texts as sent, seller alerts left
// out, the buyer's email and phone withheld. An unknown order is CodeNotFound.
type MessageLog interface {
	BuyerMessages(ctx context.Context, orderID string) ([]sentmessage.Message, error)
}

// sentMessagesJSON answers GET /v1/orders/{order_id}/messages.
type sentMessagesJSON struct {
	OrderID  string            `json:"order_id"`
	Messages []sentMessageJSON `json:"messages"`
}

// sentMessageJSON is one message to the buyer. It never holds an address: the outbox keeps
// none, and the texts are rendered without the unsubscribe link and with the buyer's email
// and phone withheld (internal/sentmessage).
type sentMessageJSON struct {
	ID        string             `json:"id"` // the outbox row: "<order>/<kind>/<seq>"
	Kind      string             `json:"kind"`
	Status    string             `json:"status"` // pending, sending, sent, skipped, failed, unknown
	Reason    string             `json:"reason,omitempty"`
	Attempts  int                `json:"attempts"`
	CreatedAt time.Time          `json:"created_at"`
	UpdatedAt *time.Time         `json:"updated_at"`
	SentAt    *time.Time         `json:"sent_at"` // the first channel that accepted it
	Parcel    string             `json:"tracking_number,omitempty"`
	Cause     *sentCauseJSON     `json:"cause"`
	Channels  []string           `json:"channels"` // the channels tried, in order
	Delivery  []sentDeliveryJSON `json:"deliveries"`
	Locale    string             `json:"locale,omitempty"`
	Email     *sentEmailJSON     `json:"email"` // when the email channel accepted it
	SMS       *sentSMSJSON       `json:"sms"`   // when the SMS channel accepted it
	Rendering string             `json:"rendering,omitempty"`
}

type sentCauseJSON struct {
	Provider string `json:"provider"`
	EventID  string `json:"provider_event_id"`
}

type sentDeliveryJSON struct {
	Channel           string     `json:"channel"`
	Status            string     `json:"status"`
	ProviderMessageID string     `json:"provider_message_id,omitempty"`
	At                *time.Time `json:"at"`
	DeliveredAt       *time.Time `json:"delivered_at"` // when the provider reported delivery
	Reason            string     `json:"reason,omitempty"`
}

type sentEmailJSON struct {
	Subject string `json:"subject"`
	Text    string `json:"text"`
}

type sentSMSJSON struct {
	Text string `json:"text"`
}

// orderMessages serves GET /v1/orders/{order_id}/messages: what the buyer was sent, oldest
// first. 404 for an unknown order.
func (a *api) orderMessages(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("order_id")
	if !order.ValidID(id) {
		writeError(w, order.Errorf(order.CodeNotFound, "httpapi.orderMessages", "no order %q", id))
		return
	}
	list, err := a.messages.BuyerMessages(r.Context(), id)
	if err != nil {
		writeError(w, err)
		return
	}
	out := sentMessagesJSON{OrderID: id, Messages: make([]sentMessageJSON, 0, len(list))}
	for _, m := range list {
		out.Messages = append(out.Messages, newMessageJSON(m))
	}
	// The store lists rows by kind; the seller reads them as they were written.
	sort.SliceStable(out.Messages, func(i, j int) bool { return out.Messages[i].CreatedAt.Before(out.Messages[j].CreatedAt) })
	annotate(w, "order_id", id, "messages", len(list))
	writeJSON(w, http.StatusOK, out)
}

func newMessageJSON(m sentmessage.Message) sentMessageJSON {
	r := m.Row
	j := sentMessageJSON{ID: r.Ref().String(), Kind: string(r.Kind), Status: r.Status, Reason: r.Reason,
		Attempts: r.Attempts, CreatedAt: r.CreatedAt.UTC(), UpdatedAt: timePtr(r.UpdatedAt),
		SentAt: timePtr(m.SentAt), Parcel: r.Parcel, Channels: []string{}, Delivery: []sentDeliveryJSON{},
		Locale: m.Locale, Rendering: m.Rendering}
	if r.CauseEventID != "" {
		j.Cause = &sentCauseJSON{Provider: r.CauseSource, EventID: r.CauseEventID}
	}
	for _, d := range r.Deliveries {
		j.Channels = append(j.Channels, d.Channel)
		j.Delivery = append(j.Delivery, sentDeliveryJSON{Channel: d.Channel, Status: d.Status,
			ProviderMessageID: d.MessageID, At: timePtr(d.At), DeliveredAt: timePtr(d.DeliveredAt), Reason: d.Reason})
	}
	if m.Email != nil {
		j.Email = &sentEmailJSON{Subject: m.Email.Subject, Text: m.Email.Text}
	}
	if m.SMS != nil {
		j.SMS = &sentSMSJSON{Text: m.SMS.Text}
	}
	return j
}
