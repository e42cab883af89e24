package order

// The attention kinds: what a seller must act on about an order (the seller console's
// Today page, GET /v1/orders?attention=...). Attention derives them from the order alone,
// except AttentionMessage, which the stores derive from the order's outbox rows.
const (
	// AttentionDispute: a dispute needs the seller's response (most urgent: earliest
	// RespondBy first).
	AttentionDispute = "dispute_response"
	// AttentionUnshipped: paid, and no parcel registered for more than the seller's
	// setting (default 3 days).
	AttentionUnshipped = "unshipped"
	// AttentionParcel: a parcel in exception, attempt_failed or returned.
	AttentionParcel = "parcel_problem"
	// AttentionRefund: money received after the order was terminated; it needs a refund.
	AttentionRefund = "refund_needed"
	// AttentionMessage: a buyer message failed, or its fate is unknown.
	AttentionMessage = "message_problem"
)

// AttentionKinds lists every attention kind, most urgent kind first.
var AttentionKinds = []string{AttentionDispute, AttentionRefund, AttentionParcel, AttentionUnshipped, AttentionMessage}
