package emf

import (
	"bufio"
	"bytes"
	"encoding/json"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/orderwire/orderwire/internal/metrics"
)

// The checks below follow the CloudWatch User Guide, "Specification: Embedded metric
// format" (docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/
// CloudWatch_Embedded_Metric_Format_Specification.html): a LogEvent is one JSON object with
// nothing before or after it; its "_aws" member is an object with exactly Timestamp (a
// number of milliseconds since the epoch) and CloudWatchMetrics (MetricDirective objects:
// Namespace, Dimensions, an array of DimensionSets of at most 30 keys, and Metrics,
// MetricDefinitions with Name and an optional Unit); the specification's objects MUST NOT
// contain other members; every dimension key and metric name a directive references is a
// member of the root object (a "target member"); a dimension's value is a string, a
// metric's a number.

type specMetadata struct {
	Timestamp         *int64          `json:"Timestamp"`
	CloudWatchMetrics []specDirective `json:"CloudWatchMetrics"`
}

type specDirective struct {
	Namespace  string           `json:"Namespace"`
	Dimensions [][]string       `json:"Dimensions"`
	Metrics    []specDefinition `json:"Metrics"`
}

type specDefinition struct {
	Name string `json:"Name"`
	Unit string `json:"Unit"`
}

// cloudWatchUnits are the units CloudWatch accepts that this package may use.
var cloudWatchUnits = map[string]bool{"Count": true, "Milliseconds": true}

// parsed is one line decoded and checked against the specification.
type parsed struct {
	meta specMetadata
	root map[string]json.RawMessage
}

func (p parsed) str(t *testing.T, k string) string {
	t.Helper()
	var s string
	if err := json.Unmarshal(p.root[k], &s); err != nil {
		t.Fatalf("member %s = %s: not a string", k, p.root[k])
	}
	return s
}

func (p parsed) num(t *testing.T, k string) float64 {
	t.Helper()
	var f float64
	if err := json.Unmarshal(p.root[k], &f); err != nil {
		t.Fatalf("member %s = %s: not a number", k, p.root[k])
	}
	return f
}

// parseLines decodes out line by line and checks each against the specification.
func parseLines(t *testing.T, out string) []parsed {
	t.Helper()
	var docs []parsed
	sc := bufio.NewScanner(strings.NewReader(out))
	for sc.Scan() {
		line := sc.Bytes()
		var p parsed
		if err := json.Unmarshal(line, &p.root); err != nil {
			t.Fatalf("line %q is not one JSON object: %v", line, err)
		}
		dec := json.NewDecoder(bytes.NewReader(p.root["_aws"]))
		dec.DisallowUnknownFields() // the specification's objects have no other members
		if err := dec.Decode(&p.meta); err != nil {
			t.Fatalf("_aws of %q: %v", line, err)
		}
		if p.meta.Timestamp == nil || len(p.meta.CloudWatchMetrics) == 0 {
			t.Fatalf("_aws of %q lacks Timestamp or CloudWatchMetrics", line)
		}
		for _, d := range p.meta.CloudWatchMetrics {
			if d.Namespace != metrics.Namespace || len(d.Dimensions) == 0 || len(d.Metrics) == 0 {
				t.Errorf("directive %+v: want namespace %q, dimension sets and metrics", d, metrics.Namespace)
			}
			for _, set := range d.Dimensions {
				if len(set) == 0 || len(set) > 30 {
					t.Errorf("dimension set %v: want 1 to 30 keys", set)
				}
				for _, k := range set {
					if v := p.str(t, k); v == "" || strings.TrimSpace(v) == "" {
						t.Errorf("dimension %s has the blank value %q", k, v)
					}
				}
			}
			for _, m := range d.Metrics {
				if !cloudWatchUnits[m.Unit] {
					t.Errorf("metric %s: unit %q", m.Name, m.Unit)
				}
				p.num(t, m.Name)
			}
		}
		docs = append(docs, p)
	}
	return docs
}

var at = time.Date(2026, 12, 5, 1, 30, 0, 123_000_000, time.UTC)

func TestLinesFollowTheSpecification(t *testing.T) {
	var buf bytes.Buffer
	r := New(&buf, "payment-webhook", func() time.Time { return at })
	r.EventRecorded(metrics.ChannelPayment, "stripe", metrics.OutcomeUnfiled)
	r.MessageFinished("payment_reminder", "unknown")
	r.SweepFinished(metrics.Sweep{Due: 7, Reminders: 3, FinalNotices: 2, Terminated: 1, DisputesDue: 4, LostRaces: 5})
	r.ColdStart("", 42*time.Millisecond+500*time.Microsecond)

	docs := parseLines(t, buf.String())
	if len(docs) != 4 {
		t.Fatalf("%d lines, want 4:\n%s", len(docs), buf.String())
	}
	for _, d := range docs {
		if *d.meta.Timestamp != at.UnixMilli() {
			t.Errorf("Timestamp %d, want %d (milliseconds since the epoch)", *d.meta.Timestamp, at.UnixMilli())
		}
	}
	ev := docs[0]
	if got := ev.meta.CloudWatchMetrics[0].Dimensions; len(got) != 2 || strings.Join(got[0], ",") != "Channel,Provider,Outcome" || strings.Join(got[1], ",") != "Outcome" {
		t.Errorf("Events dimension sets %v", got)
	}
	if ev.str(t, "Channel") != "payment" || ev.str(t, "Provider") != "stripe" || ev.str(t, "Outcome") != "unfiled" || ev.num(t, "Events") != 1 {
		t.Errorf("Events line %s", buf.String())
	}
	msg := docs[1]
	if msg.str(t, "Kind") != "payment_reminder" || msg.str(t, "Status") != "unknown" || msg.num(t, "Messages") != 1 {
		t.Errorf("Messages line: %v", msg.root)
	}
	sw := docs[2]
	want := map[string]float64{"SweepDue": 7, "SweepReminders": 3, "SweepFinalNotices": 2, "SweepTerminated": 1, "SweepDisputesDue": 4, "SweepLostRaces": 5}
	for name, v := range want {
		if got := sw.num(t, name); got != v {
			t.Errorf("%s = %v, want %v", name, got, v)
		}
	}
	if sw.str(t, "Function") != "payment-webhook" || len(sw.meta.CloudWatchMetrics[0].Metrics) != len(want) {
		t.Errorf("sweep line: %v", sw.root)
	}
	cs := docs[3]
	if cs.num(t, "ColdStart") != 42.5 || cs.str(t, "Function") != "payment-webhook" || cs.meta.CloudWatchMetrics[0].Metrics[0].Unit != "Milliseconds" {
		t.Errorf("cold start line: %v", cs.root)
	}
}

// TestDimensionValues: values CloudWatch would refuse (empty, blank, non-ASCII, control
// characters, too long) are cleaned, so the line is still extracted.
func TestDimensionValues(t *testing.T) {
	for in, want := range map[string]string{"stripe": "stripe", "": "none", "  ": "none",
		"caf\u00e9": "caf?", "a\nb": "a?b", strings.Repeat("x", 300): strings.Repeat("x", 255)} {
		if got := DimensionValue(in); got != want {
			t.Errorf("DimensionValue(%q) = %q, want %q", in, got, want)
		}
	}
	var buf bytes.Buffer
	New(&buf, "f", nil).EventRecorded("payment", "", "x\x00")
	d := parseLines(t, buf.String())[0]
	if d.str(t, "Provider") != "none" || d.str(t, "Outcome") != "x?" {
		t.Errorf("line %s", buf.String())
	}
}

// TestConcurrentLinesStayWhole: lines written from many goroutines never interleave.
func TestConcurrentLinesStayWhole(t *testing.T) {
	var buf bytes.Buffer
	r := New(&buf, "notifier", nil)
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			for range 50 {
				r.MessageFinished("order_shipped", "sent")
			}
		})
	}
	wg.Wait()
	if n := len(parseLines(t, buf.String())); n != 400 {
		t.Errorf("%d whole lines, want 400", n)
	}
}
