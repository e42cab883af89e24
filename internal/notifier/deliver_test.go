package notifier_test

import (
	"context"
	"errors"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/orderwire/orderwire/internal/memstore"
	"github.com/orderwire/orderwire/internal/message"
	"github.com/orderwire/orderwire/internal/notifier"
	"github.com/orderwire/orderwire/internal/order"
)

func TestDeliverSendsTheEmail(t *testing.T) {
	w := newWorld(t)
	ref := w.add("o-1", buyer("b-1"), order.NotifyPaymentReceived)
	res := w.deliver(ref)
	if !res.Claimed || res.Status != order.NotificationSent || res.Messages != 1 {
		t.Fatalf("Deliver = %+v", res)
	}
	row := w.wantRow(ref, order.NotificationSent, "", "email=sent")
	if row.Deliveries[0].MessageID != "msg-o-1/payment_received/2/email" || !row.Deliveries[0].At.Equal(start) ||
		row.Owner != "test-notifier" || row.Attempts != 1 || !row.UpdatedAt.Equal(start) {
		t.Fatalf("row = %+v", row)
	}
	w.wantSends(1, 0)
	want := message.Email{ID: "o-1/payment_received/2/email", OrderID: "o-1", BuyerID: "b-1", Kind: "payment_received",
		From: "Loja Ana <orders@loja.example>", To: "b-1@mail.example", Subject: "payment_received o-1",
		Text: "text o-1", HTML: "<p>o-1</p>", Locale: "pt-PT", Headers: map[string]string{
			"List-Unsubscribe": "<https://u.example/b-1>", "List-Unsubscribe-Post": "List-Unsubscribe=One-Click"}}
	if !reflect.DeepEqual(w.email.emails[0], want) {
		t.Fatalf("email =\n %+v\nwant\n %+v", w.email.emails[0], want)
	}
	if again := w.deliver(ref); again.Claimed || w.render.calls != 1 {
		t.Fatalf("second Deliver = %+v (renders %d)", again, w.render.calls)
	}
	w.wantSends(1, 0)
}

func TestDeliverRenderData(t *testing.T) {
	w := newWorld(t)
	ref := w.add("o-rem", buyer("b-1"), order.NotifyPaymentReminder, func(o *order.Order, _ *order.Notification) {
		o.RemindersSent, o.PaidMinor = 2, 100
	})
	w.deliver(ref)
	d := w.render.last
	if d.Kind != order.NotifyPaymentReminder || d.Locale != "pt-PT" || d.TimeZone != "Europe/Lisbon" ||
		d.BuyerName != "Ana Souza" || d.OrderID != "o-rem" || d.AmountMinor != 12990 || d.Currency != "EUR" ||
		d.PaidMinor != 100 || !d.DueAt.Equal(start.Add(72*time.Hour)) || !d.Now.Equal(start) ||
		d.ReminderNumber != 2 || d.SellerName != "Loja Ana" || d.SellerAddress != "Rua 1, Lisboa" ||
		d.UnsubscribeURL != "https://u.example/b-1" || d.Carrier != "" {
		t.Fatalf("render data = %+v", d)
	}

	ship := w.add("o-ship", buyer("b-2"), order.NotifyShipmentShipped, func(o *order.Order, n *order.Notification) {
		o.RemindersSent = 3
		o.Shipments = []order.Shipment{{Carrier: "dhl", TrackingNumber: "AAA111"}, {Carrier: "ups", TrackingNumber: "BBB222"}}
		n.Parcel = "BBB222"
	})
	w.deliver(ship)
	if d := w.render.last; d.Carrier != "UPS" || d.TrackingNumber != "BBB222" || d.ReminderNumber != 0 {
		t.Fatalf("shipment render data = %+v", d)
	}
}

func TestDeliverWithoutUnsubscribeLinkHasNoHeaders(t *testing.T) {
	w := newWorld(t, func(c *notifier.Config) { c.UnsubscribeURL = nil })
	w.deliver(w.add("o-1", buyer("b-1"), order.NotifyShipmentDelivered))
	if m := w.email.emails[0]; m.Headers != nil || w.render.last.UnsubscribeURL != "" {
		t.Fatalf("headers %v, url %q", m.Headers, w.render.last.UnsubscribeURL)
	}
}

func TestDeliverLeavesRowsItCannotClaim(t *testing.T) {
	w := newWorld(t)
	later := w.add("o-later", buyer("b-1"), order.NotifyPaymentReceived, func(_ *order.Order, n *order.Notification) {
		n.NotBefore = start.Add(time.Hour)
	})
	if res := w.deliver(later); res.Claimed || res.Note == "" {
		t.Fatalf("not-yet-due row: %+v", res)
	}
	if res := w.deliver(order.NotificationRef{OrderID: "nope", Kind: order.NotifyPaymentReceived, Seq: 1}); res.Claimed || res.Note != "no such row" {
		t.Fatalf("missing row: %+v", res)
	}
	w.wantSends(0, 0)
}

func TestDeliverReturnsClaimErrors(t *testing.T) {
	w := newWorld(t)
	boom := order.Internal("mem.Claim", errors.New("disk on fire"))
	n := notifier.New(notifier.Config{Store: claimFails{w.store, boom}, Email: w.email, Render: w.render.Render})
	_, err := n.Deliver(context.Background(), w.add("o-1", buyer("b-1"), order.NotifyPaymentReceived))
	if !errors.Is(err, boom) {
		t.Fatalf("Deliver error = %v", err)
	}
}

type claimFails struct {
	*memstore.Store
	err error
}

func (c claimFails) ClaimNotification(context.Context, order.NotificationRef, string, time.Time, time.Duration) (order.Notification, error) {
	return order.Notification{}, c.err
}

func TestDeliverFallback(t *testing.T) {
	prefs := func(p order.Preferences) func(*order.Buyer) { return func(b *order.Buyer) { b.Preferences = p } }
	tests := []struct {
		name            string
		kind            order.NotificationKind
		edit            func(*order.Buyer)
		smsOut, suppr   bool
		status, reason  string
		deliveries      []string
		emails, texts   int
		emailScript     []error
		withoutSMSCheck bool
	}{
		{name: "SMS opted out at the provider: email instead", kind: order.NotifyShipmentShipped,
			edit: prefs(order.Preferences{Default: order.ChannelsSMS}), smsOut: true,
			status: "sent", reason: "sms: phone opted out of SMS", deliveries: []string{"sms=skipped", "email=sent"}, emails: 1},
		{name: "email suppressed: SMS instead", kind: order.NotifyShipmentShipped, suppr: true,
			status: "sent", reason: "email: address on the suppression list", deliveries: []string{"email=skipped", "sms=sent"}, texts: 1},
		{name: "permanent failure: SMS instead", kind: order.NotifyShipmentShipped,
			emailScript: []error{message.Permanent("ses.SendEmail", "address rejected", nil)},
			status:      "sent", reason: "email: address rejected", deliveries: []string{"email=failed", "sms=sent"}, texts: 1},
		{name: "permanent failure, no phone: failed", kind: order.NotifyShipmentShipped, edit: func(b *order.Buyer) { b.Phone = "" },
			emailScript: []error{message.Permanent("ses.SendEmail", "address rejected", nil)},
			status:      "failed", reason: "email: address rejected", deliveries: []string{"email=failed"}},
		{name: "suppressed and opted out: skipped", kind: order.NotifyShipmentShipped, suppr: true, smsOut: true,
			status: "skipped", reason: "email: address on the suppression list; sms: phone opted out of SMS",
			deliveries: []string{"email=skipped", "sms=skipped"}},
		{name: "none usable: skipped with the reason", kind: order.NotifyShipmentShipped,
			edit:   func(b *order.Buyer) { b.Email, b.Preferences.Default = "", order.ChannelsEmail },
			status: "skipped", reason: "email: no email address; sms: no phone number",
			deliveries: []string{"email=skipped"}, withoutSMSCheck: true},
		{name: "must-send ignores the email opt-out", kind: order.NotifyPaymentReceived,
			edit:   prefs(order.Preferences{EmailOptOut: true, Default: order.ChannelsNone}),
			status: "sent", deliveries: []string{"email=sent"}, emails: 1},
		{name: "email opt-out of a reminder: by SMS instead", kind: order.NotifyPaymentReminder,
			edit:   prefs(order.Preferences{EmailOptOut: true}),
			status: "sent", deliveries: []string{"sms=sent"}, texts: 1},
		{name: "opted out of both: skipped", kind: order.NotifyPaymentReminder,
			edit:   prefs(order.Preferences{EmailOptOut: true, SMSOptOut: true}),
			status: "skipped", reason: "email: opted out by the buyer; sms: opted out by the buyer"},
		{name: "turned off", kind: order.NotifyShipmentDelivered,
			edit:   prefs(order.Preferences{Default: order.ChannelsNone}),
			status: "skipped", reason: "turned off by the buyer"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			w := newWorld(t, func(c *notifier.Config) { c.Suppressions = suppressions{tc.suppr} })
			w.sms.optedOut = tc.smsOut
			w.email.script = tc.emailScript
			b := buyer("b-1")
			if tc.edit != nil {
				tc.edit(&b)
			}
			if tc.withoutSMSCheck {
				b.Phone = ""
			}
			ref := w.add("o-1", b, tc.kind)
			w.deliver(ref)
			w.wantRow(ref, tc.status, tc.reason, tc.deliveries...)
			w.wantSends(tc.emails, tc.texts)
		})
	}
}

type suppressions struct{ all bool }

func (s suppressions) Suppressed(context.Context, string) (bool, error) { return s.all, nil }

func TestDeliverUnknownBuyerIsSkipped(t *testing.T) {
	w := newWorld(t)
	ref := w.add("o-1", buyer("b-1"), order.NotifyPaymentReceived, func(_ *order.Order, n *order.Notification) {
		n.BuyerID = "b-gone"
	})
	w.deliver(ref)
	w.wantRow(ref, order.NotificationSkipped, "buyer unknown")
	w.wantSends(0, 0)
}

func TestDeliverRetriesAStoreReadLater(t *testing.T) {
	w := newWorld(t)
	ref := w.add("o-1", buyer("b-1"), order.NotifyPaymentReceived)
	w.n = notifier.New(notifier.Config{Store: buyerFails{w.store}, Email: w.email, Render: w.render.Render,
		Now: w.clock.Now, Owner: "x"})
	res := w.deliver(ref)
	row := w.wantRow(ref, order.NotificationPending, "retrying: could not read the buyer")
	if !row.NotBefore.Equal(start.Add(time.Minute)) || res.NotBefore != row.NotBefore {
		t.Fatalf("NotBefore = %s", row.NotBefore)
	}
	w.wantSends(0, 0)
}

type buyerFails struct{ *memstore.Store }

func (buyerFails) GetBuyer(context.Context, string) (order.Buyer, error) {
	return order.Buyer{}, order.Internal("mem.GetBuyer", errors.New("timeout"))
}

func TestTemporaryFailureThenSuccess(t *testing.T) {
	w := newWorld(t)
	w.email.script = []error{message.Temporary("ses.SendEmail", "throttled", nil), nil}
	ref := w.add("o-1", buyer("b-1"), order.NotifyPaymentReceived)
	w.deliver(ref)
	w.wantRow(ref, order.NotificationSent, "", "email=sent")
	if calls, accepted := w.email.total(); calls != 2 || accepted != 1 {
		t.Fatalf("calls %d, accepted %d", calls, accepted)
	}
	if !reflect.DeepEqual(w.sleeps, []time.Duration{200 * time.Millisecond}) || w.render.calls != 1 {
		t.Fatalf("sleeps %v, renders %d", w.sleeps, w.render.calls)
	}
}

func TestTemporaryFailureBeyondTriesRetriesLater(t *testing.T) {
	w := newWorld(t)
	temp := message.Temporary("ses.SendEmail", "throttled", errors.New("429"))
	w.email.script = []error{temp, temp, temp}
	ref := w.add("o-1", buyer("b-1"), order.NotifyPaymentReceived)
	res := w.deliver(ref)
	row := w.wantRow(ref, order.NotificationPending, "retrying: email: throttled")
	if !row.NotBefore.Equal(start.Add(time.Minute)) || res.Status != order.NotificationPending {
		t.Fatalf("NotBefore %s, result %+v", row.NotBefore, res)
	}
	if calls, _ := w.email.total(); calls != 3 || !reflect.DeepEqual(w.sleeps, []time.Duration{200 * time.Millisecond, 800 * time.Millisecond}) {
		t.Fatalf("calls %d, sleeps %v", calls, w.sleeps)
	}
	// Not due before NotBefore; at NotBefore the second claim sends it.
	if sum := w.runDue(); sum.Due != 0 {
		t.Fatalf("RunDue before NotBefore = %+v", sum)
	}
	w.clock.Advance(time.Minute)
	if sum := w.runDue(); sum.Sent != 1 || sum.Messages != 1 {
		t.Fatalf("RunDue at NotBefore = %+v", sum)
	}
	if row := w.wantRow(ref, order.NotificationSent, "", "email=sent"); row.Attempts != 2 {
		t.Fatalf("attempts = %d", row.Attempts)
	}
}

func TestMaxAttemptsFailsTheChannel(t *testing.T) {
	w := newWorld(t)
	temp := message.Temporary("ses.SendEmail", "throttled", nil)
	w.email.fail = func(string) (bool, error) { return false, temp }
	b := buyer("b-1")
	b.Phone = ""
	ref := w.add("o-1", b, order.NotifyPaymentReceived)
	var waits []time.Duration
	for i := 1; i <= notifier.DefaultMaxAttempts; i++ {
		res := w.deliver(ref)
		if i < notifier.DefaultMaxAttempts {
			waits = append(waits, res.NotBefore.Sub(w.clock.Now()))
			w.clock.Set(res.NotBefore)
		}
	}
	w.wantRow(ref, order.NotificationFailed, "email: gave up after 6 attempts: throttled", "email=failed")
	want := []time.Duration{time.Minute, 5 * time.Minute, 25 * time.Minute, 125 * time.Minute, 6 * time.Hour}
	if !reflect.DeepEqual(waits, want) {
		t.Fatalf("waits %v, want %v", waits, want)
	}
	if calls, accepted := w.email.total(); calls != 18 || accepted != 0 {
		t.Fatalf("calls %d accepted %d", calls, accepted)
	}
}

func TestUncertainFailureIsNeverRetried(t *testing.T) {
	for name, err := range map[string]error{
		"uncertain":    message.Uncertain("ses.SendEmail", "connection reset after the request", nil),
		"unclassified": errors.New("something odd, to ana@example.com"),
	} {
		t.Run(name, func(t *testing.T) {
			w := newWorld(t)
			w.email.script = []error{err}
			ref := w.add("o-1", buyer("b-1"), order.NotifyPaymentReceived)
			res := w.deliver(ref)
			row := w.row(ref)
			if res.Status != order.NotificationUnknown || row.Status != order.NotificationUnknown ||
				row.Reason != "send outcome unknown: email: "+message.Reason(err) || len(row.Deliveries) != 0 {
				t.Fatalf("result %+v, row %+v", res, row)
			}
			w.clock.Advance(24 * time.Hour)
			w.runDue()
			w.deliver(ref)
			if calls, _ := w.email.total(); calls != 1 || len(w.sleeps) != 0 {
				t.Fatalf("sender called %d times, sleeps %v", calls, w.sleeps)
			}
			if _, texts := w.sms.total(); texts != 0 {
				t.Fatal("the spare channel was used after an uncertain send")
			}
		})
	}
}

func TestRenderFailureFailsTheRow(t *testing.T) {
	w := newWorld(t)
	w.render.err = errors.New("templates: unknown kind")
	ref := w.add("o-1", buyer("b-1"), order.NotifyPaymentReceived)
	w.deliver(ref)
	w.wantRow(ref, order.NotificationFailed, "email: could not render the message; sms: could not render the message",
		"email=failed", "sms=failed")
	if w.render.calls != 1 {
		t.Fatalf("rendered %d times", w.render.calls)
	}
}

func TestDefaultRendererIsTheTemplates(t *testing.T) {
	w := newWorld(t, func(c *notifier.Config) { c.Render = nil })
	b := buyer("b-1")
	b.Locale, b.Preferences.Default = "pt-BR", order.ChannelsBoth
	ref := w.add("o-1", b, order.NotifyPaymentReceived)
	w.deliver(ref)
	w.wantRow(ref, order.NotificationSent, "", "email=sent", "sms=sent")
	m, s := w.email.emails[0], w.sms.texts[0]
	if m.Subject == "" || m.Text == "" || m.HTML == "" || m.Locale == "" || s.Text == "" ||
		!strings.Contains(m.Text, "https://u.example/b-1") {
		t.Fatalf("rendered email %+v\nsms %+v", m, s)
	}
}
