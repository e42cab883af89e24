package templates

import "github.com/orderwire/orderwire/internal/order"

// kindSpec is what one notification kind says, as catalog message ids and the facts the
// email lists. Every kind has the messages <kind>.subject, <kind>.heading, <kind>.sms (with
// the order id) and <kind>.sms_short (without it, for when the id would make the SMS too
// long).
type kindSpec struct {
	lead string // message id of the email's first paragraph, before the details
	// followUpLead replaces lead from the second reminder on (ReminderNumber > 1).
	followUpLead string
	paragraphs   []string // message ids of the paragraphs after the details, in order
	// trackingHint adds common.tracking_hint when there is a tracking number.
	trackingHint bool
	details      []detail // the facts listed under the body; empty values are left out

	money    bool // says an amount: Currency is required
	dueDate  bool // says the due date: DueAt is required
	daysLeft bool // counts the days to the due date: Now is required too

	smsTracking bool // the SMS ends with common.sms_tracking when there is a tracking number
	// smsSingleGSM makes the SMS aim at one GSM-7 segment, dropping the order id if that is
	// what it takes: for the reminders, the messages sent most.
	smsSingleGSM bool
}

// detail is one labelled fact in the email.
type detail int

const (
	detailOrder detail = iota
	detailAmountDue
	detailAmountPaid
	detailOrderTotal
	detailDueDate
	detailCarrier
	detailTrackingNumber
)

// labelID is the catalog id of the detail's label.
func (d detail) labelID() string {
	switch d {
	case detailAmountDue:
		return "common.label_amount_due"
	case detailAmountPaid:
		return "common.label_amount_paid"
	case detailOrderTotal:
		return "common.label_order_total"
	case detailDueDate:
		return "common.label_due_date"
	case detailCarrier:
		return "common.label_carrier"
	case detailTrackingNumber:
		return "common.label_tracking_number"
	}
	return "common.label_order"
}

// value is the detail's value from the message's arguments.
func (d detail) value(a phraseArgs) string {
	switch d {
	case detailAmountDue, detailOrderTotal:
		return a.Amount
	case detailAmountPaid:
		return a.Paid
	case detailDueDate:
		return a.DueDate
	case detailCarrier:
		return a.Carrier
	case detailTrackingNumber:
		return a.TrackingNumber
	}
	return a.OrderID
}

// shipmentDetails are the facts every shipment message lists.
func shipmentDetails() []detail {
	return []detail{detailOrder, detailCarrier, detailTrackingNumber}
}

// specFor returns the spec of kind, false for a kind this package does not know.
func specFor(kind order.NotificationKind) (kindSpec, bool) {
	switch kind {
	case order.NotifyPaymentReceived:
		return kindSpec{
			lead: "payment_received.body", paragraphs: []string{"payment_received.note"},
			details: []detail{detailOrder, detailAmountPaid},
			money:   true,
		}, true
	case order.NotifyPaymentReminder:
		return kindSpec{
			lead: "payment_reminder.body", paragraphs: []string{"common.already_paid"},
			followUpLead: "payment_reminder.body_follow_up",
			details:      []detail{detailOrder, detailAmountDue, detailDueDate},
			money:        true, dueDate: true, daysLeft: true, smsSingleGSM: true,
		}, true
	case order.NotifyPaymentFinalNotice:
		return kindSpec{
			lead: "payment_final_notice.body", paragraphs: []string{"payment_final_notice.note", "common.already_paid"},
			details: []detail{detailOrder, detailAmountDue, detailDueDate},
			money:   true, dueDate: true, daysLeft: true,
		}, true
	case order.NotifyOrderTerminated:
		return kindSpec{
			lead: "order_terminated.body", paragraphs: []string{"order_terminated.note"},
			details: []detail{detailOrder, detailOrderTotal},
			money:   true, dueDate: true,
		}, true
	case order.NotifyShipmentShipped:
		return kindSpec{
			lead: "shipment_shipped.body", trackingHint: true,
			details: shipmentDetails(), smsTracking: true,
		}, true
	case order.NotifyShipmentOutForDelivery:
		return kindSpec{
			lead: "shipment_out_for_delivery.body", trackingHint: true,
			details: shipmentDetails(), smsTracking: true,
		}, true
	case order.NotifyShipmentAvailableForPickup:
		return kindSpec{
			lead: "shipment_available_for_pickup.body", paragraphs: []string{"shipment_available_for_pickup.note"},
			details: shipmentDetails(), smsTracking: true,
		}, true
	case order.NotifyShipmentAttemptFailed:
		return kindSpec{
			lead: "shipment_attempt_failed.body", paragraphs: []string{"shipment_attempt_failed.note"},
			details: shipmentDetails(), smsTracking: true,
		}, true
	case order.NotifyShipmentDelivered:
		return kindSpec{
			lead: "shipment_delivered.body", paragraphs: []string{"shipment_delivered.note"},
			details: shipmentDetails(),
		}, true
	case order.NotifyShipmentException:
		return kindSpec{
			lead: "shipment_exception.body", paragraphs: []string{"shipment_exception.note"},
			details: shipmentDetails(), smsTracking: true,
		}, true
	}
	return kindSpec{}, false
}

// Kinds returns every notification kind Render knows, payment kinds first.
func Kinds() []order.NotificationKind {
	return []order.NotificationKind{
		order.NotifyPaymentReceived, order.NotifyPaymentReminder, order.NotifyPaymentFinalNotice,
		order.NotifyOrderTerminated, order.NotifyShipmentShipped, order.NotifyShipmentOutForDelivery,
		order.NotifyShipmentAvailableForPickup, order.NotifyShipmentAttemptFailed,
		order.NotifyShipmentDelivered, order.NotifyShipmentException,
	}
}
