package order

import (
	"fmt"
	"strings"
	"time"
)

// TrackingClaim is one order's registration of a carrier's tracking number, as the store
// keeps it: the number is shared, so a carrier event is filed on the claim it fits.
type TrackingClaim struct {
	OrderID string
	Carrier string // the seller's carrier slug the parcel was registered with
}

// FileTracking says which order a carrier event belongs to, given every claim of its
// tracking number: the only claim, whatever its carrier (carrier slugs differ between the
// seller and the aggregators), or among several the one whose carrier is the event's. When
// none fits, orderID is "" and unfiled says why: the event is parked under its tracking
// number, unfiled, until an order claims the number with a fitting carrier or a seller files
// it by hand. This is the one rule both store adapters follow.
func FileTracking(ev TrackingEvent, claims []TrackingClaim) (orderID, unfiled string) {
	switch len(claims) {
	case 0:
		return "", "no order claims tracking number " + ev.TrackingNumber
	case 1:
		return claims[0].OrderID, ""
	}
	for _, c := range claims {
		if c.Carrier == ev.Carrier {
			return c.OrderID, ""
		}
	}
	carrier := ev.Carrier
	if carrier == "" {
		carrier = "(the event names none)"
	}
	return "", fmt.Sprintf("%d orders claim this tracking number, none with carrier %s", len(claims), carrier)
}

// TrackingChange is what one carrier event does to the order it is filed on: everything a
// store adapter persists, in one atomic write, and nothing it has to work out itself.
type TrackingChange struct {
	// Order is the order after the event: version bumped and UpdatedAt set when Changed,
	// otherwise the order as it was (the adapter still checks its version, so that a
	// concurrent change makes it rebuild the change from a fresh read).
	Order Order
	// Changed says whether Order differs from the order the change was built from; when
	// false, only the timeline entry is written.
	Changed bool
	// Outcome is what applying the event did: applied or why not, and the milestones.
	Outcome Outcome
	// Entry is the event on the order's timeline, always written (applied or not).
	Entry TimelineEntry
	// Notify lists the outbox rows the change implies (empty unless Changed); each names
	// the parcel, and each milestone is queued at most once per parcel.
	Notify []Notification
}

// NewTrackingChange builds the change carrier event ev makes to order o at time now,
// following ApplyTracking's rules (monotonic progress, returned is final, milestones once
// per parcel). It is pure: o is not modified. A parcel that enters exception or returned
// also alerts the seller (AlertShipmentException, AlertShipmentReturned).
func NewTrackingChange(o Order, ev TrackingEvent, now time.Time) TrackingChange {
	next, out := ApplyTracking(o, ev, now)
	ch := TrackingChange{Order: next, Changed: out.Applied, Outcome: out, Entry: ev.Entry(out.Applied, out.Reason)}
	if out.Applied {
		ch.Notify = out.TrackingNotifications(next, ev, now)
		ch.Notify = append(ch.Notify, trackingAlerts(o, next, ev, now)...)
	}
	return ch
}

// trackingAlerts are the seller alerts of an applied carrier event: the parcel entering
// exception or returned (a repeat of the same status with another sub-status is not alerted
// again).
func trackingAlerts(o, next Order, ev TrackingEvent, now time.Time) []Notification {
	kind := map[ShipmentStatus]NotificationKind{ShipmentException: AlertShipmentException,
		ShipmentReturned: AlertShipmentReturned}[ev.Status]
	i := o.ShipmentFor(ev.TrackingNumber, ev.Carrier)
	if kind == "" || i < 0 || o.Shipments[i].Status == ev.Status {
		return nil
	}
	sh := o.Shipments[i]
	detail := fmt.Sprintf("parcel %s (%s): %s %s", sh.TrackingNumber, sh.Carrier, ev.ProviderStatus, ev.SubStatus)
	a := SellerAlert(kind, next.ID, next.Version, ev.Source, ev.EventID, strings.TrimSpace(detail), now)
	a.Parcel = ev.TrackingNumber
	return []Notification{a}
}
