package prommetrics

import (
	"io"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/orderwire/orderwire/internal/metrics"
)

// scrape fetches the handler's page as a Prometheus server would (text format 0.0.4, the
// format the Prometheus documentation "Exposition formats" describes) and returns it.
func scrape(t *testing.T, r *Recorder) string {
	t.Helper()
	req := httptest.NewRequest("GET", "/metrics", nil)
	req.Header.Set("Accept", "text/plain;version=0.0.4")
	rec := httptest.NewRecorder()
	r.Handler().ServeHTTP(rec, req)
	if rec.Code != 200 || !strings.HasPrefix(rec.Header().Get("Content-Type"), "text/plain; version=0.0.4") {
		t.Fatalf("GET /metrics: %d %q", rec.Code, rec.Header().Get("Content-Type"))
	}
	b, _ := io.ReadAll(rec.Body)
	return string(b)
}

func TestExposition(t *testing.T) {
	r := New()
	r.EventRecorded(metrics.ChannelPayment, "stripe", metrics.OutcomeUnfiled)
	r.EventRecorded(metrics.ChannelPayment, "stripe", metrics.OutcomeUnfiled)
	r.EventRecorded(metrics.ChannelCarrier, "easypost", metrics.OutcomeApplied)
	r.MessageFinished("payment_reminder", "unknown")
	r.SweepFinished(metrics.Sweep{Due: 9, Reminders: 3, FinalNotices: 2, Terminated: 1, DisputesDue: 4, LostRaces: 5})
	r.SweepFinished(metrics.Sweep{Due: 1, Reminders: 1})
	r.ColdStart("serve", 1500*time.Millisecond)
	page := scrape(t, r)
	for _, want := range []string{
		"# TYPE orderwire_events_total counter",
		`orderwire_events_total{channel="payment",outcome="unfiled",provider="stripe"} 2`,
		`orderwire_events_total{channel="carrier",outcome="applied",provider="easypost"} 1`,
		`orderwire_messages_total{kind="payment_reminder",status="unknown"} 1`,
		"orderwire_sweep_runs_total 2",
		"orderwire_sweep_due_total 10",
		`orderwire_sweep_steps_total{result="reminder"} 4`,
		`orderwire_sweep_steps_total{result="final_notice"} 2`,
		`orderwire_sweep_steps_total{result="terminated"} 1`,
		`orderwire_sweep_steps_total{result="dispute_due"} 4`,
		`orderwire_sweep_steps_total{result="lost_race"} 5`,
		"# TYPE orderwire_cold_start_seconds gauge",
		`orderwire_cold_start_seconds{function="serve"} 1.5`,
		"# TYPE go_goroutines gauge", // the client's Go runtime collector
	} {
		if !strings.Contains(page, want+"\n") {
			t.Errorf("the page lacks %q", want)
		}
	}
}

// TestRecordersAreSeparate: each Recorder has its own registry, so a second one (another
// test, another server in the process) neither panics on registration nor sees the first
// one's counts.
func TestRecordersAreSeparate(t *testing.T) {
	a, b := New(), New()
	a.EventRecorded(metrics.ChannelPayment, "paypal", metrics.OutcomeDuplicate)
	if strings.Contains(scrape(t, b), `provider="paypal"`) {
		t.Error("the second Recorder shows the first one's count")
	}
}

// TestNilRecorderCountsNothing: a nil *Recorder behind an interface does not panic.
func TestNilRecorderCountsNothing(_ *testing.T) {
	var r *Recorder
	var m metrics.Recorder = r
	m.EventRecorded("payment", "stripe", "applied")
	m.MessageFinished("order_shipped", "sent")
	m.SweepFinished(metrics.Sweep{Due: 1})
	m.ColdStart("serve", time.Second)
}
