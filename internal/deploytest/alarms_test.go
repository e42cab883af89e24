package deploytest

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"strings"
	"testing"

	"github.com/orderwire/orderwire/internal/emf"
	"github.com/orderwire/orderwire/internal/metrics"
	"github.com/orderwire/orderwire/internal/order"
)

// emitted is one metric as a CloudWatch EMF line makes it: its name and one dimension set
// with the values the line gives.
type emitted struct {
	name string
	dims map[string]string
}

// emittedMetrics runs internal/emf, the code the functions count with, over every outcome
// and message status the code can count, and returns each metric and dimension set its
// lines declare (the specification's CloudWatchMetrics directives).
func emittedMetrics(t *testing.T) []emitted {
	t.Helper()
	var buf bytes.Buffer
	r := emf.New(&buf, "probe", nil)
	for _, outcome := range metrics.Outcomes {
		r.EventRecorded(metrics.ChannelPayment, "stripe", outcome)
	}
	for _, status := range []string{order.NotificationSent, order.NotificationSkipped, order.NotificationFailed,
		order.NotificationUnknown, order.NotificationPending} {
		r.MessageFinished(string(order.NotifyPaymentReminder), status)
	}
	r.SweepFinished(metrics.Sweep{})
	r.ColdStart("", 0)
	var out []emitted
	sc := bufio.NewScanner(&buf)
	for sc.Scan() {
		var line map[string]any
		if err := json.Unmarshal(sc.Bytes(), &line); err != nil {
			t.Fatal(err)
		}
		var meta struct {
			CloudWatchMetrics []struct {
				Namespace  string
				Dimensions [][]string
				Metrics    []struct{ Name string }
			}
		}
		raw, _ := json.Marshal(line["_aws"])
		if err := json.Unmarshal(raw, &meta); err != nil {
			t.Fatal(err)
		}
		for _, d := range meta.CloudWatchMetrics {
			if d.Namespace != metrics.Namespace {
				t.Fatalf("namespace %q", d.Namespace)
			}
			for _, m := range d.Metrics {
				for _, set := range d.Dimensions {
					dims := map[string]string{}
					for _, k := range set {
						dims[k], _ = line[k].(string)
					}
					out = append(out, emitted{m.Name, dims})
				}
			}
		}
	}
	return out
}

// alarmDims returns an alarm's dimensions as name → value (a literal, or "!Ref X" /
// "!GetAtt X.Y" for a reference).
func alarmDims(a map[string]any) map[string]string {
	dims := map[string]string{}
	for _, d := range list(get(a, "Properties", "Dimensions")) {
		name, _ := get(d, "Name").(string)
		v := get(d, "Value")
		switch id, attr := getAttOf(v); {
		case refTo(v) != "":
			dims[name] = "!Ref " + refTo(v)
		case id != "":
			dims[name] = "!GetAtt " + id + "." + attr
		default:
			dims[name] = fmt.Sprint(v)
		}
	}
	return dims
}

// TestAlarms: template.yaml has the operator's alarms, each notifying the alarm topic when
// it goes off and when it clears: the notifier's on-failure queue not empty, each
// function's Errors, and on the functions' own metrics "messages recorded unknown" and
// "events filed on no order". Every alarm on the orderwire namespace names a metric and a
// dimension set (names and values) that internal/emf really writes, so none watches a
// metric that never exists.
func TestAlarms(t *testing.T) {
	tm := loadTemplate(t)
	alarms := tm.resources("AWS::CloudWatch::Alarm")
	topics := tm.resources("AWS::SNS::Topic")
	emits := emittedMetrics(t)
	type watch struct{ namespace, metric, dims string }
	watched := map[watch]string{}
	for id, a := range alarms {
		p := get(a, "Properties")
		ns, _ := get(p, "Namespace").(string)
		metric, _ := get(p, "MetricName").(string)
		dims := alarmDims(a)
		watched[watch{ns, metric, fmt.Sprint(dims)}] = id
		for _, key := range []string{"AlarmActions", "OKActions"} {
			acts := list(get(p, key))
			if len(acts) != 1 || topics[refTo(acts[0])] == nil || refTo(acts[0]) == "SellerAlerts" || refTo(acts[0]) == "EmailEventsTopic" {
				t.Errorf("%s: %s %v, want the alarm topic alone", id, key, acts)
			}
		}
		if fmt.Sprint(get(p, "Threshold")) != "0" || get(p, "ComparisonOperator") != "GreaterThanThreshold" ||
			get(p, "TreatMissingData") != "notBreaching" || get(p, "Period") == nil || get(p, "EvaluationPeriods") == nil {
			t.Errorf("%s: want more than 0 per period, no data not breaching: %v", id, p)
		}
		if ns != metrics.Namespace {
			continue
		}
		if !slices.ContainsFunc(emits, func(e emitted) bool { return e.name == metric && maps.Equal(e.dims, dims) }) {
			t.Errorf("%s watches %s %v, which internal/emf never writes (it writes %v)", id, metric, dims, emits)
		}
		if get(p, "Statistic") != "Sum" {
			t.Errorf("%s: statistic %v, want Sum of the counts", id, get(p, "Statistic"))
		}
	}

	want := map[watch]string{
		{"AWS/SQS", "ApproximateNumberOfMessagesVisible", fmt.Sprint(map[string]string{"QueueName": "!GetAtt NotifierFailures.QueueName"})}: "the notifier's failure queue",
		{metrics.Namespace, metrics.Messages, fmt.Sprint(map[string]string{metrics.DimStatus: order.NotificationUnknown})}:                  "messages recorded unknown",
		{metrics.Namespace, metrics.Events, fmt.Sprint(map[string]string{metrics.DimOutcome: metrics.OutcomeUnfiled})}:                      "unfiled events",
	}
	for id := range tm.functions() {
		want[watch{"AWS/Lambda", "Errors", fmt.Sprint(map[string]string{"FunctionName": "!Ref " + id})}] = id + "'s errors"
	}
	for w, what := range want {
		if watched[w] == "" {
			t.Errorf("no alarm on %s (%s %s %s)", what, w.namespace, w.metric, w.dims)
		}
	}
	if len(alarms) != len(want) {
		t.Errorf("%d alarms, want %d: %v", len(alarms), len(want), slices.Sorted(maps.Keys(alarms)))
	}
	if queues := tm.resources("AWS::SQS::Queue"); queues["NotifierFailures"] == nil || len(queues) != 1 {
		t.Errorf("queues %v: the failure-queue alarm watches NotifierFailures, the only one", slices.Sorted(maps.Keys(queues)))
	}
	if !strings.Contains(fmt.Sprint(get(tm, "Outputs", "AlarmTopicArn", "Value")), "AlarmTopic") {
		t.Error("the stack does not output the alarm topic")
	}
}
