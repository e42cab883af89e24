package store

import (
	"sort"
	"strings"
	"time"

	"github.com/orderwire/orderwire/internal/order"
)

// Filing: where a verified payment event goes. Both adapters read the same things (the
// order the event names, the records of the payment references it names), hand them to
// PlanFiling, and persist what the plan says in one atomic write. The plan is pure, so the
// adapters cannot drift apart on it.

// RefPK is the partition of one payment reference of a provider: its RefRecord (RefSK).
func RefPK(source, ref string) string { return "PAYREF#" + source + "#" + ref }

// RefSK is the sort key of a RefRecord.
const RefSK = "REF"

// ParkRefPK is the partition of the events waiting for a payment reference to be bound to
// an order. (Order ids cannot contain '#', so it never meets ParkPK.)
func ParkRefPK(source, ref string) string { return "PARK#REF#" + source + "#" + ref }

// UnfiledIndexPK is the partition key of the unfiled-events index (DynamoDB's GSI1; the
// embedded store mirrors it): every dedupe marker of an unfiled event is in it.
const UnfiledIndexPK = "UNFILED"

// UnfiledSK orders the unfiled-events index by received-at, then source and event id. It is
// also the listing's cursor.
func UnfiledSK(source, eventID string, receivedAt time.Time) string {
	return SortableTime(receivedAt) + "#" + source + "#" + eventID
}

// ParseUnfiledSK returns the source and event id an UnfiledSK names.
func ParseUnfiledSK(sk string) (source, eventID string, ok bool) {
	const timeWidth = len("2006-01-02T15:04:05.000000000Z")
	if len(sk) < timeWidth+3 || sk[timeWidth] != '#' {
		return "", "", false
	}
	source, eventID, ok = strings.Cut(sk[timeWidth+1:], "#")
	return source, eventID, ok && source != "" && eventID != ""
}

// maxRefLen bounds a payment reference, which becomes part of store keys.
const maxRefLen = 128

// EventRefs returns the payment references of ev that can key a RefRecord: ev.Refs and
// ev.PaymentRef, each once, in that order, without empty or unusable ones (over 128 bytes,
// or holding '#', NUL or whitespace).
func EventRefs(ev order.Event) []string {
	var out []string
	seen := map[string]bool{}
	for _, r := range append(append([]string(nil), ev.Refs...), ev.PaymentRef) {
		if r == "" || len(r) > maxRefLen || strings.ContainsAny(r, "#\x00 \t\r\n") || seen[r] {
			continue
		}
		seen[r] = true
		out = append(out, r)
	}
	return out
}

// RefRecord is what orderwire knows of one payment reference: the order it is bound to
// (empty while unbound) and how many events were ever parked under it. Once bound, a
// reference never changes order. Parked only grows: a binding that sees it non-zero looks
// for parked events to file.
type RefRecord struct {
	Source  string `json:"source"`
	Ref     string `json:"ref"`
	OrderID string `json:"order_id,omitempty"`
	Parked  int64  `json:"parked,omitempty"`
}

// Why an event is not filed on an order (UnfiledRecord.Why, the listing's "why").
const (
	WhyOrderNotRegistered    = "order_not_registered"    // it names an order id no order has yet
	WhyReferenceNotBound     = "reference_not_bound"     // it names only payment references no event has bound yet
	WhyReferenceConflict     = "reference_conflict"      // its references are bound to different orders
	WhyNoReference           = "no_reference"            // it names no order and no payment reference
	WhyTrackingNotRegistered = "tracking_not_registered" // no order registered its tracking number
	WhyTrackingAmbiguous     = "tracking_ambiguous"      // several orders claim the number, none with its carrier
)

// TargetOrder returns the order ev belongs to: the order it names if that order exists
// (namedFound), else the one its references are bound to, else the order it names (which
// it waits for). An order id a provider reports need not be the seller's (PayPal's
// invoice_id may be an invoice number): a payment reference bound by an event of a
// registered order is the stronger tie. refs are the RefRecords found for EventRefs(ev).
// conflict is set when the references are bound to more than one order and the event names
// no registered one (then target is the named id, possibly empty).
func TargetOrder(ev order.Event, refs map[string]RefRecord, namedFound bool) (target string, conflict string) {
	named := ""
	if order.ValidID(ev.OrderID) {
		named = ev.OrderID
	}
	if named != "" && namedFound {
		return named, ""
	}
	var bound []string
	for _, r := range EventRefs(ev) {
		if id := refs[r].OrderID; id != "" && !contains(bound, id) {
			bound = append(bound, id)
		}
	}
	switch len(bound) {
	case 0:
		return named, ""
	case 1:
		return bound[0], ""
	}
	sort.Strings(bound)
	return named, "its payment references are bound to orders " + strings.Join(bound, ", ")
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

// Filing is what to do with one payment event.
type Filing struct {
	// OrderID is the order the event is filed on or waits for; empty when it waits for its
	// references or names nothing orderwire knows.
	OrderID string
	// Apply: the order exists; apply the event to it.
	Apply bool
	// Bind are the references to bind to OrderID in the same write (unbound until now).
	Bind []string
	// Drain are the references of Bind under which events were parked: after the write,
	// those events are filed on OrderID too.
	Drain []string
	// ParkRefs are the references to park the event under: it names only unbound ones, or
	// an order that is not registered and unbound ones.
	ParkRefs []string
	// Why and Detail say why the event is unfiled (empty when Apply).
	Why, Detail string
	// Note is an anomaly to put on the timeline entry (a reference bound to another order).
	Note string
}

// WithNote is reason with note (a Filing's Note) added, "; " between; either may be empty.
func WithNote(reason, note string) string {
	switch {
	case note == "":
		return reason
	case reason == "":
		return note
	}
	return reason + "; " + note
}

// Unfiled reports whether the event stays unfiled (parked, or naming nothing).
func (f Filing) Unfiled() bool { return !f.Apply }

// PlanFiling decides where ev goes, from the records of its references (refs, keyed by
// reference; absent ones are unknown), whether the order ev names exists (namedFound) and
// whether its target order exists (targetFound, read for TargetOrder(ev, refs, namedFound)).
func PlanFiling(ev order.Event, refs map[string]RefRecord, namedFound, targetFound bool) Filing {
	orderFound := targetFound
	target, conflict := TargetOrder(ev, refs, namedFound)
	all := EventRefs(ev)
	var f Filing
	switch {
	case conflict != "" && target == "":
		f.Why, f.Detail = WhyReferenceConflict, conflict
		return f
	case target == "" && len(all) == 0:
		f.Why, f.Detail = WhyNoReference, "it names no order and no payment reference"
		return f
	case target == "":
		f.ParkRefs = all
		f.Why, f.Detail = WhyReferenceNotBound, "no event has tied its payment references ("+strings.Join(all, ", ")+") to an order yet"
		return f
	}
	f.OrderID = target
	var elsewhere []string
	for _, r := range all {
		rec := refs[r]
		switch rec.OrderID {
		case "":
			f.Bind = append(f.Bind, r)
			if rec.Parked > 0 {
				f.Drain = append(f.Drain, r)
			}
		case target:
		default:
			elsewhere = append(elsewhere, r+" → "+rec.OrderID)
		}
	}
	if len(elsewhere) > 0 {
		f.Note = "anomaly: payment reference already bound to another order (" + strings.Join(elsewhere, ", ") + ")"
	}
	if named := ev.OrderID; order.ValidID(named) && named != target {
		f.Note = WithNote("anomaly: it names order "+named+", which is not registered; filed through its payment reference", f.Note)
	}
	if !orderFound {
		// The event waits for its order, and its references stay unbound: an id a provider
		// calls the order (PayPal's invoice_id, say) may never be registered, and a binding
		// never moves. The filing of this event, once the order is registered, binds them
		// and files the events parked under them meanwhile.
		// It also waits under its unbound references (none is bound, or the target would be
		// that reference's order): whichever comes first, the registration or an event
		// binding one of them, files it.
		f.Why, f.Detail = WhyOrderNotRegistered, "order "+target+" is not registered yet"
		if conflict == "" {
			f.ParkRefs = f.Bind
		}
		f.Bind, f.Drain = nil, nil
		return f
	}
	f.Apply = true
	return f
}

// UnfiledRecord is kept in an unfiled event's dedupe marker (which then has no expiry and
// sits in the unfiled-events index): the event itself, why it is unfiled, where its
// evidence is and under which parking partitions copies of it wait.
type UnfiledRecord struct {
	Why         string               `json:"why"`
	Detail      string               `json:"detail,omitempty"`
	EvidencePK  string               `json:"evidence_pk"`
	ParkedUnder []string             `json:"parked_under,omitempty"`
	Payment     *EventRecord         `json:"payment,omitempty"`
	Tracking    *TrackingEventRecord `json:"tracking,omitempty"`
}

// Alert is the seller alert (order.AlertEventUnfiled, under order.UnfiledAlertOrderID) that
// an adapter writes in the same write that parks the event u describes: its source is the
// dedupe source (as UnfiledEvents lists it), its detail why the event waits; one per event.
func (u UnfiledRecord) Alert() order.Notification {
	detail := u.Why
	if u.Detail != "" {
		detail += ": " + u.Detail
	}
	switch {
	case u.Payment != nil:
		ev := u.Payment.Event()
		return order.UnfiledAlert(ev.Source, ev.EventID, detail, ev.ReceivedAt)
	case u.Tracking != nil:
		ev := u.Tracking.Event()
		a := order.UnfiledAlert(TrackingDedupeSource(ev.Source), ev.EventID, detail, ev.ReceivedAt)
		a.Parcel = ev.TrackingNumber
		return a
	}
	return order.UnfiledAlert("", "", detail, time.Time{})
}

// UnfiledEvent is one entry of the unfiled-events listing.
type UnfiledEvent struct {
	Source         string // the dedupe source: the provider's name, "track-<name>" for carriers
	EventID        string
	Type           string
	OccurredAt     time.Time
	ReceivedAt     time.Time
	OrderID        string   // the order it names, if any
	TrackingNumber string   // for carrier events
	Refs           []string // the payment references it names
	Why, Detail    string
	Cursor         string // UnfiledSK: pass it back to list what comes after
}

// UnfiledEventOf is the listing entry of an unfiled marker.
func UnfiledEventOf(source, eventID string, r UnfiledRecord) UnfiledEvent {
	e := UnfiledEvent{Source: source, EventID: eventID, Why: r.Why, Detail: r.Detail}
	switch {
	case r.Payment != nil:
		ev := r.Payment.Event()
		e.Type, e.OccurredAt, e.ReceivedAt, e.OrderID, e.Refs = ev.Type, ev.OccurredAt, ev.ReceivedAt, ev.OrderID, EventRefs(ev)
	case r.Tracking != nil:
		e.Type, e.OccurredAt, e.ReceivedAt, e.TrackingNumber = r.Tracking.Type, r.Tracking.OccurredAt.UTC(), r.Tracking.ReceivedAt.UTC(), r.Tracking.TrackingNumber
	}
	e.Cursor = UnfiledSK(source, eventID, e.ReceivedAt)
	return e
}

// NewUnfiledPayment is the unfiled record of payment event ev filed as f: its evidence
// under evidencePK, its copies under the parking partitions f implies.
func NewUnfiledPayment(ev order.Event, f Filing, evidencePK string) UnfiledRecord {
	rec := NewEventRecord(ev)
	r := UnfiledRecord{Why: f.Why, Detail: f.Detail, EvidencePK: evidencePK, Payment: &rec}
	if f.Why == WhyOrderNotRegistered {
		r.ParkedUnder = []string{ParkPK(f.OrderID)}
	}
	for _, ref := range f.ParkRefs {
		r.ParkedUnder = append(r.ParkedUnder, ParkRefPK(ev.Source, ref))
	}
	return r
}

// UnfiledEvidencePK is where the evidence of an event that waits for no order is kept: the
// partition of its dedupe marker, until it is filed.
func UnfiledEvidencePK(source, eventID string) string { return DedupePK(source, eventID) }

// FiledMarker is the dedupe marker of an event filed on orderID: it expires DedupeTTL after
// the event was received.
func FiledMarker(orderID string, receivedAt time.Time) DedupeRecord {
	return DedupeRecord{OrderID: orderID, ExpiresAt: receivedAt.Add(DedupeTTL).Unix()}
}

// ErrNotUnfiled is wrapped by AssignEvent's CodeNotFound when the event is unknown or
// already filed.
var ErrNotUnfiled = errNotUnfiled{}

type errNotUnfiled struct{}

func (errNotUnfiled) Error() string { return "no unfiled event with this provider and id" }

// TrackingMarkerPK is the partition of a carrier event's dedupe marker.
func TrackingMarkerPK(ev order.TrackingEvent) string {
	return DedupePK(TrackingDedupeSource(ev.Source), ev.EventID)
}

// NewUnfiledTracking is the unfiled record of carrier event ev, parked under its tracking
// number because no order's claim files it (claims is how many orders claim the number;
// reason is order.FileTracking's). Its evidence stays under the tracking number, where
// Evidence finds it for the order that claims the number.
func NewUnfiledTracking(ev order.TrackingEvent, reason string, claims int) UnfiledRecord {
	rec := NewTrackingEventRecord(ev)
	rec.Reason = reason
	why := WhyTrackingNotRegistered
	if claims > 0 {
		why = WhyTrackingAmbiguous
	}
	return UnfiledRecord{Why: why, Detail: reason, EvidencePK: TrackPK(ev.TrackingNumber),
		ParkedUnder: []string{ParkTrackPK(ev.TrackingNumber)}, Tracking: &rec}
}

// ErrNoSuchParcel is wrapped by AssignEvent's CodeConflict when a carrier event is assigned
// to an order that has no parcel with the event's tracking number.
var ErrNoSuchParcel = errNoSuchParcel{}

type errNoSuchParcel struct{}

func (errNoSuchParcel) Error() string { return "the order has no parcel with this tracking number" }
