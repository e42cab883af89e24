// Package summary is the one-page account of an order that a seller sends with a dispute
// response: what the evidence pack's summary.html and summary.pdf both show. It holds only
// data and the labels of each language; the pack (internal/evidencepack) fills it and
// renders the HTML, internal/summarypdf renders the PDF.
package summary

import "time"

// Summary is everything the one page shows, already formatted where formatting depends on
// the language (amounts, times are left as values: each renderer formats them with Labels).
type Summary struct {
	Lang        string    // "en" or "zh-CN": the seller's language
	GeneratedAt time.Time // when the pack was made
	Version     string    // orderwire's version

	OrderID       string
	Status        string // the order status, as the API shows it
	AmountMinor   int64
	Currency      string
	CreatedAt     time.Time
	PaymentStatus string
	PaidMinor     int64
	RefundedMinor int64

	Parcels  []Parcel
	Messages []Message
	Disputes []Dispute
	Events   []Event // the timeline, in occurred-at order
}

// Parcel is one shipment with its carrier checkpoints.
type Parcel struct {
	Carrier        string
	TrackingNumber string
	Service        string
	ShippedAt      time.Time
	Status         string
	Checkpoints    []Checkpoint
}

// Checkpoint is one carrier scan.
type Checkpoint struct {
	At       time.Time
	Location string
	Message  string
}

// Message is one message the buyer was sent (or that orderwire tried to send).
type Message struct {
	ID      string // the outbox row's id, as in messages/<id>.json
	Kind    string
	Channel string // "email", "sms", or "" when none was used
	SentAt  time.Time
	Status  string // sent, skipped, failed, unknown, pending
	Subject string
}

// Dispute is one dispute of the order.
type Dispute struct {
	Provider    string
	ID          string
	Status      string // needs_response, under_review, won, lost, closed
	Reason      string
	AmountMinor int64
	Currency    string
	OpenedAt    time.Time
	RespondBy   time.Time // zero when unknown
}

// Event is one timeline entry.
type Event struct {
	At      time.Time
	Source  string
	Type    string
	Applied bool
	Note    string
}
