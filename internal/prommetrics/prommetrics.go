// Package prommetrics is the metrics.Recorder of `orderwire serve`: the counts are kept in
// memory by the Prometheus Go client (github.com/prometheus/client_golang) and served by
// Handler in the Prometheus text exposition format, with the client's Go runtime and
// process collectors. The names follow the Prometheus conventions (an orderwire_ prefix,
// _total for counters, base units); the labels are the same bounded words as the
// CloudWatch dimensions of internal/emf, never an order, event or buyer id.
package prommetrics

import (
	"net/http"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/orderwire/orderwire/internal/metrics"
)

// The metric names (the tests and README list them).
const (
	EventsTotal      = "orderwire_events_total"
	MessagesTotal    = "orderwire_messages_total"
	SweepRunsTotal   = "orderwire_sweep_runs_total"
	SweepDueTotal    = "orderwire_sweep_due_total"
	SweepStepsTotal  = "orderwire_sweep_steps_total"
	ColdStartSeconds = "orderwire_cold_start_seconds"
)

// The results of orderwire_sweep_steps_total (label "result").
const (
	StepReminder    = "reminder"
	StepFinalNotice = "final_notice"
	StepTerminated  = "terminated"
	StepDisputeDue  = "dispute_due"
	StepLostRace    = "lost_race"
)

// Recorder counts into its own registry (not the client's global one, so two Recorders,
// e.g. in tests, never collide). Safe for concurrent use. A nil *Recorder counts nothing
// (so a component given one through an interface field never panics).
type Recorder struct {
	reg       *prometheus.Registry
	events    *prometheus.CounterVec
	messages  *prometheus.CounterVec
	sweeps    prometheus.Counter
	due       prometheus.Counter
	steps     *prometheus.CounterVec
	coldStart *prometheus.GaugeVec
}

var _ metrics.Recorder = (*Recorder)(nil)

// New returns a Recorder whose registry also holds the Go runtime and process collectors.
func New() *Recorder {
	r := &Recorder{
		reg: prometheus.NewRegistry(),
		events: prometheus.NewCounterVec(prometheus.CounterOpts{Name: EventsTotal,
			Help: "Webhook deliveries by channel (payment, carrier), provider route and outcome (applied, recorded, duplicate, unfiled, ignored, rejected, failed)."},
			[]string{"channel", "provider", "outcome"}),
		messages: prometheus.NewCounterVec(prometheus.CounterOpts{Name: MessagesTotal,
			Help: "Outbox rows whose claim recorded an outcome, by kind and status (sent, skipped, failed, unknown, pending)."},
			[]string{"kind", "status"}),
		sweeps: prometheus.NewCounter(prometheus.CounterOpts{Name: SweepRunsTotal,
			Help: "Reminder sweep runs."}),
		due: prometheus.NewCounter(prometheus.CounterOpts{Name: SweepDueTotal,
			Help: "Due-index entries the reminder sweep read."}),
		steps: prometheus.NewCounterVec(prometheus.CounterOpts{Name: SweepStepsTotal,
			Help: "What the reminder sweep did, by result (reminder, final_notice, terminated, dispute_due queued; lost_race: another writer was first)."},
			[]string{"result"}),
		coldStart: prometheus.NewGaugeVec(prometheus.GaugeOpts{Name: ColdStartSeconds,
			Help: "How long after its process started the component was ready to serve."},
			[]string{"function"}),
	}
	r.reg.MustRegister(r.events, r.messages, r.sweeps, r.due, r.steps, r.coldStart,
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	return r
}

// Handler serves the registry in the Prometheus text format (or another format the
// scraper asks for by content negotiation). A metric that cannot be gathered is left out
// and the rest is served (promhttp.ContinueOnError).
func (r *Recorder) Handler() http.Handler {
	return promhttp.HandlerFor(r.reg, promhttp.HandlerOpts{ErrorHandling: promhttp.ContinueOnError})
}

// Registry is the Recorder's registry, for tests and for collectors of other components.
func (r *Recorder) Registry() *prometheus.Registry { return r.reg }

// EventRecorded adds one to orderwire_events_total{channel, provider, outcome}.
func (r *Recorder) EventRecorded(channel, provider, outcome string) {
	if r == nil {
		return
	}
	r.events.WithLabelValues(channel, provider, outcome).Inc()
}

// MessageFinished adds one to orderwire_messages_total{kind, status}.
func (r *Recorder) MessageFinished(kind, status string) {
	if r == nil {
		return
	}
	r.messages.WithLabelValues(kind, status).Inc()
}

// SweepFinished adds one run, its due entries, and each of its step counts.
func (r *Recorder) SweepFinished(s metrics.Sweep) {
	if r == nil {
		return
	}
	r.sweeps.Inc()
	r.due.Add(float64(s.Due))
	for result, n := range map[string]int{StepReminder: s.Reminders, StepFinalNotice: s.FinalNotices,
		StepTerminated: s.Terminated, StepDisputeDue: s.DisputesDue, StepLostRace: s.LostRaces} {
		r.steps.WithLabelValues(result).Add(float64(n))
	}
}

// ColdStart sets orderwire_cold_start_seconds{function}.
func (r *Recorder) ColdStart(function string, d time.Duration) {
	if r == nil {
		return
	}
	r.coldStart.WithLabelValues(function).Set(d.Seconds())
}
