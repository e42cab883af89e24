package order

import (
	"testing"
	"time"
)

func TestFileTracking(t *testing.T) {
	ev := track("1Z999AA10123456784", ShipmentInTransit, time.Hour) // carrier "cainiao"
	noCarrier := ev
	noCarrier.Carrier = ""
	cases := []struct {
		name    string
		ev      TrackingEvent
		claims  []TrackingClaim
		want    string
		unfiled string
	}{
		{"no claim", ev, nil, "", "no order claims tracking number 1Z999AA10123456784"},
		{"the only claim, other carrier", ev, []TrackingClaim{{"o-1", "dhl"}}, "o-1", ""},
		{"several, one matches", ev, []TrackingClaim{{"o-1", "dhl"}, {"o-2", "cainiao"}}, "o-2", ""},
		{"several, none matches", ev, []TrackingClaim{{"o-1", "dhl"}, {"o-2", "ups"}}, "",
			"2 orders claim this tracking number, none with carrier cainiao"},
		{"several, event names no carrier", noCarrier, []TrackingClaim{{"o-1", "dhl"}, {"o-2", "ups"}, {"o-3", "usps"}}, "",
			"3 orders claim this tracking number, none with carrier (the event names none)"},
	}
	for _, c := range cases {
		id, unfiled := FileTracking(c.ev, c.claims)
		if id != c.want || unfiled != c.unfiled {
			t.Errorf("%s: FileTracking = %q, %q; want %q, %q", c.name, id, unfiled, c.want, c.unfiled)
		}
	}
}

func TestNewTrackingChangeApplied(t *testing.T) {
	const n = "RR123456785CN"
	o := ship(t, paidOrder(t), n)
	now := t0.Add(2 * time.Hour)
	ev := track(n, ShipmentOutForDelivery, time.Hour)
	ev.ReceivedAt = now
	ch := NewTrackingChange(o, ev, now)
	if !ch.Changed || !ch.Outcome.Applied || ch.Order.Version != o.Version+1 || !ch.Order.UpdatedAt.Equal(now) {
		t.Fatalf("change = %+v", ch)
	}
	if ch.Order.Shipments[0].Status != ShipmentOutForDelivery || o.Shipments[0].Status != ShipmentPending {
		t.Fatalf("shipment after = %s, input after = %s (the input must not change)", ch.Order.Shipments[0].Status, o.Shipments[0].Status)
	}
	if e := ch.Entry; !e.Applied || e.Kind != KindTrackingUpdate || e.TrackingNumber != n || e.ShipmentStatus != ShipmentOutForDelivery || !e.ReceivedAt.Equal(now) {
		t.Fatalf("entry = %+v", e)
	}
	if len(ch.Notify) != 1 || ch.Notify[0].Kind != NotifyShipmentOutForDelivery || ch.Notify[0].Parcel != n ||
		ch.Notify[0].Seq != ch.Order.Version || ch.Notify[0].CauseEventID != ev.EventID || ch.Notify[0].OrderID != o.ID {
		t.Fatalf("notify = %+v", ch.Notify)
	}
}

func TestNewTrackingChangeNotApplied(t *testing.T) {
	const n = "RR123456785CN"
	o := ship(t, paidOrder(t), n)
	delivered := NewTrackingChange(o, track(n, ShipmentDelivered, 3*time.Hour), t0).Order
	ch := NewTrackingChange(delivered, track(n, ShipmentInTransit, 4*time.Hour), t0)
	if ch.Changed || ch.Outcome.Applied || ch.Order.Version != delivered.Version || len(ch.Notify) != 0 {
		t.Fatalf("late in_transit after delivered: %+v", ch)
	}
	if ch.Entry.Applied || ch.Entry.Reason == "" || ch.Entry.Reason != ch.Outcome.Reason {
		t.Fatalf("entry of a refused event = %+v", ch.Entry)
	}
}
