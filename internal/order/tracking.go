package order

import (
	"strings"
	"time"
)

// ShipmentStatus is where a parcel stands, normalised across carriers and tracking
// aggregators. The values are used verbatim in the API.
type ShipmentStatus string

// The shipment statuses.
const (
	ShipmentPending            ShipmentStatus = "pending"              // registered, no carrier scan yet
	ShipmentInfoReceived       ShipmentStatus = "info_received"        // the carrier has the label data
	ShipmentInTransit          ShipmentStatus = "in_transit"           // moving (incl. customs)
	ShipmentOutForDelivery     ShipmentStatus = "out_for_delivery"     // on the van
	ShipmentAvailableForPickup ShipmentStatus = "available_for_pickup" // waiting at a pickup point
	ShipmentAttemptFailed      ShipmentStatus = "attempt_failed"       // delivery tried, failed
	ShipmentDelivered          ShipmentStatus = "delivered"            // handed over
	ShipmentException          ShipmentStatus = "exception"            // held, damaged, lost, returned to sender started
	ShipmentReturned           ShipmentStatus = "returned"             // back with the sender
	ShipmentExpired            ShipmentStatus = "expired"              // tracking stopped without delivery
)

// ShipmentStatuses lists every shipment status.
var ShipmentStatuses = []ShipmentStatus{ShipmentPending, ShipmentInfoReceived, ShipmentInTransit,
	ShipmentOutForDelivery, ShipmentAvailableForPickup, ShipmentAttemptFailed, ShipmentDelivered,
	ShipmentException, ShipmentReturned, ShipmentExpired}

// Valid reports whether s is one of the shipment statuses.
func (s ShipmentStatus) Valid() bool {
	for _, v := range ShipmentStatuses {
		if s == v {
			return true
		}
	}
	return false
}

// Checkpoint is one scan a carrier reports: dispute evidence, kept on the timeline.
type Checkpoint struct {
	At       time.Time
	Location string
	Message  string
	Status   string // the provider's own status or tag of this scan, e.g. "InTransit_001"
}

// TrackingEvent is one verified, normalised carrier or aggregator event about a parcel.
type TrackingEvent struct {
	Source         string // "aftership", "17track", "easypost", "standard"
	EventID        string // the provider's id of this event or delivery; duplicates share it
	Type           string // the provider's own event type, e.g. "tracking_update"
	TrackingNumber string // normalised with NormalizeTrackingNumber
	Carrier        string // the provider's carrier slug or code, lower case; may be empty
	// Status is the normalised status; empty when the event carries none orderwire maps
	// (it is recorded, not applied).
	Status         ShipmentStatus
	ProviderStatus string // the provider's main status or tag, e.g. "Delivered"
	SubStatus      string // the provider's sub-status, e.g. "Delivered_001"
	OccurredAt     time.Time
	ReceivedAt     time.Time // set by the webhook handler
	Checkpoints    []Checkpoint
	// TimeAnomaly says which times of the event were impossible and replaced (see
	// CheckTimes); empty when none was.
	TimeAnomaly string
}

// NormalizeTrackingNumber upper-cases a tracking number and removes the spaces, dashes and
// dots people and carriers put in for readability.
func NormalizeTrackingNumber(s string) string {
	return strings.Map(func(r rune) rune {
		switch r {
		case ' ', '\t', '-', '.', '\u00a0':
			return -1
		}
		if r >= 'a' && r <= 'z' {
			return r - 'a' + 'A'
		}
		return r
	}, s)
}
