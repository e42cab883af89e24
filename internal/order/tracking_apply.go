package order

import (
	"fmt"
	"time"
)

// progress ranks the statuses that move a parcel forward. exception and attempt_failed are
// not ranked: they are detours a parcel recovers from.
var progress = map[ShipmentStatus]int{
	ShipmentPending: 0, ShipmentInfoReceived: 1, ShipmentInTransit: 2,
	ShipmentOutForDelivery: 3, ShipmentAvailableForPickup: 3,
	ShipmentExpired: 4, ShipmentDelivered: 5, ShipmentReturned: 6,
}

// Entry returns the timeline entry of a tracking event with the given outcome; ev's
// TimeAnomaly, if any, is added to the reason.
func (ev TrackingEvent) Entry(applied bool, reason string) TimelineEntry {
	return TimelineEntry{Kind: KindTrackingUpdate, Type: ev.Type, Source: ev.Source, EventID: ev.EventID,
		OccurredAt: ev.OccurredAt.UTC(), ReceivedAt: ev.ReceivedAt.UTC(), Applied: applied,
		Reason:         joinReasons(reason, ev.TimeAnomaly),
		TrackingNumber: ev.TrackingNumber, ShipmentStatus: ev.Status, SubStatus: ev.SubStatus,
		Checkpoints: ev.Checkpoints}
}

// ShipmentFor returns the index of o's shipment with ev's tracking number, preferring the one
// whose carrier matches when several share the number; -1 when there is none.
func (o Order) ShipmentFor(trackingNumber, carrier string) int {
	found := -1
	for i, sh := range o.Shipments {
		if sh.TrackingNumber != trackingNumber {
			continue
		}
		if found < 0 || sh.Carrier == carrier {
			found = i
		}
	}
	return found
}

// ApplyTracking returns o with ev applied to its parcel, and what happened. Progress is
// monotonic: a status behind the furthest one reached (a late in_transit after delivered) or
// older than the parcel's current status is recorded, not applied; exception and
// attempt_failed can follow in_transit and the parcel recovers from them; returned
// overrides delivered. The order becomes delivered when every parcel is delivered. Each
// milestone is notified at most once per parcel, however often carriers repeat it.
func ApplyTracking(o Order, ev TrackingEvent, now time.Time) (Order, Outcome) {
	i := o.ShipmentFor(ev.TrackingNumber, ev.Carrier)
	if i < 0 {
		return o, Outcome{Reason: "no shipment of this order has tracking number " + ev.TrackingNumber}
	}
	sh := o.Shipments[i]
	if reason := refuseTracking(sh, ev); reason != "" {
		return o, Outcome{Reason: reason}
	}
	sh.Status, sh.ProviderStatus, sh.SubStatus, sh.StatusAt = ev.Status, ev.ProviderStatus, ev.SubStatus, ev.OccurredAt.UTC()
	if rank, ok := progress[ev.Status]; ok && rank >= progress[sh.Reached] {
		sh.Reached = ev.Status
	}
	out := Outcome{Applied: true}
	if kind, ok := milestone[ev.Status]; ok && !notified(sh, kind) {
		sh.Notified = append(append([]NotificationKind(nil), sh.Notified...), kind)
		out.Notify = []NotificationKind{kind}
	}
	next := o
	next.Shipments = append([]Shipment(nil), o.Shipments...)
	next.Shipments[i] = sh
	if allDelivered(next.Shipments) && CanTransition(next.Status, StatusDelivered) {
		next.Status = StatusDelivered
	}
	next.Version = o.Version + 1
	next.UpdatedAt = now.UTC()
	return next, out
}

// refuseTracking says why ev does not change sh, or "" when it does.
func refuseTracking(sh Shipment, ev TrackingEvent) string {
	switch {
	case ev.Status == "" || !ev.Status.Valid():
		return fmt.Sprintf("not acted on: %s %s", ev.Type, ev.ProviderStatus)
	case sh.Status == ShipmentReturned:
		return "stale: the parcel was returned"
	case ev.Status == sh.Status && ev.SubStatus == sh.SubStatus:
		return "no change: already " + string(ev.Status)
	case !sh.StatusAt.IsZero() && ev.OccurredAt.Before(sh.StatusAt):
		return fmt.Sprintf("stale: older than the current status %s", sh.Status)
	case ev.Status == ShipmentReturned:
		return ""
	case sh.Status == ShipmentDelivered:
		return "stale: the parcel was delivered"
	}
	if rank, ranked := progress[ev.Status]; ranked && rank < progress[sh.Reached] {
		return fmt.Sprintf("stale: the parcel already reached %s", sh.Reached)
	}
	return ""
}

func notified(sh Shipment, kind NotificationKind) bool {
	for _, k := range sh.Notified {
		if k == kind {
			return true
		}
	}
	return false
}

func allDelivered(shipments []Shipment) bool {
	for _, sh := range shipments {
		if sh.Status != ShipmentDelivered {
			return false
		}
	}
	return len(shipments) > 0
}

// TrackingNotifications returns the outbox rows for an applied tracking outcome.
func (out Outcome) TrackingNotifications(o Order, ev TrackingEvent, now time.Time) []Notification {
	rows := out.Notifications(o, Event{Source: ev.Source, EventID: ev.EventID}, now)
	for i := range rows {
		rows[i].Parcel = ev.TrackingNumber
	}
	return rows
}
