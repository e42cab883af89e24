package sesevents

import (
	"context"
	"reflect"
	"testing"
	"time"

	"github.com/orderwire/orderwire/internal/dynamo"
	"github.com/orderwire/orderwire/internal/embedded"
	"github.com/orderwire/orderwire/internal/message"
	"github.com/orderwire/orderwire/internal/notifier"
	"github.com/orderwire/orderwire/internal/order"
	"github.com/orderwire/orderwire/internal/store"
	"github.com/orderwire/orderwire/internal/store/storetest"
	"github.com/orderwire/orderwire/internal/testservice"
)

// The store scenarios run on the embedded store and on DynamoDB Local (skipped without
// it): the fixtures through the handler change what the notifier does next.

func stores(_ *testing.T) map[string]func(t *testing.T) store.Store {
	return map[string]func(t *testing.T) store.Store{
		"embedded": func(t *testing.T) store.Store {
			st, err := embedded.Open(t.TempDir(), embedded.Options{})
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() {
				if err := st.Close(); err != nil {
					t.Error(err)
				}
			})
			return st
		},
		"dynamodb-local": func(t *testing.T) store.Store {
			client := testservice.DynamoDB(t)
			return dynamo.New(client, testservice.NewTable(t, client))
		},
	}
}

// senders are fake email and SMS providers: each send is recorded and accepted, the email
// under the message id of the fixtures (the SES MessageId the events name).
type senders struct{ emails, texts []string }

func (s *senders) SendEmail(_ context.Context, m message.Email) (message.Sent, error) {
	s.emails = append(s.emails, m.ID)
	return message.Sent{MessageID: fixtureMessage}, nil
}

func (s *senders) SendSMS(_ context.Context, m message.SMS) (message.Sent, error) {
	s.texts = append(s.texts, m.ID)
	return message.Sent{MessageID: "sns-" + m.ID}, nil
}

func (s *senders) OptedOut(context.Context, string) (bool, error) { return false, nil }

// world is a store holding buyer-ana (email and phone) with order ord-1001 paid, whose
// payment confirmation (the fixtures' row) the notifier sent by email.
type world struct {
	st    store.Store
	send  *senders
	n     *notifier.Notifier
	h     *Handler
	buyer order.Buyer
}

// daytime is when the notifier runs: 11:00 in the buyer's São Paulo, outside quiet hours.
var daytime = time.Date(2026, 11, 22, 14, 0, 0, 0, time.UTC)

func newWorld(t *testing.T, st store.Store) *world {
	t.Helper()
	w := &world{st: st, send: &senders{}, buyer: storetest.Buyer(fixtureBuyer)}
	w.n = notifier.New(notifier.Config{Store: st, Email: w.send, SMS: w.send, From: "Loja da Ana <orders@loja.example>",
		SellerName: "Loja da Ana", SellerAddress: "Rua Augusta 100, Lisboa", Owner: "notifier-test",
		Now: func() time.Time { return daytime }})
	w.h = &Handler{Store: st}
	if got := w.pay(t, fixtureRow.OrderID); got != fixtureRow {
		t.Fatalf("the payment's outbox row is %s, the fixtures name %s", got, fixtureRow)
	}
	if len(w.send.emails) != 1 || len(w.send.texts) != 0 {
		t.Fatalf("the first message went out as emails %v, texts %v; want one email", w.send.emails, w.send.texts)
	}
	return w
}

// pay registers order id for buyer-ana, pays it, delivers its one outbox row and returns it.
func (w *world) pay(t *testing.T, id string) order.NotificationRef {
	t.Helper()
	ctx := context.Background()
	o := storetest.Order(t, id, w.buyer)
	if err := w.st.SaveOrder(ctx, o, w.buyer); err != nil {
		t.Fatal(err)
	}
	if _, err := w.st.RecordEvent(ctx, storetest.Event("stripe", "evt_"+id, id, order.KindPaymentSucceeded, o.AmountMinor, time.Minute),
		order.Evidence{Body: []byte(`{}`)}); err != nil {
		t.Fatal(err)
	}
	rows, err := w.st.Notifications(ctx, id)
	if err != nil || len(rows) != 1 {
		t.Fatalf("outbox of %s = %+v, %v", id, rows, err)
	}
	if res, err := w.n.Deliver(ctx, rows[0].Ref()); err != nil || res.Status != order.NotificationSent {
		t.Fatalf("Deliver(%s) = %+v, %v", rows[0].Ref(), res, err)
	}
	return rows[0].Ref()
}

func (w *world) handle(t *testing.T, name string) {
	t.Helper()
	if err := w.h.Handle(context.Background(), fixture(t, name)); err != nil {
		t.Fatalf("%s: %v", name, err)
	}
}

func (w *world) feedback(t *testing.T) order.EmailFeedback {
	t.Helper()
	b, err := w.st.GetBuyer(context.Background(), fixtureBuyer)
	if err != nil {
		t.Fatal(err)
	}
	return b.EmailFeedback
}

// TestSuppressionMovesTheNextMessageToSMS: a hard bounce, and on a fresh store a
// complaint, suppress buyer-ana's email with the event's reason and time (delivered twice,
// as SNS may: the same); the next order's confirmation then goes by SMS, the email recorded
// skipped as suppressed.
func TestSuppressionMovesTheNextMessageToSMS(t *testing.T) {
	for name, open := range stores(t) {
		for _, c := range []struct {
			fixture string
			want    order.EmailFeedback
		}{
			{"sns-ses-bounce-permanent.json", order.EmailFeedback{SuppressedReason: order.SuppressHardBounce,
				SuppressedAt: time.Date(2026, 11, 22, 9, 31, 2, 669e6, time.UTC)}},
			{"sns-ses-complaint.json", order.EmailFeedback{SuppressedReason: order.SuppressComplaint,
				SuppressedAt: time.Date(2026, 11, 22, 10, 2, 17, 0, time.UTC)}},
		} {
			t.Run(name+"/"+c.fixture, func(t *testing.T) {
				w := newWorld(t, open(t))
				w.handle(t, c.fixture)
				w.handle(t, c.fixture)
				if got := w.feedback(t); !reflect.DeepEqual(got, c.want) {
					t.Fatalf("feedback %+v, want %+v", got, c.want)
				}
				next := w.pay(t, "ord-1002")
				if len(w.send.emails) != 1 || !reflect.DeepEqual(w.send.texts, []string{next.String() + "/sms"}) {
					t.Fatalf("after the suppression: emails %v, texts %v; want the new row by SMS only", w.send.emails, w.send.texts)
				}
				rows, _ := w.st.Notifications(context.Background(), next.OrderID)
				var skipped bool
				for _, d := range rows[0].Deliveries {
					skipped = skipped || d.Channel == "email" && d.Status == order.NotificationSkipped &&
						d.Reason == notifier.ReasonEmailSuppressed+" ("+c.want.SuppressedReason+")"
				}
				if !skipped {
					t.Errorf("the new row's deliveries %+v do not record the email skipped as suppressed", rows[0].Deliveries)
				}
			})
		}
	}
}

// TestSoftBounceOnlyCounts: a transient bounce counts, and email goes on.
func TestSoftBounceOnlyCounts(t *testing.T) {
	for name, open := range stores(t) {
		t.Run(name, func(t *testing.T) {
			w := newWorld(t, open(t))
			w.handle(t, "sns-ses-bounce-transient.json")
			if got := w.feedback(t); got != (order.EmailFeedback{SoftBounces: 1}) {
				t.Fatalf("feedback %+v, want one soft bounce", got)
			}
			w.pay(t, "ord-1002")
			if len(w.send.emails) != 2 || len(w.send.texts) != 0 {
				t.Errorf("after a soft bounce: emails %v, texts %v; want email again", w.send.emails, w.send.texts)
			}
		})
	}
}

// TestDeliveryMarksTheRow: the delivery event marks the row's email delivery delivered at
// the event's time, and nothing else of the row changes.
func TestDeliveryMarksTheRow(t *testing.T) {
	for name, open := range stores(t) {
		t.Run(name, func(t *testing.T) {
			w := newWorld(t, open(t))
			ctx := context.Background()
			before, _ := w.st.Notifications(ctx, fixtureRow.OrderID)
			w.handle(t, "sns-ses-delivery.json")
			after, _ := w.st.Notifications(ctx, fixtureRow.OrderID)
			want := before[0]
			want.Deliveries = append([]order.Delivery(nil), before[0].Deliveries...)
			want.Deliveries[0].DeliveredAt = time.Date(2026, 11, 22, 9, 30, 4, 133e6, time.UTC)
			if len(after) != 1 || !reflect.DeepEqual(after[0], want) || want.Deliveries[0].MessageID != fixtureMessage {
				t.Fatalf("row after the delivery event = %+v\nwant %+v", after, want)
			}
		})
	}
}
