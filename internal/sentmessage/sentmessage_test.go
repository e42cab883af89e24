package sentmessage

import (
	"strings"
	"testing"
	"time"

	"github.com/orderwire/orderwire/internal/order"
)

var sentAt = time.Date(2026, 12, 2, 9, 30, 0, 0, time.UTC)

func fixture() (order.Order, order.Buyer) {
	o := order.Order{ID: "AE-1001", BuyerID: "buyer-1", AmountMinor: 12990, Currency: "BRL",
		PaymentDueAt: time.Date(2026, 12, 5, 12, 0, 0, 0, time.UTC)}
	// A buyer who typed their address into the name field, as buyers do.
	b := order.Buyer{ID: "buyer-1", Name: "Ana ANA@Example.com +5511912345678", Email: "ana@example.com",
		Phone: "+5511912345678", Locale: "pt-BR", TimeZone: "America/Sao_Paulo"}
	return o, b
}

func row(kind order.NotificationKind, seq int64, status string, deliveries ...order.Delivery) order.Notification {
	return order.Notification{OrderID: "AE-1001", BuyerID: "buyer-1", Kind: kind, Seq: seq, Status: status,
		CreatedAt: sentAt.Add(-time.Minute), Deliveries: deliveries}
}

func TestRenderWithholdsContactAndSkipsSellerRows(t *testing.T) {
	o, b := fixture()
	rows := []order.Notification{
		row(order.NotifyPaymentReminder, 3, order.NotificationSent,
			order.Delivery{Channel: "email", Status: order.NotificationSent, MessageID: "m-1", At: sentAt},
			order.Delivery{Channel: "sms", Status: order.NotificationSent, MessageID: "s-1", At: sentAt.Add(time.Second)}),
		row(order.AlertDisputeOpened, 4, order.NotificationSent),
		row(order.NotifyPaymentReceived, 5, order.NotificationFailed,
			order.Delivery{Channel: "email", Status: order.NotificationFailed, Reason: "rejected", At: sentAt}),
	}
	got := Render(o, b, rows, Seller{Name: "Loja"})
	if len(got) != 2 || got[0].Row.Kind != order.NotifyPaymentReminder || got[1].Row.Kind != order.NotifyPaymentReceived {
		t.Fatalf("rows = %+v, want the reminder and payment_received (no seller alert)", got)
	}
	m := got[0]
	if m.Email == nil || m.SMS == nil || m.Rendering != RenderingNote || m.Locale != "pt-BR" {
		t.Fatalf("reminder = %+v, want email and SMS texts in pt-BR", m)
	}
	if !m.SentAt.Equal(sentAt) {
		t.Errorf("SentAt = %v, want the first accepting channel's %v", m.SentAt, sentAt)
	}
	for _, text := range []string{m.Email.Subject, m.Email.Text, m.SMS.Text} {
		low := strings.ToLower(text)
		if strings.Contains(low, "ana@example.com") || strings.Contains(text, "+5511912345678") {
			t.Errorf("a text shows the buyer's contact in clear: %q", text)
		}
	}
	if !strings.Contains(m.Email.Text, EmailWithheld) || !strings.Contains(m.Email.Text, PhoneWithheld) {
		t.Errorf("email text %q does not show where the contact was withheld", m.Email.Text)
	}
	if !strings.Contains(m.Email.Text, "AE-1001") {
		t.Errorf("email text %q does not name the order", m.Email.Text)
	}
	if f := got[1]; f.Email != nil || f.Rendering != "" || !f.SentAt.IsZero() {
		t.Errorf("a message no channel accepted has texts: %+v", f)
	}
}

func TestReminderNumbersFollowSequence(t *testing.T) {
	rows := []order.Notification{row(order.NotifyPaymentReminder, 9, ""), row(order.NotifyPaymentReceived, 1, ""),
		row(order.NotifyPaymentReminder, 2, "")}
	n := reminderNumbers(rows)
	if n[rows[2].Ref()] != 1 || n[rows[0].Ref()] != 2 || len(n) != 2 {
		t.Errorf("numbers = %v, want seq 2 first and seq 9 second", n)
	}
}

func TestReplaceFold(t *testing.T) {
	for _, c := range []struct{ s, old, want string }{
		{"write to Ana@Example.COM or ana@example.com", "ana@example.com", "write to X or X"},
		{"nothing here", "ana@example.com", "nothing here"},
		{"İ ana@example.com", "ana@example.com", "İ X"}, // lower-casing changes the length: exact match only
	} {
		if got := replaceFold(c.s, c.old, "X"); got != c.want {
			t.Errorf("replaceFold(%q) = %q, want %q", c.s, got, c.want)
		}
	}
}
