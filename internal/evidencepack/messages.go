package evidencepack

import (
	"context"
	"slices"
	"strconv"
	"time"

	"github.com/orderwire/orderwire/internal/order"
	"github.com/orderwire/orderwire/internal/sentmessage"
)

// message is one messages/<kind>-<seq>.json and what the summary and submissions use.
type message struct {
	file string // "<kind>-<seq>.json"
	row  string // the outbox row's id, "<order>/<kind>/<seq>"
	view messageView
}

// messageView is what the buyer was sent: per channel the status, time and the provider's
// message id, and the subject and text as the templates render them. It never holds the
// buyer's email address or phone number (the notifier keeps no address on the row; the
// rendered texts are rendered without an unsubscribe link, whose token is a credential).
type messageView struct {
	ID        string         `json:"id"`
	Kind      string         `json:"kind"`
	Status    string         `json:"status"`
	Reason    string         `json:"reason,omitempty"`
	CreatedAt time.Time      `json:"created_at"`
	SentAt    time.Time      `json:"sent_at,omitzero"` // the first channel that accepted it
	Parcel    string         `json:"tracking_number,omitempty"`
	Channels  []channelView  `json:"channels"`
	Locale    string         `json:"locale,omitempty"`
	Email     *emailView     `json:"email,omitempty"` // when the email channel accepted it
	SMS       *smsView       `json:"sms,omitempty"`   // when the SMS channel accepted it
	Rendering string         `json:"rendering,omitempty"`
	Cause     map[string]any `json:"cause,omitempty"`
}

type channelView struct {
	Channel           string    `json:"channel"`
	Status            string    `json:"status"`
	ProviderMessageID string    `json:"provider_message_id,omitempty"`
	At                time.Time `json:"at,omitzero"`
	Reason            string    `json:"reason,omitempty"`
}

type emailView struct {
	Subject string `json:"subject"`
	Text    string `json:"text"`
}

type smsView struct {
	Text string `json:"text"`
}

// messages builds every buyer outbox row's message, in the store's order (kind, then
// sequence), with the texts internal/sentmessage renders.
func (pk *Pack) messages() []message {
	rendered := sentmessage.Render(pk.ord, pk.buyer, pk.rows, sentmessage.Seller{Name: pk.p.SellerName, Address: pk.p.SellerAddress})
	out := make([]message, 0, len(rendered))
	for _, m := range rendered {
		r := m.Row
		v := messageView{ID: r.Ref().String(), Kind: string(r.Kind), Status: r.Status, Reason: r.Reason,
			CreatedAt: r.CreatedAt.UTC(), SentAt: m.SentAt, Parcel: r.Parcel, Channels: []channelView{},
			Locale: m.Locale, Rendering: m.Rendering}
		if r.CauseEventID != "" {
			v.Cause = map[string]any{"provider": r.CauseSource, "provider_event_id": r.CauseEventID}
		}
		for _, d := range r.Deliveries {
			v.Channels = append(v.Channels, channelView{Channel: d.Channel, Status: d.Status,
				ProviderMessageID: d.MessageID, At: d.At.UTC(), Reason: d.Reason})
		}
		if m.Email != nil {
			v.Email = &emailView{Subject: m.Email.Subject, Text: m.Email.Text}
		}
		if m.SMS != nil {
			v.SMS = &smsView{Text: m.SMS.Text}
		}
		out = append(out, message{file: SafeName(string(r.Kind)) + "-" + strconv.FormatInt(r.Seq, 10) + ".json",
			row: v.ID, view: v})
	}
	return out
}

// BuyerMessages is what the buyer of order orderID was sent (GET
// /v1/orders/{order_id}/messages): every buyer outbox row with its texts, in the store's
// order; seller alerts are left out. An unknown order is CodeNotFound.
func (p *Packer) BuyerMessages(ctx context.Context, orderID string) ([]sentmessage.Message, error) {
	o, err := p.Source.GetOrder(ctx, orderID)
	if err != nil {
		return nil, err
	}
	b, err := p.Source.GetBuyer(ctx, o.BuyerID)
	if err != nil && order.ErrorCode(err) != order.CodeNotFound {
		return nil, err
	}
	return p.MessagesOf(ctx, o, b)
}

// MessagesOf is BuyerMessages for an order and buyer the caller has read already (b zero
// when the buyer is unknown or erased): it reads only the order's outbox rows.
func (p *Packer) MessagesOf(ctx context.Context, o order.Order, b order.Buyer) ([]sentmessage.Message, error) {
	rows, err := p.Source.Notifications(ctx, o.ID)
	if err != nil {
		return nil, err
	}
	return sentmessage.Render(o, b, rows, sentmessage.Seller{Name: p.SellerName, Address: p.SellerAddress}), nil
}

// BuyerRows is order orderID's buyer outbox rows, seller alerts left out, without
// rendering their texts (the console's Inbox reads only their states).
func (p *Packer) BuyerRows(ctx context.Context, orderID string) ([]order.Notification, error) {
	rows, err := p.Source.Notifications(ctx, orderID)
	if err != nil {
		return nil, err
	}
	return slices.DeleteFunc(rows, func(r order.Notification) bool { return r.Kind.ForSeller() }), nil
}
