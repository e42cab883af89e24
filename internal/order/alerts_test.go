package order

import (
	"strings"
	"testing"
	"time"
)

func kindsOf(rows []Notification) (buyer, seller []NotificationKind) {
	for _, n := range rows {
		if n.Kind.ForSeller() {
			seller = append(seller, n.Kind)
		} else {
			buyer = append(buyer, n.Kind)
		}
	}
	return buyer, seller
}

func TestAlertKindsAreApartFromBuyerKinds(t *testing.T) {
	for _, k := range SellerAlertKinds {
		if !k.ForSeller() || k.Known() || k.MustSend() || strings.HasPrefix(k.AlertName(), SellerKindPrefix) {
			t.Errorf("%s: ForSeller %v Known %v MustSend %v name %q", k, k.ForSeller(), k.Known(), k.MustSend(), k.AlertName())
		}
	}
	for _, k := range NotificationKinds {
		if k.ForSeller() {
			t.Errorf("buyer kind %s counts as a seller kind", k)
		}
	}
	if ValidID(UnfiledAlertOrderID) {
		t.Errorf("%q is a valid order id: a seller could register it", UnfiledAlertOrderID)
	}
}

// TestDisputeOpenedAlertsTheSellerOnly: a dispute on a paid order writes one
// seller_dispute_opened row (no buyer, the event's ids, the deadline in its detail, no buyer
// message) and puts the order in the due index at respond_by−48h.
func TestDisputeOpenedAlertsTheSellerOnly(t *testing.T) {
	o, _ := applyAll(pendingOrder(), ev(KindPaymentSucceeded, 5000, "USD"))
	respondBy := t0.Add(9 * 24 * time.Hour)
	d := Event{Source: "stripe", EventID: "evt_dp", Type: "charge.dispute.created", Kind: KindDisputeOpened,
		OrderID: o.ID, OccurredAt: t0.Add(24 * time.Hour), DisputeID: "dp_1", DisputeStatus: DisputeNeedsResponse,
		RespondBy: respondBy, AmountMinor: 5000, Currency: "USD"}
	c := PaymentChange(o, d, t0.Add(25*time.Hour))
	buyer, seller := kindsOf(c.Notify)
	if len(buyer) != 0 || len(seller) != 1 || seller[0] != AlertDisputeOpened {
		t.Fatalf("buyer %v seller %v", buyer, seller)
	}
	a := c.Notify[0]
	if a.BuyerID != "" || a.OrderID != o.ID || a.CauseEventID != "evt_dp" || a.Seq != c.Order.Version ||
		!strings.Contains(a.Detail, "dp_1") || !strings.Contains(a.Detail, respondBy.Format(time.RFC3339)) {
		t.Fatalf("alert = %+v", a)
	}
	if want := respondBy.Add(-48 * time.Hour); !c.Order.NextActionAt.Equal(want) {
		t.Fatalf("NextActionAt = %v, want %v", c.Order.NextActionAt, want)
	}
	// The same event again is a duplicate: nothing, no second alert.
	if again := PaymentChange(c.Order, d, t0.Add(26*time.Hour)); again.Changed || len(again.Notify) != 0 {
		t.Fatalf("redelivery: %+v", again.Notify)
	}
}

func TestDisputeDueChange(t *testing.T) {
	respondBy := t0.Add(10 * 24 * time.Hour)
	o := Order{ID: "o-1", Status: StatusAwaitingShipment, Version: 4,
		Disputes:         []Dispute{{ID: "dp_1", Status: DisputeOpen}, {ID: "dp_2", Status: DisputeLost}},
		DisputeDeadlines: []DisputeDeadline{{DisputeID: "dp_1", RespondBy: respondBy}, {DisputeID: "dp_2", RespondBy: t0}}}
	o.NextActionAt = o.DisputeAlertAt()
	due := respondBy.Add(-DisputeAlertLead)
	if !o.NextActionAt.Equal(due) {
		t.Fatalf("DisputeAlertAt = %v, want %v (the lost dispute does not count)", o.NextActionAt, due)
	}
	if _, ok := DisputeDueChange(o, due.Add(-time.Second)); ok {
		t.Fatal("a step before the alert is due")
	}
	ch, ok := DisputeDueChange(o, due)
	if !ok || len(ch.Notify) != 1 || ch.Notify[0].Kind != AlertDisputeResponseDue || ch.Notify[0].Seq != 5 ||
		ch.Order.Version != 5 || !ch.Order.NextActionAt.IsZero() || !ch.Order.DisputeDeadlines[0].Alerted || o.DisputeDeadlines[0].Alerted {
		t.Fatalf("change = %+v (ok %v)", ch, ok)
	}
	if _, ok := DisputeDueChange(ch.Order, due.Add(time.Hour)); ok {
		t.Fatal("a second step after the alert")
	}
}

func TestTrackingExceptionAlertsOnce(t *testing.T) {
	const n = "RR123456785CN"
	o := ship(t, paidOrder(t), n)
	ex := track(n, ShipmentException, time.Hour)
	ex.SubStatus = "Exception_004"
	ch := NewTrackingChange(o, ex, t0.Add(2*time.Hour))
	buyer, seller := kindsOf(ch.Notify)
	if len(buyer) != 1 || len(seller) != 1 || seller[0] != AlertShipmentException || ch.Notify[1].Parcel != n {
		t.Fatalf("notify = %+v", ch.Notify)
	}
	again := track(n, ShipmentException, 2*time.Hour)
	again.EventID, again.SubStatus = "evt-2", "Exception_006"
	ch2 := NewTrackingChange(ch.Order, again, t0.Add(3*time.Hour))
	if _, seller := kindsOf(ch2.Notify); !ch2.Changed || len(seller) != 0 {
		t.Fatalf("a second exception sub-status alerted again: %+v", ch2.Notify)
	}
	ret := track(n, ShipmentReturned, 3*time.Hour)
	ret.EventID = "evt-3"
	ch3 := NewTrackingChange(ch2.Order, ret, t0.Add(4*time.Hour))
	if _, seller := kindsOf(ch3.Notify); len(seller) != 1 || seller[0] != AlertShipmentReturned {
		t.Fatalf("returned: %+v", ch3.Notify)
	}
}

func TestUnknownMessageAlert(t *testing.T) {
	row := Notification{OrderID: "o-1", BuyerID: "b-1", Kind: NotifyPaymentReceived, Seq: 2, Attempts: 1}
	a, ok := UnknownMessageAlert(row, "lease lapsed", t0)
	b, _ := UnknownMessageAlert(row, "lease lapsed", t0.Add(time.Hour))
	if !ok || a.Kind != AlertMessageUnknown || a.BuyerID != "" || a.Ref() != b.Ref() || !strings.Contains(a.Detail, row.Ref().String()) {
		t.Fatalf("alert = %+v, again %+v", a, b)
	}
	row.Attempts = 2
	if c, _ := UnknownMessageAlert(row, "lease lapsed", t0); c.Ref() == a.Ref() {
		t.Fatal("another claim's unknown names the same alert row")
	}
	if _, ok := UnknownMessageAlert(a, "lease lapsed", t0); ok {
		t.Fatal("an alert about an alert")
	}
}
