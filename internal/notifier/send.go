package notifier

import (
	"context"
	"fmt"

	"github.com/orderwire/orderwire/internal/message"
	"github.com/orderwire/orderwire/internal/message/templates"
	"github.com/orderwire/orderwire/internal/order"
)

// The reasons a channel is skipped at send time.
const (
	ReasonSMSOptedOut = "phone opted out of SMS"
	ReasonSuppressed  = "address on the suppression list"
)

// rendered is the row's message, rendered at most once per claim.
type rendered struct {
	msg templates.Message
	err error
}

// send delivers the row on channel ch and returns the channel's final status, or "" when
// the channel stays open: held back by the quiet hours, to be retried, or of unknown
// outcome (c.quietTill, c.retry and c.uncertain say which).
func (c *claim) send(ctx context.Context, ch message.Channel) string {
	if quiet, until := Quiet(c.row.Kind, ch, c.now, c.loc); quiet && !c.row.Kind.ForSeller() {
		if c.quietTill.IsZero() || until.Before(c.quietTill) {
			c.quietTill = until
		}
		c.notes = append(c.notes, string(ch)+"=quiet")
		return ""
	}
	cfg := c.n.cfg
	for try := 1; ; try++ {
		if ctx.Err() != nil { // the caller gave up: try later rather than risk an uncertain send
			c.retry = append(c.retry, string(ch)+": interrupted")
			c.notes = append(c.notes, string(ch)+"=retry")
			return ""
		}
		sent, skip, err := c.attempt(ctx, ch)
		switch {
		case skip != "":
			return c.record(ch, order.NotificationSkipped, "", skip)
		case err == nil:
			c.messages++
			return c.record(ch, order.NotificationSent, sent.MessageID, "")
		case message.IsTemporary(err):
			if try < cfg.SendTries && cfg.Sleep(ctx, backoff(try)) == nil {
				continue
			}
			if c.row.Attempts >= cfg.MaxAttempts {
				return c.record(ch, order.NotificationFailed, "",
					fmt.Sprintf("gave up after %d attempts: %s", c.row.Attempts, message.Reason(err)))
			}
			c.retry = append(c.retry, string(ch)+": "+message.Reason(err))
			c.notes = append(c.notes, string(ch)+"=retry")
			return ""
		case message.IsUncertain(err):
			c.uncertain = append(c.uncertain, string(ch)+": "+message.Reason(err))
			c.notes = append(c.notes, string(ch)+"=uncertain")
			return ""
		default:
			return c.record(ch, order.NotificationFailed, "", message.Reason(err))
		}
	}
}

// attempt is one try on channel ch: the provider's opt-out or suppression check, then the
// send. It returns a skip reason when the provider would refuse the contact. A failed
// check is a temporary failure: nothing was sent.
func (c *claim) attempt(ctx context.Context, ch message.Channel) (message.Sent, string, error) {
	cfg := c.n.cfg
	if c.row.Kind.ForSeller() { // a seller alert: its sinks only, never a buyer channel
		if s := c.alertSink(ch); s != nil {
			sent, err := s.SendAlert(ctx, AlertOf(c.row))
			return sent, "", err
		}
		return message.Sent{}, "", message.Permanent("notifier.send", "no sink for alert channel "+string(ch), nil)
	}
	switch ch {
	case message.ChannelEmail:
		if cfg.Suppressions != nil {
			suppressed, err := cfg.Suppressions.Suppressed(ctx, c.buyer.Email)
			if err != nil {
				return message.Sent{}, "", message.Temporary("notifier.Suppressed", "could not check the suppression list", err)
			}
			if suppressed {
				return message.Sent{}, ReasonSuppressed, nil
			}
		}
		msg, err := c.render()
		if err != nil {
			return message.Sent{}, "", err
		}
		sent, err := cfg.Email.SendEmail(ctx, c.email(msg))
		return sent, "", err
	case message.ChannelSMS:
		out, err := cfg.SMS.OptedOut(ctx, c.buyer.Phone)
		if err != nil {
			return message.Sent{}, "", message.Temporary("notifier.OptedOut", "could not check the SMS opt-out list", err)
		}
		if out {
			return message.Sent{}, ReasonSMSOptedOut, nil
		}
		msg, err := c.render()
		if err != nil {
			return message.Sent{}, "", err
		}
		if msg.SMS == "" {
			return message.Sent{}, "", message.Permanent("notifier.Render", "the message has no SMS text", nil)
		}
		sent, err := cfg.SMS.SendSMS(ctx, c.sms(msg))
		return sent, "", err
	}
	return message.Sent{}, "", message.Permanent("notifier.send", "unknown channel", nil)
}

// render renders the row's message once per claim. A render failure is permanent: the
// templates will not change before the next try.
func (c *claim) render() (templates.Message, error) {
	if c.msg == nil {
		msg, err := c.n.cfg.Render(c.data())
		if err != nil {
			c.err = err // the templates see no contact data, so their errors carry none
			err = message.Permanent("notifier.Render", "could not render the message", err)
		}
		c.msg = &rendered{msg, err}
	}
	return c.msg.msg, c.msg.err
}

// data is what the templates see: no email address, no phone number.
func (c *claim) data() templates.Data {
	o, b := c.ord, c.buyer
	d := templates.Data{Kind: c.row.Kind, Locale: b.Locale, TimeZone: c.tz, BuyerName: b.Name, OrderID: o.ID,
		AmountMinor: o.AmountMinor, Currency: o.Currency, PaidMinor: o.PaidMinor, DueAt: o.PaymentDueAt,
		Now: c.now, SellerName: c.n.cfg.SellerName, SellerAddress: c.n.cfg.SellerAddress,
		UnsubscribeURL: c.unsub}
	if c.row.Kind == order.NotifyPaymentReminder {
		d.ReminderNumber = o.RemindersSent
	}
	if c.row.Parcel != "" {
		for _, sh := range o.Shipments {
			if sh.TrackingNumber == c.row.Parcel {
				d.Carrier, d.TrackingNumber = CarrierName(sh.Carrier), sh.TrackingNumber
				break
			}
		}
	}
	return d
}

func (c *claim) locale(msg templates.Message) string {
	if msg.Locale != "" {
		return msg.Locale
	}
	return c.buyer.Locale
}

func (c *claim) email(msg templates.Message) message.Email {
	m := message.Email{ID: c.row.Ref().String() + "/email", OrderID: c.row.OrderID, BuyerID: c.buyer.ID, Kind: string(c.row.Kind),
		From: c.n.cfg.From, To: c.buyer.Email, Subject: msg.Subject, Text: msg.Text, HTML: msg.HTML,
		Locale: c.locale(msg)}
	if c.unsub != "" {
		m.Headers = map[string]string{"List-Unsubscribe": "<" + c.unsub + ">",
			"List-Unsubscribe-Post": "List-Unsubscribe=One-Click"}
	}
	return m
}

func (c *claim) sms(msg templates.Message) message.SMS {
	return message.SMS{ID: c.row.Ref().String() + "/sms", OrderID: c.row.OrderID, Kind: string(c.row.Kind),
		To: c.buyer.Phone, Text: msg.SMS, Locale: c.locale(msg)}
}
