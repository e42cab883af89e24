package order

import (
	"fmt"
	"regexp"
	"strings"
	"time"
)

// Service is how a parcel travels; the values are used verbatim in the API.
type Service string

// The shipping services.
const (
	ServiceExpress       Service = "express"
	ServicePostal        Service = "postal"
	ServiceDedicatedLine Service = "dedicated_line"
	ServiceSea           Service = "sea"
	ServiceLand          Service = "land"
)

var services = map[Service]bool{ServiceExpress: true, ServicePostal: true, ServiceDedicatedLine: true,
	ServiceSea: true, ServiceLand: true}

// Shipment is one parcel of an order. An order may have several.
type Shipment struct {
	Carrier        string // the seller's carrier slug, lower case, e.g. "cainiao"
	TrackingNumber string // normalised: upper case, no spaces
	Service        Service
	ShippedAt      time.Time
	Status         ShipmentStatus
	ProviderStatus string    // the last applied provider status, e.g. "Delivered"
	SubStatus      string    // and its sub-status, e.g. "Delivered_001"
	StatusAt       time.Time // when the last applied carrier status occurred; zero before the first
	// Reached is the furthest progress status so far; exception and attempt_failed are
	// detours, so a late in_transit after out_for_delivery is still refused after one.
	Reached ShipmentStatus
	// Notified lists the milestone messages already queued for this parcel (at most once each).
	Notified []NotificationKind
}

// The shipment notification kinds: one per milestone, at most once per shipment.
const (
	NotifyShipmentShipped            NotificationKind = "shipment_shipped"
	NotifyShipmentOutForDelivery     NotificationKind = "shipment_out_for_delivery"
	NotifyShipmentAvailableForPickup NotificationKind = "shipment_available_for_pickup"
	NotifyShipmentAttemptFailed      NotificationKind = "shipment_attempt_failed"
	NotifyShipmentDelivered          NotificationKind = "shipment_delivered"
	NotifyShipmentException          NotificationKind = "shipment_exception"
)

var milestone = map[ShipmentStatus]NotificationKind{
	ShipmentOutForDelivery:     NotifyShipmentOutForDelivery,
	ShipmentAvailableForPickup: NotifyShipmentAvailableForPickup,
	ShipmentAttemptFailed:      NotifyShipmentAttemptFailed,
	ShipmentDelivered:          NotifyShipmentDelivered,
	ShipmentException:          NotifyShipmentException,
}

var (
	carrierPattern  = regexp.MustCompile(`^[a-z0-9][a-z0-9_-]{0,63}$`)
	trackingPattern = regexp.MustCompile(`^[A-Z0-9]{4,40}$`)
	s10Pattern      = regexp.MustCompile(`^[A-Z]{2}[0-9]{9}[A-Z]{2}$`)
)

// NewShipment validates and normalises a shipment the seller registers, reporting every bad
// field at once. A UPU S10 number (two letters, nine digits, two letters) must carry the
// right check digit: a mistyped number would send the buyer to someone else's parcel.
func NewShipment(carrier, trackingNumber string, service Service, shippedAt, now time.Time) (Shipment, error) {
	var fe FieldErrors
	carrier = strings.ToLower(strings.TrimSpace(carrier))
	if !carrierPattern.MatchString(carrier) {
		fe.Add("carrier", "must be a carrier slug of 1-64 characters a-z 0-9 _ - such as cainiao or dhl")
	}
	number := NormalizeTrackingNumber(trackingNumber)
	switch {
	case !trackingPattern.MatchString(number):
		fe.Add("tracking_number", "must be 4-40 letters and digits (spaces and dashes are ignored)")
	case s10Pattern.MatchString(number):
		if want := S10CheckDigit(number[2:10]); number[10] != want {
			fe.Add("tracking_number", fmt.Sprintf("is a UPU S10 number with a wrong check digit: %s would end in %c, not %c; check the number on the label", number, want, number[10]))
		}
	}
	if !services[service] {
		fe.Add("service", "must be one of express, postal, dedicated_line, sea, land")
	}
	if shippedAt.IsZero() {
		shippedAt = now
	}
	if shippedAt.After(now.Add(24 * time.Hour)) {
		fe.Add("shipped_at", "must not be in the future")
	}
	if err := fe.Err("order.NewShipment"); err != nil {
		return Shipment{}, err
	}
	return Shipment{Carrier: carrier, TrackingNumber: number, Service: service, ShippedAt: shippedAt.UTC(),
		Status: ShipmentPending, Reached: ShipmentPending}, nil // StatusAt stays zero until a carrier reports
}

// S10CheckDigit is the UPU S10 check digit of an 8-digit serial: weights 8 6 4 2 3 5 9 7,
// 11 minus the sum modulo 11, where 10 becomes 0 and 11 becomes 5.
func S10CheckDigit(serial string) byte {
	weights := [8]int{8, 6, 4, 2, 3, 5, 9, 7}
	sum := 0
	for i := 0; i < 8 && i < len(serial); i++ {
		sum += int(serial[i]-'0') * weights[i]
	}
	switch c := 11 - sum%11; c {
	case 10:
		return '0'
	case 11:
		return '5'
	default:
		return byte('0' + c)
	}
}

// ShipmentChange is what registering a shipment does to its order.
type ShipmentChange struct {
	Order    Order         // the order with the shipment added, version bumped
	Shipment Shipment      // the shipment as registered (or as already registered)
	Existing bool          // the same carrier and number was already on the order: nothing changes
	Entry    TimelineEntry // the registration on the timeline
	Notify   []Notification
}

// AddShipment registers sh on order o. The first shipment of a paid order moves it to
// shipped, and so does a further one of a delivered order (not every parcel is delivered
// any more). An unpaid order is refused (conflict) unless force is set, and then stays
// pending_payment with the forced shipment on the timeline. A terminated or refunded order
// takes no shipment. The same carrier and tracking number twice is idempotent.
func (o Order) AddShipment(sh Shipment, force bool, now time.Time) (ShipmentChange, error) {
	const op = "order.AddShipment"
	for _, cur := range o.Shipments {
		if cur.TrackingNumber == sh.TrackingNumber && cur.Carrier == sh.Carrier {
			return ShipmentChange{Order: o, Shipment: cur, Existing: true}, nil
		}
	}
	reason := ""
	switch {
	case o.Status.Final():
		return ShipmentChange{}, Errorf(CodeConflict, op, "order %s is %s: it takes no shipment", o.ID, o.Status)
	case o.Status == StatusPendingPayment && !force:
		return ShipmentChange{}, Errorf(CodeConflict, op, "order %s is not paid; set force to ship it anyway", o.ID)
	case o.Status == StatusPendingPayment:
		reason = "shipped before payment (force)"
	}
	next := o
	next.Shipments = append(append([]Shipment(nil), o.Shipments...), sh)
	if next.Status == StatusAwaitingShipment || next.Status == StatusDelivered {
		next.Status = StatusShipped
	}
	next.Version = o.Version + 1
	next.UpdatedAt = now.UTC()
	sh.Notified = []NotificationKind{NotifyShipmentShipped}
	next.Shipments[len(next.Shipments)-1] = sh
	entry := TimelineEntry{Kind: KindShipmentRegistered, Type: "shipment.registered", Source: "seller",
		EventID: "shipment:" + sh.Carrier + ":" + sh.TrackingNumber, OccurredAt: sh.ShippedAt, ReceivedAt: now.UTC(),
		Applied: true, Reason: reason, TrackingNumber: sh.TrackingNumber, ShipmentStatus: sh.Status}
	note := Notification{OrderID: o.ID, BuyerID: o.BuyerID, Kind: NotifyShipmentShipped, Seq: next.Version,
		Status: NotificationPending, CreatedAt: now.UTC(), CauseSource: entry.Source, CauseEventID: entry.EventID,
		Parcel: sh.TrackingNumber}
	return ShipmentChange{Order: next, Shipment: sh, Entry: entry, Notify: []Notification{note}}, nil
}
