package order

import (
	"reflect"
	"testing"
	"time"
)

var attT0 = time.Date(2026, 11, 1, 9, 0, 0, 0, time.UTC)

func attPaidOrder(paidAt time.Time) Order {
	return Order{ID: "o-1", Status: StatusAwaitingShipment, PaymentStatus: PaymentPaid, PaidMinor: 1000,
		CreatedAt: attT0.Add(-time.Hour),
		Ledger: []LedgerEntry{
			{Source: "stripe", EventID: "e0", Kind: KindPaymentPending, OccurredAt: paidAt.Add(-time.Minute)},
			{Source: "stripe", EventID: "e1", Kind: KindPaymentSucceeded, OccurredAt: paidAt, AmountMinor: 1000},
			{Source: "stripe", EventID: "e2", Kind: KindPaymentSucceeded, OccurredAt: paidAt.Add(time.Hour), AmountMinor: 1000},
		}}
}

func TestAttention(t *testing.T) {
	day := 24 * time.Hour
	now := attT0.Add(10 * day)
	unshippedOld := attPaidOrder(attT0)
	unshippedNew := attPaidOrder(now.Add(-2 * day))
	shipped := attPaidOrder(attT0)
	shipped.Status = StatusShipped
	shipped.Shipments = []Shipment{{TrackingNumber: "LX1", Status: ShipmentInTransit, StatusAt: attT0.Add(day)}}
	parcel := shipped
	parcel.Shipments = []Shipment{
		{TrackingNumber: "A1", Status: ShipmentInTransit, StatusAt: attT0.Add(time.Hour)},
		{TrackingNumber: "A2", Status: ShipmentReturned, StatusAt: attT0.Add(5 * day)},
		{TrackingNumber: "A3", Status: ShipmentAttemptFailed, StatusAt: attT0.Add(3 * day)},
	}
	refund := attPaidOrder(attT0.Add(2 * day))
	refund.Status = StatusTerminated
	refunded := refund
	refunded.RefundedMinor = 1000
	refundedStatus := attPaidOrder(attT0)
	refundedStatus.Status = StatusRefunded
	dispute := shipped
	dispute.Disputes = []Dispute{
		{ID: "d1", Status: DisputeUnderReview, RespondBy: attT0.Add(day)},
		{ID: "d2", Status: DisputeNeedsResponse, RespondBy: attT0.Add(9 * day)},
		{ID: "d3", Status: DisputeNeedsResponse, RespondBy: attT0.Add(8 * day)},
	}
	undated := unshippedOld
	undated.Disputes = []Dispute{{ID: "d4", Status: DisputeNeedsResponse, OpenedAt: attT0.Add(4 * day)}}
	overParcel := parcel
	overParcel.Status, overParcel.RefundedMinor = StatusRefunded, 1000
	legacy := Order{ID: "o-2", Status: StatusAwaitingShipment, PaidMinor: 500, CreatedAt: attT0}
	pending := Order{ID: "o-3", Status: StatusPendingPayment, CreatedAt: attT0}

	for _, tc := range []struct {
		name  string
		o     Order
		after time.Duration
		want  []AttentionItem
	}{
		{"paid long ago, no parcel", unshippedOld, 0, []AttentionItem{{AttentionUnshipped, attT0}}},
		{"paid 2 days ago, default 3 days", unshippedNew, 0, nil},
		{"paid 2 days ago, setting 1 day", unshippedNew, day, []AttentionItem{{AttentionUnshipped, now.Add(-2 * day)}}},
		{"paid exactly the setting ago", unshippedNew, 2 * day, []AttentionItem{{AttentionUnshipped, now.Add(-2 * day)}}},
		{"shipped", shipped, 0, nil},
		{"parcel problems: earliest", parcel, 0, []AttentionItem{{AttentionParcel, attT0.Add(3 * day)}}},
		{"parcel problem of a refunded order", overParcel, 0, nil},
		{"paid after termination", refund, 0, []AttentionItem{{AttentionRefund, attT0.Add(2 * day)}}},
		{"refunded after termination", refunded, 0, nil},
		{"refunded order", refundedStatus, 0, nil},
		{"dispute: earliest needs_response deadline", dispute, 0, []AttentionItem{{AttentionDispute, attT0.Add(8 * day)}}},
		{"dispute without deadline and unshipped", undated, 0, []AttentionItem{{AttentionDispute, attT0.Add(4 * day)}, {AttentionUnshipped, attT0}}},
		{"paid before the ledger: from created_at", legacy, 0, []AttentionItem{{AttentionUnshipped, attT0}}},
		{"pending payment", pending, 0, nil},
	} {
		if got := Attention(tc.o, now, tc.after); !reflect.DeepEqual(got, tc.want) {
			t.Errorf("%s: Attention = %v, want %v", tc.name, got, tc.want)
		}
	}
}

// PaidAt names the entry FoldLedger takes the payment from: its amount is PaidMinor.
func TestPaidAtIsFoldsPayment(t *testing.T) {
	o := attPaidOrder(attT0)
	o.Ledger[1].AmountMinor, o.Ledger[2].AmountMinor = 700, 900
	f := FoldLedger(o.Ledger)
	at, ok := PaidAt(o.Ledger)
	if !ok || !at.Equal(attT0) || f.PaidMinor != 700 {
		t.Fatalf("PaidAt = %v %v, fold paid %d; want %v and 700", at, ok, f.PaidMinor, attT0)
	}
	if _, ok := PaidAt(o.Ledger[:1]); ok || FoldLedger(o.Ledger[:1]).PaidMinor != 0 {
		t.Fatal("a ledger without payment has a PaidAt")
	}
	if got := (Order{}).PaidAt(); !got.IsZero() {
		t.Fatalf("unpaid order PaidAt = %v", got)
	}
}

func TestMessageProblem(t *testing.T) {
	row := Notification{OrderID: "o-1", Kind: NotifyShipmentShipped, CreatedAt: attT0, UpdatedAt: attT0.Add(time.Hour)}
	for status, want := range map[string]bool{NotificationFailed: true, NotificationUnknown: true,
		NotificationSent: false, NotificationPending: false, NotificationSending: false, NotificationSkipped: false} {
		row.Status = status
		at, ok := MessageProblem(row)
		if ok != want || (ok && !at.Equal(attT0.Add(time.Hour))) {
			t.Errorf("%s: MessageProblem = %v %v, want %v", status, at, ok, want)
		}
	}
	alert := SellerAlert(AlertDisputeOpened, "o-1", 2, "stripe", "e1", "d", attT0)
	alert.Status = NotificationFailed
	if _, ok := MessageProblem(alert); ok {
		t.Error("a failed seller alert is a buyer message problem")
	}
	row.Status, row.UpdatedAt = NotificationUnknown, time.Time{}
	if at, _ := MessageProblem(row); !at.Equal(attT0) {
		t.Errorf("without UpdatedAt: at %v, want CreatedAt", at)
	}
}

func TestAttentionKindValid(t *testing.T) {
	for _, k := range AttentionKinds {
		if !AttentionKindValid(k) {
			t.Errorf("%s invalid", k)
		}
	}
	if AttentionKindValid("any") || AttentionKindValid("") {
		t.Error("any/empty valid as a kind")
	}
}
