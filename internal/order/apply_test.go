package order

import (
	"fmt"
	"reflect"
	"strings"
	"testing"
	"time"
)

var t0 = time.Date(2026, 11, 22, 10, 0, 0, 0, time.UTC)

func pendingOrder() Order {
	return Order{ID: "o-1", BuyerID: "b-1", AmountMinor: 5000, Currency: "USD", Status: StatusPendingPayment,
		PaymentStatus: PaymentUnpaid, Version: 1}
}

func ev(kind EventKind, amount int64, currency string) Event {
	return Event{Source: "test", EventID: "evt", Type: "test." + string(kind), Kind: kind,
		OrderID: "o-1", AmountMinor: amount, Currency: currency}
}

// applyAll applies events in the order given, each under its own event id and at a later
// time than the one before (arrival order is event order here), and returns the final order
// and each change.
func applyAll(o Order, events ...Event) (Order, []EventChange) {
	var changes []EventChange
	for i, e := range events {
		e.EventID = fmt.Sprintf("evt_%d", i)
		e.OccurredAt = t0.Add(time.Duration(i) * time.Minute)
		c := PaymentChange(o, e, t0)
		o = c.Order
		changes = append(changes, c)
	}
	return o, changes
}

func TestApplyEventSequences(t *testing.T) {
	paid := ev(KindPaymentSucceeded, 5000, "USD")
	cases := []struct {
		name        string
		events      []Event
		status      Status
		payment     PaymentStatus
		dispute     string
		applied     []bool
		reasonParts []string // substring expected in each outcome's reason ("" = any)
	}{
		{"success", []Event{paid}, StatusAwaitingShipment, PaymentPaid, "", []bool{true}, nil},
		{"failed then success", []Event{ev(KindPaymentFailed, 0, ""), paid},
			StatusAwaitingShipment, PaymentPaid, "", []bool{true, true}, nil},
		{"later failure after success", []Event{paid, ev(KindPaymentFailed, 0, "")},
			StatusAwaitingShipment, PaymentPaid, "", []bool{true, false}, []string{"", "stale: the order is paid"}},
		{"second success", []Event{paid, paid}, StatusAwaitingShipment, PaymentPaid, "",
			[]bool{true, false}, []string{"", "already paid"}},
		{"underpaid", []Event{ev(KindPaymentSucceeded, 4999, "USD")}, StatusPendingPayment, PaymentUnpaid, "",
			[]bool{false}, []string{"anomaly: paid 4999 of 5000"}},
		{"wrong currency", []Event{ev(KindPaymentSucceeded, 5000, "EUR")}, StatusPendingPayment, PaymentUnpaid, "",
			[]bool{false}, []string{"anomaly: paid in EUR"}},
		{"refund in the wrong currency", []Event{paid, ev(KindRefunded, 5000, "EUR")}, StatusAwaitingShipment, PaymentPaid, "",
			[]bool{true, false}, []string{"", "anomaly: refund in EUR"}},
		{"overpaid is applied and flagged", []Event{ev(KindPaymentSucceeded, 6000, "USD")},
			StatusAwaitingShipment, PaymentPaid, "", []bool{true}, []string{"anomaly: paid 6000, more"}},
		{"pending then canceled", []Event{ev(KindPaymentPending, 0, ""), ev(KindPaymentCanceled, 0, "")},
			StatusPendingPayment, PaymentCanceled, "", []bool{true, true}, nil},
		{"repeated pending", []Event{ev(KindPaymentPending, 0, ""), ev(KindPaymentPending, 0, "")},
			StatusPendingPayment, PaymentProcessing, "", []bool{true, false}, []string{"", "no change"}},
		{"partial then full refund", []Event{paid, ev(KindRefunded, 2000, "USD"), ev(KindRefunded, 3000, "USD")},
			StatusRefunded, PaymentRefunded, "", []bool{true, true, true}, nil},
		{"partial refund", []Event{paid, ev(KindRefunded, 2000, "USD")},
			StatusAwaitingShipment, PaymentPartiallyRefunded, "", []bool{true, true}, nil},
		{"refund over the payment", []Event{paid, ev(KindRefunded, 6000, "USD")},
			StatusRefunded, PaymentRefunded, "", []bool{true, true}, []string{"", "anomaly: refunds total 6000, more than the 5000 paid"}},
		{"refund before payment waits", []Event{ev(KindRefunded, 5000, "USD")}, StatusPendingPayment, PaymentUnpaid, "",
			[]bool{false}, []string{"waiting: a refund recorded before its payment"}},
		{"dispute lifecycle", []Event{paid, ev(KindDisputeOpened, 0, ""), closed(DisputeLost)},
			StatusAwaitingShipment, PaymentPaid, DisputeLost, []bool{true, true, true}, nil},
		{"dispute closed before opened (event time)", []Event{paid, closed(DisputeWon), ev(KindDisputeOpened, 0, "")},
			StatusAwaitingShipment, PaymentPaid, DisputeWon, []bool{true, true, true}, nil},
		{"dispute close without outcome", []Event{paid, closed("")}, StatusAwaitingShipment, PaymentPaid, "",
			[]bool{true, false}, []string{"", "without a known outcome"}},
		{"ignored type", []Event{{Kind: KindIgnored, Type: "customer.created"}}, StatusPendingPayment, PaymentUnpaid, "",
			[]bool{false}, []string{"not acted on: customer.created"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			o, changes := applyAll(pendingOrder(), c.events...)
			if o.Status != c.status || o.PaymentStatus != c.payment || o.Dispute != c.dispute {
				t.Fatalf("order = %s/%s/%q, want %s/%s/%q", o.Status, o.PaymentStatus, o.Dispute, c.status, c.payment, c.dispute)
			}
			changed := 0
			for i, ch := range changes {
				out := ch.Outcome
				if out.Applied != c.applied[i] {
					t.Errorf("event %d applied = %v (%q), want %v", i, out.Applied, out.Reason, c.applied[i])
				}
				if i < len(c.reasonParts) && !strings.Contains(out.Reason, c.reasonParts[i]) {
					t.Errorf("event %d reason = %q, want it to contain %q", i, out.Reason, c.reasonParts[i])
				}
				if out.Applied && !ch.Changed {
					t.Errorf("event %d applied but not changed", i)
				}
				if ch.Entry.Applied != out.Applied || ch.Entry.Reason != out.Reason {
					t.Errorf("event %d entry = %v %q, outcome %v %q", i, ch.Entry.Applied, ch.Entry.Reason, out.Applied, out.Reason)
				}
				if ch.Changed {
					changed++
				}
			}
			if o.Version != int64(1+changed) {
				t.Errorf("version = %d after %d changes, want %d", o.Version, changed, 1+changed)
			}
		})
	}
}

func closed(outcome string) Event {
	e := ev(KindDisputeClosed, 0, "")
	e.DisputeOutcome = outcome
	return e
}

func TestRefundTotalsAreNotDoubleCounted(t *testing.T) {
	total := func(amount int64) Event {
		e := ev(KindRefunded, amount, "USD")
		e.RefundIsTotal = true
		return e
	}
	o, changes := applyAll(pendingOrder(), ev(KindPaymentSucceeded, 5000, "USD"), total(1000), total(1000), total(5000))
	if o.RefundedMinor != 5000 || o.Status != StatusRefunded || changes[2].Outcome.Applied {
		t.Fatalf("refunded %d status %s; repeat applied=%v", o.RefundedMinor, o.Status, changes[2].Outcome.Applied)
	}
}

func TestPaymentReceivedNotifiesOnce(t *testing.T) {
	paid := ev(KindPaymentSucceeded, 5000, "USD")
	_, changes := applyAll(pendingOrder(), paid, paid)
	if n := changes[0].Notify; len(n) != 1 || n[0].Kind != NotifyPaymentReceived || n[0].Seq != 2 || n[0].CauseEventID != "evt_0" {
		t.Fatalf("first notifications = %+v", n)
	}
	if len(changes[1].Notify) != 0 {
		t.Fatalf("second success notified %+v", changes[1].Notify)
	}
}

func TestPaymentAfterTerminationNeedsRefund(t *testing.T) {
	o := pendingOrder()
	o.Status = StatusTerminated
	c := PaymentChange(o, ev(KindPaymentSucceeded, 5000, "USD"), t0)
	if !strings.Contains(c.Outcome.Reason, "needs a refund") || c.Order.Status != StatusTerminated ||
		c.Order.PaymentStatus != PaymentPaid || len(c.Notify) != 1 || len(c.BuyerStats) != 0 {
		t.Fatalf("change = %+v", c)
	}
	// No message to the buyer; one alert to the seller.
	if a := c.Notify[0]; a.Kind != AlertRefundNeeded || !a.Kind.ForSeller() || a.BuyerID != "" || a.Seq != c.Order.Version {
		t.Fatalf("notify = %+v, want one seller_refund_needed alert", a)
	}
}

func TestMinorUnits(t *testing.T) {
	cases := []struct {
		in, cur string
		want    int64
		ok      bool
	}{
		{"10.99", "USD", 1099, true}, {"10", "USD", 1000, true}, {"10.9", "USD", 1090, true},
		{"1000", "JPY", 1000, true}, {"1.234", "KWD", 1234, true}, {"0.01", "EUR", 1, true},
		{"10.999", "USD", 0, false}, {"1.5", "JPY", 0, false}, {"-1", "USD", 0, false},
		{"1e3", "USD", 0, false}, {"", "USD", 0, false}, {".5", "USD", 0, false}, {"5.", "USD", 0, false},
		{"10", "XYZ", 0, false}, {"99999999999999999999", "USD", 0, false},
		// Zeros past the currency's decimals change nothing (Alipay Global: "1000.00" JPY).
		{"1000.00", "JPY", 1000, true}, {"10.990", "USD", 1099, true}, {"1.50", "JPY", 0, false}, {"1.", "JPY", 0, false},
	}
	for _, c := range cases {
		got, err := MinorUnits(c.in, c.cur)
		if (err == nil) != c.ok || got != c.want {
			t.Errorf("MinorUnits(%q, %s) = %d, %v; want %d ok=%v", c.in, c.cur, got, err, c.want, c.ok)
		}
	}
}

func TestFormatMinorInvertsMinorUnits(t *testing.T) {
	for _, c := range []struct {
		minor int64
		cur   string
		want  string
	}{{1099, "USD", "10.99"}, {5, "USD", "0.05"}, {1000, "JPY", "1000"}, {1234, "KWD", "1.234"}, {-250, "EUR", "-2.50"}} {
		got := FormatMinor(c.minor, c.cur)
		if got != c.want {
			t.Errorf("FormatMinor(%d, %s) = %q, want %q", c.minor, c.cur, got, c.want)
		}
		if c.minor > 0 {
			if back, err := MinorUnits(got, c.cur); err != nil || back != c.minor {
				t.Errorf("MinorUnits(%q, %s) = %d, %v; want %d", got, c.cur, back, err, c.minor)
			}
		}
	}
}

func TestApplyEventIsPaymentChange(t *testing.T) {
	refund := at("refund", KindRefunded, 2000, 2)
	got, out := ApplyEvent(pendingOrder(), refund, t0)
	c := PaymentChange(pendingOrder(), refund, t0)
	if !reflect.DeepEqual(got, c.Order) || out.Applied || out.Reason != c.Outcome.Reason || got.Version != 2 {
		t.Fatalf("ApplyEvent = %+v, %+v; PaymentChange = %+v", got, out, c)
	}
}
