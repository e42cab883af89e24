package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/lambda"

	"github.com/orderwire/orderwire/internal/notifier"
	"github.com/orderwire/orderwire/internal/order"
)

// fakeNotifier stands in for notifier.Notifier: Deliver claims a row once (a second
// Deliver of it reports it not claimed, as a redelivered stream record finds it), fails for
// the rows in failFor, and records every call; RunDue answers sum and err.
type fakeNotifier struct {
	mu        sync.Mutex
	delivered []order.NotificationRef
	claimed   map[order.NotificationRef]bool
	failFor   map[string]bool // order ids
	sum       notifier.Summary
	err       error
	dueLimit  int
	dueCtx    context.Context
}

func (f *fakeNotifier) Deliver(_ context.Context, ref order.NotificationRef) (notifier.Result, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.delivered = append(f.delivered, ref)
	if f.failFor[ref.OrderID] {
		return notifier.Result{Ref: ref}, fmt.Errorf("notifier: claim %s: %w", ref, order.Internal("dynamo.ClaimNotification", errors.New("throttled")))
	}
	if f.claimed == nil {
		f.claimed = map[order.NotificationRef]bool{}
	}
	if f.claimed[ref] {
		return notifier.Result{Ref: ref, Note: "not claimed: held by another notifier, final, or not due"}, nil
	}
	f.claimed[ref] = true
	return notifier.Result{Ref: ref, Claimed: true, Status: order.NotificationSent, Messages: 1}, nil
}

func (f *fakeNotifier) RunDue(ctx context.Context, limit int) (notifier.Summary, error) {
	f.dueLimit, f.dueCtx = limit, ctx
	return f.sum, f.err
}

type world struct {
	t    *testing.T
	fake *fakeNotifier
	logs bytes.Buffer
	h    *handler
}

func newWorld(t *testing.T) *world {
	w := &world{t: t, fake: &fakeNotifier{}}
	w.h = &handler{Deliverer: w.fake, Due: w.fake, Logger: slog.New(slog.NewJSONHandler(&w.logs, nil))}
	return w
}

func fixture(t *testing.T, name string) []byte {
	t.Helper()
	raw, err := os.ReadFile("testdata/" + name)
	if err != nil {
		t.Fatal(err)
	}
	return raw
}

// invoke runs the handler as Lambda does (aws-lambda-go decodes the payload and encodes
// the answer) with a deadline a minute away, and returns the answer's JSON.
func (w *world) invoke(payload []byte) ([]byte, error) {
	w.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	return lambda.NewHandler(w.h.Handle).Invoke(ctx, payload)
}

// failures decodes the answer to a stream batch: the itemIdentifiers, in order.
func (w *world) failures(answer []byte) []string {
	w.t.Helper()
	var resp struct {
		BatchItemFailures []struct {
			ItemIdentifier string `json:"itemIdentifier"`
		} `json:"batchItemFailures"`
	}
	if err := json.Unmarshal(answer, &resp); err != nil {
		w.t.Fatalf("answer %s: %v", answer, err)
	}
	ids := []string{}
	for _, f := range resp.BatchItemFailures {
		ids = append(ids, f.ItemIdentifier)
	}
	return ids
}

// lastLog returns the last log line, decoded.
func (w *world) lastLog() map[string]any {
	w.t.Helper()
	lines := strings.Split(strings.TrimSpace(w.logs.String()), "\n")
	var m map[string]any
	if err := json.Unmarshal([]byte(lines[len(lines)-1]), &m); err != nil {
		w.t.Fatalf("log line %q: %v", lines[len(lines)-1], err)
	}
	return m
}

// counts returns the named numeric attributes of a log line.
func counts(line map[string]any, names ...string) map[string]float64 {
	out := map[string]float64{}
	for _, n := range names {
		out[n], _ = line[n].(float64)
	}
	return out
}

var (
	row1001 = order.NotificationRef{OrderID: "ord-1001", Kind: order.NotifyPaymentReceived, Seq: 2}
	row1002 = order.NotificationRef{OrderID: "ord-1002", Kind: order.NotifyPaymentReminder, Seq: 3}
	row1003 = order.NotificationRef{OrderID: "ord-1003", Kind: order.NotifyShipmentShipped, Seq: 4}
)

// TestStreamDeliversAnOutboxInsert: the INSERT of an outbox row is delivered by its keys;
// the batch succeeds.
func TestStreamDeliversAnOutboxInsert(t *testing.T) {
	w := newWorld(t)
	answer, err := w.invoke(fixture(t, "stream-outbox-insert.json"))
	if err != nil {
		t.Fatal(err)
	}
	if got := w.failures(answer); len(got) != 0 {
		t.Errorf("batch item failures %v, want none", got)
	}
	if !reflect.DeepEqual(w.fake.delivered, []order.NotificationRef{row1001}) {
		t.Errorf("delivered %v, want %v", w.fake.delivered, row1001)
	}
	want := map[string]float64{"records": 1, "outbox_inserts": 1, "ignored": 0, "claimed": 1, "failed": 0}
	if got := counts(w.lastLog(), "records", "outbox_inserts", "ignored", "claimed", "failed"); !reflect.DeepEqual(got, want) {
		t.Errorf("log counts %v, want %v", got, want)
	}
}

// TestStreamIgnoresWhatIsNotAnOutboxInsert: in a batch mixing an outbox INSERT, a MODIFY of
// the same row (its claim), the INSERT of an order's META item and a REMOVE (a dedupe
// marker's TTL expiry), only the outbox INSERT is delivered; the rest is counted ignored.
func TestStreamIgnoresWhatIsNotAnOutboxInsert(t *testing.T) {
	w := newWorld(t)
	answer, err := w.invoke(fixture(t, "stream-mixed.json"))
	if err != nil {
		t.Fatal(err)
	}
	if got := w.failures(answer); len(got) != 0 {
		t.Errorf("batch item failures %v, want none", got)
	}
	if !reflect.DeepEqual(w.fake.delivered, []order.NotificationRef{row1001}) {
		t.Errorf("delivered %v, want only %v", w.fake.delivered, row1001)
	}
	if got := counts(w.lastLog(), "records", "ignored"); got["records"] != 4 || got["ignored"] != 3 {
		t.Errorf("log counts %v, want 4 records, 3 ignored", got)
	}
}

// TestStreamRedeliveredBatch: Lambda hands the same records over again (after a failure or
// a timeout); Deliver runs for each, finds the rows already claimed, and the batch still
// succeeds.
func TestStreamRedeliveredBatch(t *testing.T) {
	w := newWorld(t)
	batch := fixture(t, "stream-two-rows.json")
	for i := range 2 {
		answer, err := w.invoke(batch)
		if err != nil {
			t.Fatalf("delivery %d: %v", i+1, err)
		}
		if got := w.failures(answer); len(got) != 0 {
			t.Errorf("delivery %d: batch item failures %v, want none", i+1, got)
		}
	}
	want := []order.NotificationRef{row1001, row1002, row1001, row1002}
	if !reflect.DeepEqual(w.fake.delivered, want) {
		t.Errorf("delivered %v, want %v", w.fake.delivered, want)
	}
	if got := counts(w.lastLog(), "claimed", "not_claimed", "failed"); got["claimed"] != 0 || got["not_claimed"] != 2 || got["failed"] != 0 {
		t.Errorf("second delivery's log counts %v, want 2 not claimed", got)
	}
}

// TestStreamReportsOnlyTheFailedRecord: when Deliver fails for one record, exactly its
// SequenceNumber is in BatchItemFailures; the records around it are delivered.
func TestStreamReportsOnlyTheFailedRecord(t *testing.T) {
	w := newWorld(t)
	w.fake.failFor = map[string]bool{"ord-1002": true}
	answer, err := w.invoke(fixture(t, "stream-three-rows.json"))
	if err != nil {
		t.Fatal(err)
	}
	if got, want := w.failures(answer), []string{"4421584900000000017450439777"}; !reflect.DeepEqual(got, want) {
		t.Errorf("batch item failures %v, want %v", got, want)
	}
	if want := []order.NotificationRef{row1001, row1002, row1003}; !reflect.DeepEqual(w.fake.delivered, want) {
		t.Errorf("delivered %v, want %v", w.fake.delivered, want)
	}
	if !strings.Contains(w.logs.String(), `"row":"ord-1002/payment_reminder/3"`) {
		t.Errorf("the failed row is not named in the log:\n%s", w.logs.String())
	}
}

// TestStreamKeysOnly: a KEYS_ONLY record (no image) is enough.
func TestStreamKeysOnly(t *testing.T) {
	w := newWorld(t)
	if _, err := w.invoke(fixture(t, "stream-keys-only.json")); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(w.fake.delivered, []order.NotificationRef{row1001}) {
		t.Errorf("delivered %v, want %v", w.fake.delivered, row1001)
	}
}

// TestStreamPastTheDeadlineMargin: with less time left than the margin no row is delivered
// and every outbox record is reported failed, for Lambda to hand over again; ignored
// records are not reported.
func TestStreamPastTheDeadlineMargin(t *testing.T) {
	w := newWorld(t)
	w.h.Margin = time.Hour
	answer, err := w.invoke(fixture(t, "stream-mixed.json"))
	if err != nil {
		t.Fatal(err)
	}
	if got, want := w.failures(answer), []string{"4421584500000000017450439091"}; !reflect.DeepEqual(got, want) {
		t.Errorf("batch item failures %v, want %v", got, want)
	}
	if len(w.fake.delivered) != 0 {
		t.Errorf("delivered %v past the margin", w.fake.delivered)
	}
	if got := counts(w.lastLog(), "postponed_at_deadline"); got["postponed_at_deadline"] != 1 {
		t.Errorf("log counts %v, want 1 postponed", got)
	}
}

// TestScheduledRunsDue: Scheduler's default event, and {} (a run by hand), run the due
// rows with DueLimit and a context that ends the margin before the deadline; the answer is
// the summary.
func TestScheduledRunsDue(t *testing.T) {
	for _, payload := range [][]byte{fixture(t, "scheduler-default.json"), []byte(`{}`)} {
		w := newWorld(t)
		w.fake.sum = notifier.Summary{Due: 3, Claimed: 2, Sent: 2, Expired: 1, Messages: 2}
		answer, err := w.invoke(payload)
		if err != nil {
			t.Fatalf("%s: %v", payload, err)
		}
		var sum notifier.Summary
		if err := json.Unmarshal(answer, &sum); err != nil || sum != w.fake.sum {
			t.Errorf("%s: answer %s (%v), want %+v", payload, answer, err, w.fake.sum)
		}
		if w.fake.dueLimit != DueLimit {
			t.Errorf("%s: RunDue limit %d, want %d", payload, w.fake.dueLimit, DueLimit)
		}
		if dl, ok := w.fake.dueCtx.Deadline(); !ok || time.Until(dl) > time.Minute-DeadlineMargin {
			t.Errorf("%s: RunDue's deadline %v, want the invocation's less %v", payload, dl, DeadlineMargin)
		}
		if len(w.fake.delivered) != 0 {
			t.Errorf("%s: a scheduled run delivered stream rows %v", payload, w.fake.delivered)
		}
		if got := counts(w.lastLog(), "due", "sent", "expired"); got["due"] != 3 || got["sent"] != 2 || got["expired"] != 1 {
			t.Errorf("%s: log counts %v", payload, got)
		}
	}
}

// TestDueRunFailure: a run that fails before its deadline margin fails the invocation; one
// cut short by the margin succeeds with what it did.
func TestDueRunFailure(t *testing.T) {
	w := newWorld(t)
	w.fake.err = errors.New("notifier: read due rows: throttled")
	if _, err := w.invoke(fixture(t, "scheduler-default.json")); err == nil {
		t.Error("a failed due run succeeded")
	}
	if w.lastLog()["level"] != "ERROR" {
		t.Errorf("log %v, want an error line", w.lastLog())
	}

	w = newWorld(t)
	w.h.Margin = time.Hour
	w.fake.err = errors.New("notifier: 1 of 4 due rows not recorded; first: context deadline exceeded")
	if _, err := w.invoke(fixture(t, "scheduler-default.json")); err != nil {
		t.Errorf("a due run cut short at the margin failed: %v", err)
	}
	if line := w.lastLog(); line["level"] != "WARN" || line["time_up"] != true {
		t.Errorf("log %v, want a warning with time_up", line)
	}
}

// TestUnrecognisedPayload: anything that is neither a DynamoDB stream batch nor a
// Scheduler event nor {} is refused, and logged.
func TestUnrecognisedPayload(t *testing.T) {
	for _, payload := range [][]byte{
		fixture(t, "sqs-message.json"), // a Records event of another service
		[]byte(`{"source":"aws.events","detail-type":"Scheduled Event"}`),
		[]byte(`{"at":"2026-11-23T10:30:00Z"}`),
		[]byte(`{"Records":"x"}`),
		[]byte(`[]`), []byte(`null`), []byte(`"run"`),
	} {
		w := newWorld(t)
		_, err := w.invoke(payload)
		if err == nil {
			t.Errorf("%s: accepted", payload)
			continue
		}
		if len(w.fake.delivered) != 0 || w.fake.dueCtx != nil {
			t.Errorf("%s: the notifier ran", payload)
		}
		if !strings.Contains(w.logs.String(), "notifier invocation refused") {
			t.Errorf("%s: not logged: %s", payload, w.logs.String())
		}
	}
}
