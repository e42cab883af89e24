package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/events"

	"github.com/orderwire/orderwire/internal/embedded"
	"github.com/orderwire/orderwire/internal/order"
	"github.com/orderwire/orderwire/internal/reminder"
	"github.com/orderwire/orderwire/internal/seller"
)

// created is when the test orders are registered: 10:00 in Lisbon (UTC+0 in November), well
// outside the quiet hours. The default policy's first reminder is due an hour later.
var created = time.Date(2026, 11, 23, 10, 0, 0, 0, time.UTC)

// world is the function over the embedded store, with orders registered through the seller
// use case on a fake clock that the handler reads too.
type world struct {
	t     *testing.T
	st    *embedded.Store
	clock time.Time
	logs  bytes.Buffer
	h     *handler
}

func newWorld(t *testing.T) *world {
	t.Helper()
	st, err := embedded.Open(t.TempDir(), embedded.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = st.Close() })
	w := &world{t: t, st: st, clock: created}
	w.h = &handler{Sweeper: &reminder.Sweeper{Store: st, Policy: reminder.DefaultPolicy()},
		Logger: slog.New(slog.NewJSONHandler(&w.logs, nil)), Now: func() time.Time { return w.clock }}
	return w
}

// register registers order id for a buyer of its own, as PUT /v1/orders/{id} does.
func (w *world) register(id string) {
	w.t.Helper()
	svc := &seller.Service{Orders: w.st, Now: func() time.Time { return w.clock }}
	_, _, err := svc.PutOrder(context.Background(), id, order.Terms{
		Buyer: order.Buyer{ID: "b-" + id, Name: "Rui Sousa", Email: "rui.sousa@example.com", Locale: "pt-PT",
			TimeZone: "Europe/Lisbon", Country: "PT"},
		AmountMinor: 5000, Currency: "EUR", PaymentDueAt: w.clock.Add(7 * 24 * time.Hour)})
	if err != nil {
		w.t.Fatal(err)
	}
}

// sent returns the kinds of the outbox rows of order id.
func (w *world) sent(id string) []order.NotificationKind {
	w.t.Helper()
	msgs, err := w.st.Notifications(context.Background(), id)
	if err != nil {
		w.t.Fatal(err)
	}
	var kinds []order.NotificationKind
	for _, m := range msgs {
		kinds = append(kinds, m.Kind)
	}
	return kinds
}

func fixture(t *testing.T, name string) json.RawMessage {
	t.Helper()
	raw, err := os.ReadFile("testdata/" + name)
	if err != nil {
		t.Fatal(err)
	}
	return raw
}

// TestSchedulerDefaultInputIsAnEventBridgeEvent: the fixture is EventBridge Scheduler's
// default notification for a templated Lambda target (no Input set, as in template.yaml):
// an EventBridge-shaped event whose detail is the JSON string "{}".
func TestSchedulerDefaultInputIsAnEventBridgeEvent(t *testing.T) {
	var ev events.EventBridgeEvent
	if err := json.Unmarshal(fixture(t, "scheduler-default.json"), &ev); err != nil {
		t.Fatal(err)
	}
	if ev.Source != "aws.scheduler" || ev.DetailType != "Scheduled Event" || len(ev.Resources) != 1 ||
		!strings.Contains(ev.Resources[0], ":schedule/") || string(ev.Detail) != `"{}"` {
		t.Fatalf("fixture decodes as %+v", ev)
	}
}

// TestPayloadsRunTheSweepNow: the Scheduler's default notification, {}, null and no payload
// at all each run the sweep as of now: the order whose first reminder is due gets it. A
// second invocation (a retry, or the next run) sends nothing more.
func TestPayloadsRunTheSweepNow(t *testing.T) {
	for name, payload := range map[string]json.RawMessage{
		"scheduler default notification": fixture(t, "scheduler-default.json"),
		"empty object":                   fixture(t, "empty-object.json"),
		"null":                           json.RawMessage("null"),
		"no payload":                     nil,
	} {
		t.Run(name, func(t *testing.T) {
			w := newWorld(t)
			w.register("o-due")
			w.clock = created.Add(61 * time.Minute)
			rep, err := w.h.Handle(context.Background(), payload)
			if err != nil || rep.Due != 1 || rep.Reminders != 1 {
				t.Fatalf("Handle = %+v, %v; want one due order reminded", rep, err)
			}
			if got := fmt.Sprint(w.sent("o-due")); got != "[payment_reminder]" {
				t.Fatalf("outbox %s", got)
			}
			if rep, err := w.h.Handle(context.Background(), payload); err != nil || rep.Reminders != 0 {
				t.Fatalf("second run = %+v, %v; want nothing more", rep, err)
			}
			if got := len(w.sent("o-due")); got != 1 {
				t.Fatalf("%d outbox rows after two runs, want 1", got)
			}
		})
	}
}

// TestAtRunsTheSweepAsOfThatInstant: {"at": 10:30} at 12:00 sweeps as of 10:30, when the
// first reminder (11:00) is not due yet; without "at" it is.
func TestAtRunsTheSweepAsOfThatInstant(t *testing.T) {
	w := newWorld(t)
	w.register("o-replay")
	w.clock = created.Add(2 * time.Hour)
	if rep, err := w.h.Handle(context.Background(), fixture(t, "replay-at.json")); err != nil || rep.Due != 0 || rep.Reminders != 0 {
		t.Fatalf("as of 10:30: %+v, %v; want nothing due", rep, err)
	}
	if !strings.Contains(w.logs.String(), `"at":"2026-11-23T10:30:00Z"`) {
		t.Errorf("the log does not say which instant was swept:\n%s", w.logs.String())
	}
	if rep, err := w.h.Handle(context.Background(), json.RawMessage(`{}`)); err != nil || rep.Reminders != 1 {
		t.Fatalf("as of 12:00: %+v, %v; want the reminder", rep, err)
	}
}

// TestBadAtIsRefused: an "at" that is not an RFC 3339 string, or that lies in the future, is
// an invalid request naming "at"; nothing is swept.
func TestBadAtIsRefused(t *testing.T) {
	w := newWorld(t)
	w.register("o-bad")
	w.clock = created.Add(61 * time.Minute)
	for _, payload := range []string{`{"at":"yesterday"}`, `{"at":1732356000}`, `{"at":"2026-11-23 11:01"}`,
		`{"at":"2026-11-30T10:00:00Z"}`} {
		_, err := w.h.Handle(context.Background(), json.RawMessage(payload))
		var e *order.Error
		if order.ErrorCode(err) != order.CodeInvalid || !errors.As(err, &e) || e.Fields["at"] == "" {
			t.Errorf("%s: %v, want invalid naming at", payload, err)
		}
	}
	if got := w.sent("o-bad"); len(got) != 0 {
		t.Fatalf("a refused request swept: %v", got)
	}
	if _, err := w.h.Handle(context.Background(), json.RawMessage(`{"at":"2026-11-23T11:01:30Z"}`)); err != nil {
		t.Fatalf("an at within the clock-skew allowance: %v", err)
	}
}

// TestNearDeadlineLeavesWorkForLater: an invocation with less time left than the margin
// sweeps nothing and succeeds; the due order is reminded by the next run.
func TestNearDeadlineLeavesWorkForLater(t *testing.T) {
	w := newWorld(t)
	w.register("o-later")
	w.clock = created.Add(61 * time.Minute)
	ctx, cancel := context.WithTimeout(context.Background(), DeadlineMargin-2*time.Second)
	defer cancel()
	rep, err := w.h.Handle(ctx, fixture(t, "scheduler-default.json"))
	if err != nil || rep != (reminder.Report{}) || len(w.sent("o-later")) != 0 {
		t.Fatalf("near the deadline: %+v, %v, outbox %v; want nothing done and no error", rep, err, w.sent("o-later"))
	}
	if !strings.Contains(w.logs.String(), `"time_up":true`) {
		t.Errorf("the log does not say the time was up:\n%s", w.logs.String())
	}
	if rep, err := w.h.Handle(context.Background(), fixture(t, "scheduler-default.json")); err != nil || rep.Reminders != 1 {
		t.Fatalf("next run: %+v, %v", rep, err)
	}
}

// slowStore lets the first ApplyDunning through and holds every later one until its context
// ends, failing then as the DynamoDB client does with a cancelled request.
type slowStore struct {
	reminder.Store
	calls atomic.Int32
}

func (s *slowStore) ApplyDunning(ctx context.Context, ch order.DunningChange) error {
	if s.calls.Add(1) == 1 {
		return s.Store.ApplyDunning(ctx, ch)
	}
	<-ctx.Done()
	return order.Internal("slow.ApplyDunning", ctx.Err())
}

// TestDeadlineDuringTheSweepStopsCleanly: when the margin is reached mid-run (a write in
// flight is cancelled), the invocation succeeds with what was done; the next run finishes.
func TestDeadlineDuringTheSweepStopsCleanly(t *testing.T) {
	w := newWorld(t)
	w.register("o-1")
	w.register("o-2")
	w.clock = created.Add(61 * time.Minute)
	w.h.Sweeper.Store = &slowStore{Store: w.st}
	w.h.Margin = time.Second
	ctx, cancel := context.WithTimeout(context.Background(), w.h.Margin+300*time.Millisecond)
	defer cancel()
	rep, err := w.h.Handle(ctx, json.RawMessage(`{}`))
	if err != nil || rep.Due != 2 || rep.Reminders != 1 {
		t.Fatalf("cut short: %+v, %v; want one of two reminded and no error", rep, err)
	}
	if !strings.Contains(w.logs.String(), `"level":"WARN"`) || !strings.Contains(w.logs.String(), `"time_up":true`) {
		t.Errorf("log:\n%s", w.logs.String())
	}
	w.h.Sweeper.Store = w.st
	if rep, err := w.h.Handle(context.Background(), json.RawMessage(`{}`)); err != nil || rep.Reminders != 1 {
		t.Fatalf("next run: %+v, %v", rep, err)
	}
	if a, b := len(w.sent("o-1")), len(w.sent("o-2")); a != 1 || b != 1 {
		t.Fatalf("outbox rows %d and %d, want one each", a, b)
	}
}

// brokenStore fails every read of the due index.
type brokenStore struct{ reminder.Store }

func (brokenStore) DueOrders(context.Context, time.Time, int) ([]order.Order, error) {
	return nil, order.Internal("broken.DueOrders", fmt.Errorf("ProvisionedThroughputExceededException"))
}

// TestStoreFailureIsAnError: a failure that is not the deadline is returned (Lambda counts
// an error) and logged once, as an error.
func TestStoreFailureIsAnError(t *testing.T) {
	w := newWorld(t)
	w.h.Sweeper.Store = brokenStore{w.st}
	if _, err := w.h.Handle(context.Background(), json.RawMessage(`{}`)); order.ErrorCode(err) != order.CodeInternal {
		t.Fatalf("error %v, want internal", err)
	}
	if n := strings.Count(w.logs.String(), `"level":"ERROR"`); n != 1 {
		t.Fatalf("%d error lines:\n%s", n, w.logs.String())
	}
}

// TestLogHoldsCountsOnly: the one log line of a run is JSON with the report's counts and
// nothing about the orders or their buyers.
func TestLogHoldsCountsOnly(t *testing.T) {
	w := newWorld(t)
	w.register("o-private")
	w.clock = created.Add(61 * time.Minute)
	if _, err := w.h.Handle(context.Background(), json.RawMessage(`{}`)); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(w.logs.String()), "\n")
	var line map[string]any
	if len(lines) != 1 || json.Unmarshal([]byte(lines[0]), &line) != nil {
		t.Fatalf("log:\n%s", w.logs.String())
	}
	if line["reminders"] != 1.0 || line["due"] != 1.0 || line["time_up"] != false {
		t.Errorf("log line %v", line)
	}
	for _, private := range []string{"o-private", "b-o-private", "Rui", "rui.sousa", "example.com"} {
		if strings.Contains(lines[0], private) {
			t.Errorf("the log holds %q: %s", private, lines[0])
		}
	}
}

// TestWithMargin: the sweep's context ends DeadlineMargin before the invocation's; without
// a deadline (a test, a local run) it has none.
func TestWithMargin(t *testing.T) {
	deadline := time.Now().Add(time.Minute)
	ctx, cancel := context.WithDeadline(context.Background(), deadline)
	defer cancel()
	run, stop := (&handler{}).withMargin(ctx)
	defer stop()
	if got, _ := run.Deadline(); !got.Equal(deadline.Add(-DeadlineMargin)) {
		t.Fatalf("deadline %v, want %v", got, deadline.Add(-DeadlineMargin))
	}
	run, stop = (&handler{}).withMargin(context.Background())
	defer stop()
	if _, ok := run.Deadline(); ok {
		t.Fatal("a deadline appeared")
	}
}
