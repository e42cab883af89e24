package order

// Status is where an order stands. The values are used verbatim in the API.
type Status string

// The order statuses.
const (
	StatusPendingPayment   Status = "pending_payment"   // registered, waiting for the buyer to pay
	StatusAwaitingShipment Status = "awaiting_shipment" // paid, not yet handed to a carrier
	StatusShipped          Status = "shipped"           // a carrier has the parcel
	StatusDelivered        Status = "delivered"         // the carrier reports delivery
	StatusTerminated       Status = "terminated"        // never paid: cancelled or expired
	StatusRefunded         Status = "refunded"          // the payment was given back in full
)

// Statuses lists every status, in lifecycle order.
var Statuses = []Status{
	StatusPendingPayment, StatusAwaitingShipment, StatusShipped,
	StatusDelivered, StatusTerminated, StatusRefunded,
}

// transitions is the whole state machine: from → the statuses it may move to. Anything not
// listed is refused, including staying put (a no-op is not a transition).
//
//   - awaiting_shipment → delivered is allowed because a carrier's first report can already be
//     the delivery (fast lanes, late tracking registration).
//   - delivered → shipped: a further parcel registered after the others were delivered; the
//     order is delivered again when that one is.
//   - terminated and refunded are final: a payment that lands after termination is recorded
//     on the timeline for the seller to refund, never silently revives the order.
var transitions = map[Status][]Status{
	StatusPendingPayment:   {StatusAwaitingShipment, StatusTerminated},
	StatusAwaitingShipment: {StatusShipped, StatusDelivered, StatusRefunded},
	StatusShipped:          {StatusDelivered, StatusRefunded},
	StatusDelivered:        {StatusShipped, StatusRefunded},
	StatusTerminated:       nil,
	StatusRefunded:         nil,
}

// Valid reports whether s is one of the known statuses.
func (s Status) Valid() bool {
	_, ok := transitions[s]
	return ok
}

// CanTransition reports whether an order in status from may move to status to.
func CanTransition(from, to Status) bool {
	for _, next := range transitions[from] {
		if next == to {
			return true
		}
	}
	return false
}

// Final reports whether no transition leaves s.
func (s Status) Final() bool { return s.Valid() && len(transitions[s]) == 0 }
