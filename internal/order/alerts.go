package order

import (
	"fmt"
	"hash/fnv"
	"strings"
	"time"
)

// SellerKindPrefix begins every seller alert kind.
//
// Seller alerts are outbox rows (Notification) addressed to the seller, not the buyer: the
// same table, the same claim and at-most-once delivery, written in the same write as their
// cause. Their kinds live in their own namespace, "seller_<alert>", so that a row's kind
// alone tells who it is for (NotificationKind.ForSeller); the notifier never hands a seller
// kind to a buyer channel. An alert carries the order id, the cause's source and event id,
// the parcel and a short Detail (dispute id, status, deadline, carrier status), never a
// buyer's name, address or phone number. Its BuyerID is empty.
const SellerKindPrefix = "seller_"

// The seller alert kinds.
const (
	AlertDisputeOpened      NotificationKind = "seller_dispute_opened"
	AlertDisputeUpdated     NotificationKind = "seller_dispute_updated"
	AlertDisputeClosed      NotificationKind = "seller_dispute_closed"
	AlertDisputeResponseDue NotificationKind = "seller_dispute_response_due" // DisputeAlertLead before respond_by
	AlertFraudWarning       NotificationKind = "seller_fraud_warning"
	AlertRefundNeeded       NotificationKind = "seller_refund_needed" // a payment for a terminated order
	AlertShipmentException  NotificationKind = "seller_shipment_exception"
	AlertShipmentReturned   NotificationKind = "seller_shipment_returned"
	AlertMessageUnknown     NotificationKind = "seller_message_unknown" // a buyer message whose fate is unknown
	AlertEventUnfiled       NotificationKind = "seller_event_unfiled"   // an event no order could be found for
)

// SellerAlertKinds lists every seller alert kind.
var SellerAlertKinds = []NotificationKind{AlertDisputeOpened, AlertDisputeUpdated, AlertDisputeClosed,
	AlertDisputeResponseDue, AlertFraudWarning, AlertRefundNeeded, AlertShipmentException,
	AlertShipmentReturned, AlertMessageUnknown, AlertEventUnfiled}

// DisputeAlertLead is how long before a dispute's respond_by the seller is alerted.
const DisputeAlertLead = 48 * time.Hour

// UnfiledAlertOrderID is the pseudo order id under which alerts about events that have no
// order (AlertEventUnfiled) are kept. ValidID refuses it ('~'), so no seller order can
// ever have it; store.ParseOutboxKey accepts it for outbox rows only.
const UnfiledAlertOrderID = "~unfiled"

// ForSeller reports whether k is a seller alert kind (SellerKindPrefix).
func (k NotificationKind) ForSeller() bool { return strings.HasPrefix(string(k), SellerKindPrefix) }

// AlertName is k without SellerKindPrefix: "dispute_opened" for AlertDisputeOpened, the name
// subscribers filter on (the SNS attribute "kind").
func (k NotificationKind) AlertName() string { return strings.TrimPrefix(string(k), SellerKindPrefix) }

// SellerAlert returns a pending alert row of kind about order orderID, caused by event
// (source, eventID).
func SellerAlert(kind NotificationKind, orderID string, seq int64, source, eventID, detail string, now time.Time) Notification {
	return Notification{OrderID: orderID, Kind: kind, Seq: seq, Status: NotificationPending,
		CreatedAt: now.UTC(), CauseSource: source, CauseEventID: eventID, Detail: detail}
}

// AlertSeq is a sequence number for an alert that no order version orders (an unfiled
// event, an unknown message): a 48-bit FNV-1a hash of parts, so that writing the alert of
// the same cause twice names the same row (and the store writes it once).
func AlertSeq(parts ...string) int64 {
	h := fnv.New64a()
	for _, p := range parts {
		h.Write([]byte(p))
		h.Write([]byte{0})
	}
	return int64(h.Sum64() & (1<<48 - 1))
}

// UnfiledAlert is the AlertEventUnfiled row for an event that was parked unfiled (reason
// says why), keyed under UnfiledAlertOrderID.
func UnfiledAlert(source, eventID, reason string, now time.Time) Notification {
	return SellerAlert(AlertEventUnfiled, UnfiledAlertOrderID, AlertSeq(source, eventID), source, eventID, reason, now)
}

// UnknownMessageAlert is the AlertMessageUnknown row for buyer row n, which has just become
// unknown (how says by what: "lease lapsed", "send outcome unknown"); ok is false when n is
// itself a seller alert (an alert about an alert is not raised). One row per claim of n
// (its Seq hashes n's ref and Attempts), whatever how says.
func UnknownMessageAlert(n Notification, how string, now time.Time) (Notification, bool) {
	if n.Kind.ForSeller() {
		return Notification{}, false
	}
	detail := fmt.Sprintf("message %s (%s): %s", n.Ref(), n.Kind, how)
	a := SellerAlert(AlertMessageUnknown, n.OrderID, AlertSeq(n.Ref().String(), fmt.Sprint(n.Attempts)),
		n.CauseSource, n.CauseEventID, detail, now)
	a.Parcel = n.Parcel
	return a, true
}

// DisputeDeadline is a dispute's respond_by as orderwire tracks it for the
// dispute_response_due alert: set from the latest (in event time) event of the dispute that
// carries one; Alerted once its alert row is written.
type DisputeDeadline struct {
	DisputeID string
	RespondBy time.Time
	Of        time.Time // the OccurredAt of the event that set RespondBy
	Alerted   bool
}

// disputeOpen reports whether dispute id is still open on o (unknown counts as open).
func (o Order) disputeOpen(id string) bool {
	for _, d := range o.Disputes {
		if d.ID == id {
			return d.Status != DisputeWon && d.Status != DisputeLost && d.Status != DisputeClosed
		}
	}
	return true
}

// DisputeAlertAt is when the next dispute_response_due alert of o is due: the earliest
// RespondBy−DisputeAlertLead of its open disputes not yet alerted; zero when none.
func (o Order) DisputeAlertAt() time.Time {
	var at time.Time
	for _, d := range o.DisputeDeadlines {
		if d.Alerted || d.RespondBy.IsZero() || !o.disputeOpen(d.DisputeID) {
			continue
		}
		if t := d.RespondBy.Add(-DisputeAlertLead).UTC(); at.IsZero() || t.Before(at) {
			at = t
		}
	}
	return at
}
