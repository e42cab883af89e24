package notifier

import (
	"context"

	"github.com/orderwire/orderwire/internal/message"
	"github.com/orderwire/orderwire/internal/order"
)

// AlertSink delivers seller alerts (order.NotificationKind.ForSeller rows) on one channel:
// the SNS topic, the local alerts file, the seller's email. Its errors follow message.Error
// like the buyer senders'.
type AlertSink interface {
	Channel() message.Channel
	SendAlert(ctx context.Context, a message.Alert) (message.Sent, error)
}

// ReasonNoAlertSink is why an alert is skipped when no seller channel is configured.
const ReasonNoAlertSink = "no seller alert channel configured"

// AlertOf is row's alert as the sinks publish it. The row carries no buyer contact data,
// so neither does the alert.
func AlertOf(row order.Notification) message.Alert {
	a := message.Alert{ID: row.Ref().String(), Kind: row.Kind.AlertName(), OrderID: row.OrderID,
		Source: row.CauseSource, EventID: row.CauseEventID, Parcel: row.Parcel, Detail: row.Detail,
		CreatedAt: row.CreatedAt.UTC()}
	if row.OrderID == order.UnfiledAlertOrderID {
		a.OrderID = ""
	}
	return a
}

// runAlert is run for a seller alert: every configured sink is a channel; the buyer, the
// order's contact data and the buyer's preferences and quiet hours play no part.
func (c *claim) runAlert(ctx context.Context) {
	if len(c.n.cfg.Alerts) == 0 {
		c.final, c.planReason = order.NotificationSkipped, ReasonNoAlertSink
		return
	}
	for _, s := range c.n.cfg.Alerts {
		ch := s.Channel()
		if st := c.status(ch); st != "" {
			c.notes = append(c.notes, string(ch)+"=earlier-"+st)
			continue
		}
		c.send(ctx, ch)
	}
}

// alertSink returns the configured sink of channel ch.
func (c *claim) alertSink(ch message.Channel) AlertSink {
	for _, s := range c.n.cfg.Alerts {
		if s.Channel() == ch {
			return s
		}
	}
	return nil
}

// SellerEmail is an AlertSink that emails alerts to the seller's own address (the
// ORDERWIRE_SELLER_EMAIL setting) through the configured email sender.
type SellerEmail struct {
	Sender EmailSender
	From   string // the sender address, as for buyer mail
	To     string // the seller's address
}

// Channel implements AlertSink.
func (e SellerEmail) Channel() message.Channel { return message.ChannelSellerEmail }

// SendAlert implements AlertSink: a plain-text email, subject Alert.Subject.
func (e SellerEmail) SendAlert(ctx context.Context, a message.Alert) (message.Sent, error) {
	return e.Sender.SendEmail(ctx, message.Email{ID: a.ID + "/" + string(message.ChannelSellerEmail), OrderID: a.OrderID,
		Kind: a.Kind, From: e.From, To: e.To, Subject: a.Subject(), Text: a.Text(), Locale: "en"})
}
