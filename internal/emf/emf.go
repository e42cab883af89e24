// Package emf is the metrics.Recorder of the Lambda functions: each count is one line of
// CloudWatch Embedded Metric Format (EMF) written to stdout, from which CloudWatch Logs
// extracts the metric in the orderwire namespace. No API call, no IAM permission, no
// buffering: a line is written when the thing it counts happens, so a function frozen or
// stopped after an invocation loses nothing.
//
// The document follows the EMF specification (CloudWatch User Guide, "Specification:
// Embedded metric format"): one JSON object per line whose "_aws" member holds the
// Timestamp (milliseconds since the Unix epoch) and the CloudWatchMetrics directives
// (Namespace, Dimensions as a list of dimension sets, Metrics with Name and Unit); the
// dimension values (strings) and the metric values (numbers) are members of the root
// object under their names. Dimension values are the bounded words of package metrics,
// cleaned to what CloudWatch accepts (ASCII, no control characters, at most 255 bytes, not
// empty), so a line can never be refused for its values.
package emf

import (
	"encoding/json"
	"io"
	"os"
	"strings"
	"sync"
	"time"

	"github.com/orderwire/orderwire/internal/metrics"
)

// Recorder writes EMF lines to an io.Writer. It is safe for concurrent use: each line is
// written whole, under a lock.
type Recorder struct {
	mu       *sync.Mutex
	w        io.Writer
	function string
	now      func() time.Time
}

var _ metrics.Recorder = (*Recorder)(nil)

// New returns a Recorder writing to w for function (its name in the Function dimension of
// ColdStart and the sweep results: "payment-webhook", "reminders", ...). now is the clock of
// the Timestamp; nil means time.Now.
func New(w io.Writer, function string, now func() time.Time) *Recorder {
	if now == nil {
		now = time.Now
	}
	return &Recorder{mu: &sync.Mutex{}, w: w, function: function, now: now}
}

// stdoutMu serialises every Stdout Recorder's lines, so that two of them never interleave.
var stdoutMu sync.Mutex

// Stdout returns a Recorder of a Lambda function: lines on stdout, which Lambda sends to
// the function's log group, where CloudWatch Logs extracts them ("Using the embedded metric
// format with Lambda": no agent, no API call). The Recorders it returns share one lock.
func Stdout(function string) *Recorder {
	return &Recorder{mu: &stdoutMu, w: os.Stdout, function: function, now: time.Now}
}

// ColdStartDone writes function's ColdStart line to stdout: the time since its process
// started (metrics.SinceStart). A function calls it once, when it is ready to serve, just
// before lambda.Start.
func ColdStartDone(function string) {
	Stdout(function).ColdStart(function, metrics.SinceStart())
}

// metric is one metric of a line: its name, unit and value.
type metric struct {
	name, unit string
	value      float64
}

// EventRecorded writes Events = 1 with dimension sets [Channel Provider Outcome] and
// [Outcome].
func (r *Recorder) EventRecorded(channel, provider, outcome string) {
	r.write(map[string]string{metrics.DimChannel: channel, metrics.DimProvider: provider, metrics.DimOutcome: outcome},
		[][]string{{metrics.DimChannel, metrics.DimProvider, metrics.DimOutcome}, {metrics.DimOutcome}},
		metric{metrics.Events, "Count", 1})
}

// MessageFinished writes Messages = 1 with dimension sets [Kind Status] and [Status].
func (r *Recorder) MessageFinished(kind, status string) {
	r.write(map[string]string{metrics.DimKind: kind, metrics.DimStatus: status},
		[][]string{{metrics.DimKind, metrics.DimStatus}, {metrics.DimStatus}},
		metric{metrics.Messages, "Count", 1})
}

// SweepFinished writes the six Sweep* counts of one run in one line, with dimension set
// [Function].
func (r *Recorder) SweepFinished(s metrics.Sweep) {
	r.write(map[string]string{metrics.DimFunction: r.function}, [][]string{{metrics.DimFunction}},
		metric{metrics.SweepDue, "Count", float64(s.Due)},
		metric{metrics.SweepReminders, "Count", float64(s.Reminders)},
		metric{metrics.SweepFinalNotices, "Count", float64(s.FinalNotices)},
		metric{metrics.SweepTerminated, "Count", float64(s.Terminated)},
		metric{metrics.SweepDisputesDue, "Count", float64(s.DisputesDue)},
		metric{metrics.SweepLostRaces, "Count", float64(s.LostRaces)})
}

// ColdStart writes ColdStart = d in milliseconds with dimension set [Function]; function
// "" means the Recorder's own.
func (r *Recorder) ColdStart(function string, d time.Duration) {
	if function == "" {
		function = r.function
	}
	r.write(map[string]string{metrics.DimFunction: function}, [][]string{{metrics.DimFunction}},
		metric{metrics.ColdStart, "Milliseconds", float64(d) / float64(time.Millisecond)})
}

// directive is the specification's MetricDirective; definition its MetricDefinition.
type directive struct {
	Namespace  string       `json:"Namespace"`
	Dimensions [][]string   `json:"Dimensions"`
	Metrics    []definition `json:"Metrics"`
}

type definition struct {
	Name string `json:"Name"`
	Unit string `json:"Unit,omitempty"`
}

type metadata struct {
	Timestamp         int64       `json:"Timestamp"`
	CloudWatchMetrics []directive `json:"CloudWatchMetrics"`
}

// write writes one EMF document: the metadata, the dimension values and the metric values.
func (r *Recorder) write(dims map[string]string, sets [][]string, ms ...metric) {
	doc := make(map[string]any, 1+len(dims)+len(ms))
	d := directive{Namespace: metrics.Namespace, Dimensions: sets}
	for _, m := range ms {
		d.Metrics = append(d.Metrics, definition{Name: m.name, Unit: m.unit})
		doc[m.name] = m.value
	}
	for k, v := range dims {
		doc[k] = DimensionValue(v)
	}
	doc["_aws"] = metadata{Timestamp: r.now().UnixMilli(), CloudWatchMetrics: []directive{d}}
	line, err := json.Marshal(doc)
	if err != nil {
		return // cannot happen: strings and finite numbers only
	}
	line = append(line, '\n')
	r.mu.Lock()
	defer r.mu.Unlock()
	_, _ = r.w.Write(line) // a metric line that cannot be written is not worth failing a request
}

// maxDimensionValue bounds a dimension value's length (CloudWatch accepts up to 1024; the
// values here are short words, so a long one is a bug, cut to keep the line valid).
const maxDimensionValue = 255

// DimensionValue returns v as CloudWatch accepts a dimension value: printable ASCII
// (anything else becomes '?'), at most 255 bytes, and "none" for an empty or blank value.
func DimensionValue(v string) string {
	clean := strings.Map(func(c rune) rune {
		if c < 0x20 || c > 0x7e {
			return '?'
		}
		return c
	}, v)
	if len(clean) > maxDimensionValue {
		clean = clean[:maxDimensionValue]
	}
	if strings.TrimSpace(clean) == "" {
		return "none"
	}
	return clean
}
