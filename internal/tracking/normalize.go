package tracking

import (
	"crypto/sha256"
	"encoding/hex"
	"slices"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/orderwire/orderwire/internal/order"
)

// StatusMapping is one row of a provider's status mapping table: the provider's main status
// (or tag) and, for rows that refine it, one sub-status, and the normalised status it gives.
// A row with a SubStatus wins over the row of its main status alone.
type StatusMapping struct {
	ProviderStatus string
	SubStatus      string
	Status         order.ShipmentStatus
}

// StatusMappings returns a copy of the named provider's mapping table, in documented order
// (nil for an unknown name). Anything not in a table maps to "" (recorded, not applied), and
// so does every event type other than the one that reports parcel status. The standard
// provider has no table: its data.status is one of order.ShipmentStatuses, verbatim. Each
// table follows its provider's own list of statuses and sub-statuses; the documents are
// named where the table is defined (afterShipStatuses, seventeenTrackStatuses,
// easyPostStatuses). A sub-status without a row takes the row of its status.
//
//	AfterShip: msg.tag (msg.subtag) of event tracking_update
//	  Pending                    pending
//	  InfoReceived               info_received
//	  InTransit                  in_transit
//	  OutForDelivery             out_for_delivery
//	  AttemptFail                attempt_failed
//	  Delivered                  delivered
//	  AvailableForPickup         available_for_pickup
//	  Exception                  exception
//	  Exception (Exception_004)  in_transit
//	  Exception (Exception_005)  in_transit
//	  Exception (Exception_010)  exception
//	  Exception (Exception_011)  returned
//	  Exception (Exception_016)  in_transit
//	  Exception (Exception_017)  in_transit
//	  Exception (Exception_019)  in_transit
//	  Expired                    expired
//
//	17TRACK: data.track_info.latest_status.status (sub_status) of event TRACKING_UPDATED
//	  NotFound                         pending
//	  InfoReceived                     info_received
//	  InTransit                        in_transit
//	  Expired                          expired
//	  AvailableForPickup               available_for_pickup
//	  OutForDelivery                   out_for_delivery
//	  DeliveryFailure                  attempt_failed
//	  Delivered                        delivered
//	  Exception                        exception
//	  Exception (Exception_Delayed)    in_transit
//	  Exception (Exception_Returning)  exception
//	  Exception (Exception_Returned)   returned
//
//	EasyPost: result.status (status_detail) of events tracker.created and tracker.updated
//	  unknown                                    pending
//	  pre_transit                                info_received
//	  in_transit                                 in_transit
//	  out_for_delivery                           out_for_delivery
//	  delivered                                  delivered
//	  available_for_pickup                       available_for_pickup
//	  return_to_sender                           exception
//	  return_to_sender (arrived_at_destination)  returned
//	  failure                                    exception
//	  failure (delayed)                          attempt_failed
//	  failure (weather_delay)                    attempt_failed
//	  failure (address_correction)               attempt_failed
//	  cancelled                                  exception
//	  error                      "" (EasyPost could not track the code; not the parcel's state)
func StatusMappings(provider string) []StatusMapping {
	switch provider {
	case NameAfterShip:
		return slices.Clone(afterShipStatuses)
	case NameSeventeenTrack:
		return slices.Clone(seventeenTrackStatuses)
	case NameEasyPost:
		return slices.Clone(easyPostStatuses)
	}
	return nil
}

// mapStatus looks status and sub up in table: the (status, sub) row first, then the row of
// status alone; "" when neither exists.
func mapStatus(table []StatusMapping, status, sub string) order.ShipmentStatus {
	if status == "" {
		return ""
	}
	var plain order.ShipmentStatus
	for _, m := range table {
		if m.ProviderStatus != status {
			continue
		}
		switch m.SubStatus {
		case "":
			plain = m.Status
		case sub:
			return m.Status
		}
	}
	return plain
}

// maxKeyLen bounds the tracking number and carrier: both become parts of store keys.
const maxKeyLen = 64

// finish applies the rules every provider shares: tracking number normalised and checked
// (required when required is set), carrier lower-cased, checkpoints sorted oldest first,
// OccurredAt the latest checkpoint time, else fallback; all times UTC.
func finish(op string, ev *order.TrackingEvent, required bool, fallback time.Time) error {
	ev.TrackingNumber = order.NormalizeTrackingNumber(strings.TrimSpace(ev.TrackingNumber))
	switch n := ev.TrackingNumber; {
	case n == "" && required:
		return invalid(op, "event has no tracking number")
	case len(n) > maxKeyLen || !printable(n):
		return invalid(op, "tracking number is not 1 to %d printable characters", maxKeyLen)
	}
	ev.Carrier = strings.ToLower(strings.TrimSpace(ev.Carrier))
	if len(ev.Carrier) > maxKeyLen || !printable(ev.Carrier) {
		return invalid(op, "carrier is not up to %d printable characters", maxKeyLen)
	}
	slices.SortStableFunc(ev.Checkpoints, func(a, b order.Checkpoint) int { return a.At.Compare(b.At) })
	ev.OccurredAt = time.Time{}
	for _, c := range ev.Checkpoints {
		if c.At.After(ev.OccurredAt) {
			ev.OccurredAt = c.At
		}
	}
	if ev.OccurredAt.IsZero() && !fallback.IsZero() {
		ev.OccurredAt = fallback.UTC()
	}
	return nil
}

// printable reports whether s is valid UTF-8 without spaces, control characters or '#'
// (the store's key separator).
func printable(s string) bool {
	if !utf8.ValidString(s) {
		return false
	}
	for _, r := range s {
		if r == '#' || unicode.IsSpace(r) || !unicode.IsGraphic(r) {
			return false
		}
	}
	return true
}

// carrierTimeLayouts are the forms carriers and aggregators give scan times in. A time
// without a zone is read as UTC: the true zone (the scan's local time) is not in the body.
var carrierTimeLayouts = []string{
	time.RFC3339Nano,
	"2006-01-02T15:04:05",
	"2006-01-02 15:04:05",
	"2006-01-02T15:04",
	"2006-01-02",
}

// parseCarrierTime reads a scan time in any carrierTimeLayouts form, as UTC.
func parseCarrierTime(s string) (time.Time, bool) {
	s = strings.TrimSpace(s)
	if s == "" {
		return time.Time{}, false
	}
	for _, layout := range carrierTimeLayouts {
		if t, err := time.Parse(layout, s); err == nil {
			return t.UTC(), true
		}
	}
	return time.Time{}, false
}

// joinNonEmpty joins the trimmed, non-empty parts with ", ".
func joinNonEmpty(parts ...string) string {
	var b strings.Builder
	for _, p := range parts {
		if p = strings.TrimSpace(p); p == "" {
			continue
		}
		if b.Len() > 0 {
			b.WriteString(", ")
		}
		b.WriteString(p)
	}
	return b.String()
}

// derivedID is a stable event id for senders that send none: a hash of the fields that
// identify the update, so that a retry (same fields) gets the same id and a new update a new
// one. The prefix says the id is orderwire's, not the sender's.
func derivedID(fields ...string) string {
	h := sha256.New()
	for _, f := range fields {
		h.Write([]byte(f))
		h.Write([]byte{0})
	}
	return "ow-" + hex.EncodeToString(h.Sum(nil)[:16])
}
