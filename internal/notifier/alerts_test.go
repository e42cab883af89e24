package notifier_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/orderwire/orderwire/internal/message"
	"github.com/orderwire/orderwire/internal/notifier"
	"github.com/orderwire/orderwire/internal/order"
)

// alertSink records alerts and answers with its sender's script.
type alertSink struct {
	ch     message.Channel
	s      *sender
	alerts []message.Alert
}

func (a *alertSink) Channel() message.Channel { return a.ch }

func (a *alertSink) SendAlert(_ context.Context, al message.Alert) (message.Sent, error) {
	a.alerts = append(a.alerts, al)
	return a.s.send(al.ID + "/" + string(a.ch))
}

// addAlert stores an order of buyer b (contact data and all) with one pending seller row.
func (w *world) addAlert(id string, b order.Buyer, k order.NotificationKind) order.NotificationRef {
	return w.add(id, b, k, func(_ *order.Order, n *order.Notification) {
		n.BuyerID = ""
		n.Detail = "dispute du_1; respond by 2026-12-01T00:00:00Z"
	})
}

// TestAlertGoesToTheSellerOnly: a seller row is published once on every alert sink, the
// seller email goes to the seller's address, and nothing reaches the buyer's email or phone
// although the buyer has both; the alert carries ids, not the buyer's contact data.
func TestAlertGoesToTheSellerOnly(t *testing.T) {
	topic := &alertSink{ch: message.ChannelSNS, s: newSender()}
	local := &alertSink{ch: message.ChannelLocalAlerts, s: newSender()}
	mail := newSender()
	w := newWorld(t, func(c *notifier.Config) {
		c.Alerts = []notifier.AlertSink{topic, local,
			notifier.SellerEmail{Sender: mail, From: "orders@loja.example", To: "owner@loja.example"}}
	})
	b := buyer("b-1")
	ref := w.addAlert("A-1", b, order.AlertDisputeOpened)
	res := w.deliver(ref)
	if !res.Claimed || res.Status != order.NotificationSent || res.Messages != 3 {
		t.Fatalf("result = %+v", res)
	}
	w.wantRow(ref, order.NotificationSent, "", "sns=sent", "local=sent", "seller_email=sent")
	w.wantSends(0, 0)
	if len(topic.alerts) != 1 || len(local.alerts) != 1 || len(mail.emails) != 1 {
		t.Fatalf("sns %d local %d email %d", len(topic.alerts), len(local.alerts), len(mail.emails))
	}
	a := topic.alerts[0]
	if a.Kind != "dispute_opened" || a.OrderID != "A-1" || a.EventID != "evt-A-1" || a.ID != ref.String() {
		t.Fatalf("alert = %+v", a)
	}
	m := mail.emails[0]
	if m.To != "owner@loja.example" || !strings.Contains(m.Subject, "dispute_opened") || !strings.Contains(m.Text, "du_1") {
		t.Fatalf("seller email = %+v", m)
	}
	for _, text := range []string{a.Text(), m.Text, m.Subject} {
		if strings.Contains(text, b.Email) || strings.Contains(text, b.Phone) || strings.Contains(text, b.Name) {
			t.Fatalf("an alert shows the buyer's contact data: %q", text)
		}
	}
	// Delivered at most once: a second claim finds the row final.
	if again := w.deliver(ref); again.Claimed || len(topic.alerts) != 1 {
		t.Fatalf("second delivery: %+v, %d published", again, len(topic.alerts))
	}
}

// TestAlertRetriesOnlyTheFailedSink: a temporary failure of one sink sends the row back to
// pending; the next claim publishes only on that sink.
func TestAlertRetriesOnlyTheFailedSink(t *testing.T) {
	topic := &alertSink{ch: message.ChannelSNS, s: newSender()}
	local := &alertSink{ch: message.ChannelLocalAlerts, s: newSender()}
	topic.s.script = []error{message.Temporary("t", "throttled", nil), message.Temporary("t", "throttled", nil),
		message.Temporary("t", "throttled", nil)}
	w := newWorld(t, func(c *notifier.Config) { c.Alerts = []notifier.AlertSink{topic, local} })
	ref := w.addAlert("A-2", buyer("b-2"), order.AlertShipmentException)
	if res := w.deliver(ref); res.Status != order.NotificationPending {
		t.Fatalf("first claim: %+v", res)
	}
	w.clock.Advance(time.Hour)
	if res := w.deliver(ref); res.Status != order.NotificationSent {
		t.Fatalf("second claim: %+v", res)
	}
	if len(local.alerts) != 1 || len(topic.alerts) != 4 {
		t.Fatalf("local %d, sns tries %d; want 1 and 4", len(local.alerts), len(topic.alerts))
	}
	w.wantSends(0, 0)
}

// TestAlertWithoutSinkIsSkipped: without a seller channel the alert is skipped, and the
// buyer's channels are never a fallback.
func TestAlertWithoutSinkIsSkipped(t *testing.T) {
	w := newWorld(t)
	ref := w.addAlert("A-3", buyer("b-3"), order.AlertFraudWarning)
	w.deliver(ref)
	w.wantRow(ref, order.NotificationSkipped, notifier.ReasonNoAlertSink)
	w.wantSends(0, 0)
	if p := notifier.PlanChannels(order.AlertFraudWarning, buyer("b-3"), notifier.Senders{Email: true, SMS: true}); len(p.Channels) != 0 || p.Spare != "" {
		t.Fatalf("plan for a seller kind = %+v", p)
	}
}
