package sesevents

import (
	"bytes"
	"context"
	"encoding/json"
	"log/slog"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/events"

	"github.com/orderwire/orderwire/internal/order"
)

// Each testdata/*.json fixture is an events.SNSEvent whose record's Message is an SES event
// record; its _source field names the AWS documentation it follows. All name buyer-ana and
// the outbox row ord-1001/payment_received/2 in their mail.tags (message.Tags).
const (
	fixtureBuyer   = "buyer-ana"
	fixtureMessage = "EXAMPLE7c191be45-e9aedb9a-02f9-4d12-a87d-dd0099a07f8a-000000"
	fixtureAddress = "ana.buyer@example.com" // the recipient in every fixture: never logged
)

var fixtureRow = order.NotificationRef{OrderID: "ord-1001", Kind: order.NotifyPaymentReceived, Seq: 2}

func fixture(t testing.TB, name string) events.SNSEvent {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	var ev events.SNSEvent
	if err := json.Unmarshal(raw, &ev); err != nil || len(ev.Records) != 1 {
		t.Fatalf("%s: %v (%d records)", name, err, len(ev.Records))
	}
	if !strings.Contains(ev.Records[0].SNS.Message, fixtureAddress) {
		t.Fatalf("%s: the SES record does not hold the recipient's address, so the log check proves nothing", name)
	}
	return ev
}

// fakeFeedback records the calls, answering err.
type fakeFeedback struct {
	calls []string
	err   error
}

func (f *fakeFeedback) SuppressEmail(_ context.Context, buyerID, reason string, at time.Time) error {
	f.calls = append(f.calls, "suppress "+buyerID+" "+reason+" "+at.Format(time.RFC3339Nano))
	return f.err
}

func (f *fakeFeedback) CountSoftBounce(_ context.Context, buyerID string) error {
	f.calls = append(f.calls, "soft "+buyerID)
	return f.err
}

func (f *fakeFeedback) MarkDelivered(_ context.Context, ref order.NotificationRef, messageID string, at time.Time) error {
	f.calls = append(f.calls, "delivered "+ref.String()+" "+messageID+" "+at.Format(time.RFC3339Nano))
	return f.err
}

// handle runs one fixture through a Handler over f and returns its log and its error.
func handle(t *testing.T, f *fakeFeedback, name string) (string, error) {
	t.Helper()
	var logs bytes.Buffer
	h := &Handler{Store: f, Logger: slog.New(slog.NewJSONHandler(&logs, nil))}
	err := h.Handle(context.Background(), fixture(t, name))
	if strings.Contains(logs.String(), "@") {
		t.Errorf("%s: the log holds an address:\n%s", name, logs.String())
	}
	return logs.String(), err
}

// TestEventsMapToFeedback: each documented event type leads to its one store write, with
// the buyer and row from the tags and the times from the event object; the log names the
// action and ids, never the address.
func TestEventsMapToFeedback(t *testing.T) {
	for _, c := range []struct {
		fixture, call, action string
	}{
		{"sns-ses-bounce-permanent.json", "suppress buyer-ana hard_bounce 2026-11-22T09:31:02.669Z", ActionSuppressed},
		{"sns-ses-bounce-transient.json", "soft buyer-ana", ActionSoftBounce},
		{"sns-ses-complaint.json", "suppress buyer-ana complaint 2026-11-22T10:02:17Z", ActionSuppressed},
		{"sns-ses-delivery.json", "delivered ord-1001/payment_received/2 " + fixtureMessage + " 2026-11-22T09:30:04.133Z", ActionDelivered},
	} {
		f := &fakeFeedback{}
		logs, err := handle(t, f, c.fixture)
		if err != nil {
			t.Errorf("%s: %v", c.fixture, err)
		}
		if !reflect.DeepEqual(f.calls, []string{c.call}) {
			t.Errorf("%s: calls %q, want %q", c.fixture, f.calls, c.call)
		}
		if !strings.Contains(logs, `"action":"`+c.action+`"`) || !strings.Contains(logs, `"buyer_id":"`+fixtureBuyer+`"`) ||
			!strings.Contains(logs, fixtureMessage) {
			t.Errorf("%s: log %s does not name the action %s, the buyer and the SES message", c.fixture, logs, c.action)
		}
	}
}

// TestUntaggedAndOtherEventsAreIgnored: an identity's own feedback notification (no tags),
// a not-spam complaint, an event type orderwire does not use and a message that is not an
// SES record write nothing; none fails the invocation.
func TestUntaggedAndOtherEventsAreIgnored(t *testing.T) {
	f := &fakeFeedback{}
	if logs, err := handle(t, f, "sns-ses-identity-bounce.json"); err != nil || !strings.Contains(logs, ActionIgnored) {
		t.Errorf("identity notification: %v, log %s", err, logs)
	}
	for _, edit := range []func(string) string{
		func(m string) string { return strings.Replace(m, `"abuse"`, `"not-spam"`, 1) },
		func(m string) string { return strings.Replace(m, `"eventType":"Complaint"`, `"eventType":"Open"`, 1) },
		func(string) string { return "Hello from SNS!" },
	} {
		ev := fixture(t, "sns-ses-complaint.json")
		ev.Records[0].SNS.Message = edit(ev.Records[0].SNS.Message)
		if err := (&Handler{Store: f}).Handle(context.Background(), ev); err != nil {
			t.Errorf("%.60s: %v", ev.Records[0].SNS.Message, err)
		}
	}
	if len(f.calls) != 0 {
		t.Errorf("ignored events wrote %q", f.calls)
	}
}

// TestFailuresRetryOrDrop: a store failure, or a delivery reported before the notifier
// recorded the send (CodeConflict), fails the invocation for Lambda to retry; a buyer or row
// the store does not know is dropped.
func TestFailuresRetryOrDrop(t *testing.T) {
	for _, c := range []struct {
		err   error
		retry bool
	}{
		{order.Errorf(order.CodeInternal, "fake", "throttled"), true},
		{order.Errorf(order.CodeConflict, "fake", "outcome not recorded yet"), true},
		{order.Errorf(order.CodeNotFound, "fake", "no buyer"), false},
	} {
		for _, name := range []string{"sns-ses-bounce-permanent.json", "sns-ses-delivery.json"} {
			logs, err := handle(t, &fakeFeedback{err: c.err}, name)
			if (err != nil) != c.retry {
				t.Errorf("%s with %v: error %v, want retry=%v", name, c.err, err, c.retry)
			}
			if !c.retry && !strings.Contains(logs, ActionUnknown) {
				t.Errorf("%s with %v: log %s does not say it was dropped", name, c.err, logs)
			}
		}
	}
}
