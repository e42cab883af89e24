package order

import (
	"strings"
	"testing"
	"time"
)

func TestS10CheckDigit(t *testing.T) {
	// Real-format UPU S10 numbers; the first is the UPU's own example.
	valid := []string{"RR123456785CN", "EE123456785US", "LX000000005DE", "CP999999995FR", "RA473124829CN"}
	for _, n := range valid {
		if got := S10CheckDigit(n[2:10]); got != n[10] {
			t.Errorf("check digit of %s = %c, want %c", n, got, n[10])
		}
	}
	// Remainders 1 and 0 map to 0 and 5.
	if S10CheckDigit("00000012") != '0' || S10CheckDigit("00000000") != '5' {
		t.Error("special cases 10→0 and 11→5 not applied")
	}
}

func TestNewShipmentValidation(t *testing.T) {
	now := time.Date(2026, 11, 22, 10, 0, 0, 0, time.UTC)
	sh, err := NewShipment(" Cainiao ", "rr 1234-5678 5cn", ServicePostal, time.Time{}, now)
	if err != nil || sh.Carrier != "cainiao" || sh.TrackingNumber != "RR123456785CN" || sh.Status != ShipmentPending || !sh.ShippedAt.Equal(now) {
		t.Fatalf("NewShipment = %+v, %v", sh, err)
	}
	if _, err := NewShipment("dhl", "1234567890", ServiceExpress, now, now); err != nil {
		t.Fatalf("a non-S10 express number: %v", err)
	}
	_, err = NewShipment("dhl", "RR123456786CN", ServicePostal, now, now)
	e, ok := err.(*Error)
	if !ok || !strings.Contains(e.Fields["tracking_number"], "would end in 5, not 6") {
		t.Fatalf("wrong S10 check digit: %v", err)
	}
	_, err = NewShipment("Bad Slug!", "x", "rocket", now.Add(48*time.Hour), now)
	if e, ok := err.(*Error); !ok || len(e.Fields) != 4 {
		t.Fatalf("want carrier, tracking_number, service and shipped_at reported at once: %v", err)
	}
}

func paidOrder(t *testing.T) Order {
	t.Helper()
	o := pendingOrder()
	o, _ = ApplyEvent(o, ev(KindPaymentSucceeded, 5000, "USD"), t0)
	return o
}

func ship(t *testing.T, o Order, number string) Order {
	t.Helper()
	sh, err := NewShipment("cainiao", number, ServicePostal, t0, t0)
	if err != nil {
		t.Fatal(err)
	}
	ch, err := o.AddShipment(sh, false, t0)
	if err != nil {
		t.Fatal(err)
	}
	return ch.Order
}

func TestAddShipment(t *testing.T) {
	o := paidOrder(t)
	sh, _ := NewShipment("cainiao", "RR123456785CN", ServicePostal, t0, t0)
	ch, err := o.AddShipment(sh, false, t0)
	if err != nil || ch.Order.Status != StatusShipped || len(ch.Order.Shipments) != 1 || ch.Order.Version != o.Version+1 {
		t.Fatalf("first shipment: %+v, %v", ch.Order, err)
	}
	if len(ch.Notify) != 1 || ch.Notify[0].Kind != NotifyShipmentShipped || ch.Entry.Kind != KindShipmentRegistered {
		t.Fatalf("registration effects: %+v %+v", ch.Notify, ch.Entry)
	}
	again, err := ch.Order.AddShipment(sh, false, t0)
	if err != nil || !again.Existing || again.Order.Version != ch.Order.Version {
		t.Fatalf("same shipment twice: %+v, %v", again, err)
	}
	if _, err := pendingOrder().AddShipment(sh, false, t0); ErrorCode(err) != CodeConflict {
		t.Fatalf("unpaid order without force: %v", err)
	}
	forced, err := pendingOrder().AddShipment(sh, true, t0)
	if err != nil || forced.Order.Status != StatusPendingPayment || !strings.Contains(forced.Entry.Reason, "force") {
		t.Fatalf("forced: %+v, %v", forced, err)
	}
	term := pendingOrder()
	term.Status = StatusTerminated
	if _, err := term.AddShipment(sh, true, t0); ErrorCode(err) != CodeConflict {
		t.Fatalf("terminated order took a shipment: %v", err)
	}
}

func track(number string, status ShipmentStatus, at time.Duration) TrackingEvent {
	return TrackingEvent{Source: "aftership", EventID: string(status) + at.String(), Type: "tracking_update",
		TrackingNumber: number, Carrier: "cainiao", Status: status, ProviderStatus: string(status),
		OccurredAt: t0.Add(at)}
}

func TestApplyTrackingIsMonotonic(t *testing.T) {
	const n = "RR123456785CN"
	cases := []struct {
		name    string
		events  []TrackingEvent
		final   ShipmentStatus
		applied []bool
	}{
		{"normal journey", []TrackingEvent{track(n, ShipmentInTransit, time.Hour), track(n, ShipmentOutForDelivery, 2*time.Hour),
			track(n, ShipmentDelivered, 3*time.Hour)}, ShipmentDelivered, []bool{true, true, true}},
		{"late in_transit after delivered", []TrackingEvent{track(n, ShipmentDelivered, 3*time.Hour),
			track(n, ShipmentInTransit, 4*time.Hour)}, ShipmentDelivered, []bool{true, false}},
		{"older event arrives late", []TrackingEvent{track(n, ShipmentOutForDelivery, 3*time.Hour),
			track(n, ShipmentException, time.Hour)}, ShipmentOutForDelivery, []bool{true, false}},
		{"exception then recovery", []TrackingEvent{track(n, ShipmentInTransit, time.Hour), track(n, ShipmentException, 2*time.Hour),
			track(n, ShipmentInTransit, 3*time.Hour)}, ShipmentInTransit, []bool{true, true, true}},
		{"attempt failed then delivered", []TrackingEvent{track(n, ShipmentOutForDelivery, time.Hour),
			track(n, ShipmentAttemptFailed, 2*time.Hour), track(n, ShipmentDelivered, 3*time.Hour)}, ShipmentDelivered, []bool{true, true, true}},
		{"in_transit after out_for_delivery and a failure", []TrackingEvent{track(n, ShipmentOutForDelivery, time.Hour),
			track(n, ShipmentAttemptFailed, 2*time.Hour), track(n, ShipmentInTransit, 3*time.Hour)}, ShipmentAttemptFailed, []bool{true, true, false}},
		{"returned overrides delivered", []TrackingEvent{track(n, ShipmentDelivered, time.Hour), track(n, ShipmentReturned, 2*time.Hour),
			track(n, ShipmentDelivered, 3*time.Hour)}, ShipmentReturned, []bool{true, true, false}},
		{"repeat is no change", []TrackingEvent{track(n, ShipmentInTransit, time.Hour), track(n, ShipmentInTransit, 2*time.Hour)},
			ShipmentInTransit, []bool{true, false}},
		{"unmapped status recorded", []TrackingEvent{track(n, "", time.Hour)}, ShipmentPending, []bool{false}},
		{"other parcel", []TrackingEvent{track("LX000000005DE", ShipmentDelivered, time.Hour)}, ShipmentPending, []bool{false}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			o := ship(t, paidOrder(t), n)
			for i, e := range c.events {
				var out Outcome
				o, out = ApplyTracking(o, e, t0)
				if out.Applied != c.applied[i] {
					t.Fatalf("event %d (%s) applied = %v (%q), want %v", i, e.Status, out.Applied, out.Reason, c.applied[i])
				}
			}
			if got := o.Shipments[0].Status; got != c.final {
				t.Fatalf("final status %s, want %s", got, c.final)
			}
		})
	}
}

func TestOrderDeliveredWhenEveryParcelIs(t *testing.T) {
	o := ship(t, ship(t, paidOrder(t), "RR123456785CN"), "LX000000005DE")
	o, out := ApplyTracking(o, track("RR123456785CN", ShipmentDelivered, time.Hour), t0)
	if !out.Applied || o.Status != StatusShipped {
		t.Fatalf("one of two delivered: order %s", o.Status)
	}
	o, _ = ApplyTracking(o, track("LX000000005DE", ShipmentDelivered, 2*time.Hour), t0)
	if o.Status != StatusDelivered {
		t.Fatalf("both delivered: order %s", o.Status)
	}
}

// TestParcelAfterDeliveryReopensTheOrder: a parcel registered after the others were
// delivered makes the order shipped again, and delivered when it is (a storm found orders
// shown delivered with a parcel still pending).
func TestParcelAfterDeliveryReopensTheOrder(t *testing.T) {
	o := ship(t, paidOrder(t), "RR123456785CN")
	o, _ = ApplyTracking(o, track("RR123456785CN", ShipmentDelivered, time.Hour), t0)
	if o.Status != StatusDelivered {
		t.Fatalf("only parcel delivered: order %s", o.Status)
	}
	o = ship(t, o, "LX000000005DE")
	if o.Status != StatusShipped {
		t.Fatalf("second parcel registered after the first was delivered: order %s, want shipped", o.Status)
	}
	o, _ = ApplyTracking(o, track("LX000000005DE", ShipmentDelivered, 2*time.Hour), t0)
	if o.Status != StatusDelivered {
		t.Fatalf("both delivered: order %s", o.Status)
	}
}

func TestMilestonesNotifiedOncePerParcel(t *testing.T) {
	const n = "RR123456785CN"
	o := ship(t, paidOrder(t), n)
	var kinds []NotificationKind
	for _, e := range []TrackingEvent{track(n, ShipmentOutForDelivery, time.Hour), track(n, ShipmentAttemptFailed, 2*time.Hour),
		track(n, ShipmentOutForDelivery, 3*time.Hour), track(n, ShipmentDelivered, 4*time.Hour)} {
		var out Outcome
		o, out = ApplyTracking(o, e, t0)
		kinds = append(kinds, out.Notify...)
	}
	want := []NotificationKind{NotifyShipmentOutForDelivery, NotifyShipmentAttemptFailed, NotifyShipmentDelivered}
	if len(kinds) != len(want) {
		t.Fatalf("notified %v, want %v (out_for_delivery once)", kinds, want)
	}
	for i := range want {
		if kinds[i] != want[i] {
			t.Fatalf("notified %v, want %v", kinds, want)
		}
	}
}

func TestNormalizeTrackingNumber(t *testing.T) {
	if got := NormalizeTrackingNumber(" rr-1234.5678 5cn\u00a0"); got != "RR123456785CN" {
		t.Fatalf("got %q", got)
	}
}

func TestScanBeforeRegistrationIsApplied(t *testing.T) {
	// The carrier scanned the label at 08:00; the seller registered the parcel as shipped at 09:00.
	o := ship(t, paidOrder(t), "RR123456785CN")
	o, out := ApplyTracking(o, track("RR123456785CN", ShipmentInfoReceived, -time.Hour), t0)
	if !out.Applied || o.Shipments[0].Status != ShipmentInfoReceived {
		t.Fatalf("an early carrier scan was refused: %q", out.Reason)
	}
}
