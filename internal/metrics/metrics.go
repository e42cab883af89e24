// Package metrics is the operator's view of orderwire: what is counted, under which names,
// and the port the counting code calls. It imports no AWS or Prometheus package; two
// adapters implement Recorder: internal/emf (CloudWatch Embedded Metric Format lines on
// stdout, for the Lambda functions) and internal/prommetrics (GET /metrics in the Prometheus
// text format, for `orderwire serve`).
//
// The packages that count declare the one method they call (httpapi.EventMetrics,
// notifier.Metrics, reminder.Metrics) and are given a Recorder; nil there means "not
// counted". No metric carries a buyer's id, address or phone, an order id or an event id:
// the dimensions are a few bounded words (a provider's route name, an outcome, a message
// kind and status, a function name).
package metrics

import "time"

// Namespace is the CloudWatch namespace of every metric (template.yaml's alarms use it).
const Namespace = "orderwire"

// The metrics, by their CloudWatch names (the Prometheus names are in internal/prommetrics).
const (
	// Events counts verified webhook deliveries (one per delivery), with the dimensions
	// Channel, Provider and Outcome, and again with Outcome alone (what the alarms use).
	Events = "Events"
	// Messages counts outbox rows whose claim recorded an outcome, or whose lapsed claim was
	// recorded unknown, with the dimensions Kind and Status, and again with Status alone.
	Messages = "Messages"
	// ColdStart is how long after its process started a function was ready to serve
	// (milliseconds), with the dimension Function.
	ColdStart = "ColdStart"
	// The results of one reminder sweep run (Sweep), without dimensions.
	SweepDue          = "SweepDue"
	SweepReminders    = "SweepReminders"
	SweepFinalNotices = "SweepFinalNotices"
	SweepTerminated   = "SweepTerminated"
	SweepDisputesDue  = "SweepDisputesDue"
	SweepLostRaces    = "SweepLostRaces"
)

// The dimension names.
const (
	DimChannel  = "Channel"
	DimProvider = "Provider"
	DimOutcome  = "Outcome"
	DimKind     = "Kind"
	DimStatus   = "Status"
	DimFunction = "Function"
)

// The channels of Events: which webhook route a delivery came in on.
const (
	ChannelPayment = "payment"
	ChannelCarrier = "carrier"
)

// The outcomes of Events.
const (
	OutcomeApplied   = "applied"   // filed on its order, and the order changed
	OutcomeRecorded  = "recorded"  // filed on its order, which it did not change (stale, no-op)
	OutcomeDuplicate = "duplicate" // seen before: nothing written
	// OutcomeUnfiled is an event filed on no order (store.Recorded.Parked, logged as
	// "parked"): listed at GET /v1/events?status=unfiled until a binding, a registration or
	// the seller files it.
	OutcomeUnfiled  = "unfiled"
	OutcomeIgnored  = "ignored"  // verified, but about nothing orderwire keeps (a carrier event without a tracking number)
	OutcomeRejected = "rejected" // not verified or not readable: a bad signature, a malformed or too large body (4xx)
	OutcomeFailed   = "failed"   // verified, but the store failed (5xx: the provider retries)
)

// Outcomes lists every outcome of Events.
var Outcomes = []string{OutcomeApplied, OutcomeRecorded, OutcomeDuplicate, OutcomeUnfiled,
	OutcomeIgnored, OutcomeRejected, OutcomeFailed}

// Sweep is what one reminder sweep run did (reminder.Report's counts).
type Sweep struct {
	Due          int // due-index entries read
	Reminders    int // payment_reminder rows queued
	FinalNotices int // payment_final_notice rows queued
	Terminated   int // orders terminated
	DisputesDue  int // dispute_response_due seller alerts queued
	LostRaces    int // steps another writer got to first (conflicts)
}

// Recorder is the port: every adapter implements all of it, and is safe for concurrent use.
// Its methods never fail and never block on the network.
type Recorder interface {
	// EventRecorded counts one webhook delivery of provider (its route name) on channel
	// (ChannelPayment, ChannelCarrier) with outcome (one of Outcomes).
	EventRecorded(channel, provider, outcome string)
	// MessageFinished counts one outbox row of kind whose claim recorded status (sent,
	// skipped, failed, unknown, or pending for a row that waits for a retry or quiet hours).
	MessageFinished(kind, status string)
	// SweepFinished counts one reminder sweep run.
	SweepFinished(s Sweep)
	// ColdStart records that function was ready d after its process started.
	ColdStart(function string, d time.Duration)
}

// Nop is a Recorder that counts nothing.
type Nop struct{}

// EventRecorded counts nothing.
func (Nop) EventRecorded(_, _, _ string) {}

// MessageFinished counts nothing.
func (Nop) MessageFinished(_, _ string) {}

// SweepFinished counts nothing.
func (Nop) SweepFinished(Sweep) {}

// ColdStart records nothing.
func (Nop) ColdStart(string, time.Duration) {}

var _ Recorder = Nop{}
