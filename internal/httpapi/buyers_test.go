package httpapi_test

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/orderwire/orderwire/internal/embedded"
	"github.com/orderwire/orderwire/internal/httpapi"
	"github.com/orderwire/orderwire/internal/reminder"
	"github.com/orderwire/orderwire/internal/seller"
)

func newSweepFixture(t *testing.T) *fixture {
	t.Helper()
	st, err := embedded.Open(t.TempDir(), embedded.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = st.Close() })
	clock := func() time.Time { return time.Date(2026, 11, 22, 9, 0, 0, 0, time.UTC) }
	sweeper := &reminder.Sweeper{Store: st, Policy: reminder.DefaultPolicy()}
	h := httpapi.New(httpapi.Config{Orders: &seller.Service{Orders: st, Now: clock}, Tokens: []string{token}, Now: clock,
		LocalSweep: func(ctx context.Context, at time.Time) (reminder.Report, error) { return sweeper.Run(ctx, at) }})
	return &fixture{handler: h, store: st}
}

func TestLocalReminderRunAndBuyerProfile(t *testing.T) {
	f := newSweepFixture(t)
	if rec := f.do("PUT", "/v1/orders/AE-R1", validBody); rec.Code != http.StatusCreated {
		t.Fatalf("PUT: %d %s", rec.Code, rec.Body)
	}
	// 09:00 UTC is 06:00 in São Paulo: the +1 h reminder waits for 08:00 local (11:00 UTC).
	rec := f.do("POST", "/local/reminders/run", `{"at":"2026-11-22T10:05:00Z"}`)
	if rec.Code != http.StatusOK || !strings.Contains(rec.Body.String(), `"reminders":0`) || !strings.Contains(rec.Body.String(), `"deferred":1`) {
		t.Fatalf("sweep in quiet hours: %d %s", rec.Code, rec.Body)
	}
	rec = f.do("POST", "/local/reminders/run", `{"at":"2026-11-22T11:01:00Z"}`)
	if rec.Code != http.StatusOK || !strings.Contains(rec.Body.String(), `"reminders":1`) {
		t.Fatalf("sweep after quiet hours: %d %s", rec.Code, rec.Body)
	}
	decodeError(t, f.do("POST", "/local/reminders/run", `{"at":"tomorrow"}`), http.StatusBadRequest, "invalid")

	got := decodeJSON(t, f.do("GET", "/v1/buyers/buyer-1", ""))
	rating := got["rating"].(map[string]any)
	if got["email"] != "a***@example.com" || got["phone"] != "+55*******5678" || rating["tier"] != "standard" ||
		got["reminder_cadence"].(map[string]any)["max_reminders"] != 3.0 {
		t.Fatalf("buyer profile = %v", got)
	}
	decodeError(t, f.do("GET", "/v1/buyers/nobody", ""), http.StatusNotFound, "not_found")
}

func TestLocalReminderRouteOnlyWhenWired(t *testing.T) {
	f := newFixture(t)
	decodeError(t, f.do("POST", "/local/reminders/run", `{}`), http.StatusNotFound, "not_found")
}

// TestLocalReminderRunBounds: an at more than a year from now either way is refused (400
// naming the field) and runs neither the sweep nor the delivery; a year less a minute is
// run, and the delivery gets the same instant as the sweep, its summary in the answer.
func TestLocalReminderRunBounds(t *testing.T) {
	now := time.Date(2026, 11, 22, 9, 0, 0, 0, time.UTC)
	var swept, delivered []time.Time
	h := httpapi.New(httpapi.Config{Orders: brokenOrders{}, Tokens: []string{token}, Now: func() time.Time { return now },
		LocalSweep: func(_ context.Context, at time.Time) (reminder.Report, error) {
			swept = append(swept, at)
			return reminder.Report{Reminders: 1}, nil
		},
		LocalDeliver: func(_ context.Context, at time.Time) (any, error) {
			delivered = append(delivered, at)
			return map[string]int{"sent": 1}, nil
		}})
	f := &fixture{handler: h}
	for _, at := range []time.Time{now.AddDate(2, 0, 0), now.AddDate(-2, 0, 0), now.Add(httpapi.MaxSweepShift + time.Second),
		now.Add(-httpapi.MaxSweepShift - time.Second)} {
		e := decodeError(t, f.do("POST", "/local/reminders/run", `{"at":"`+at.Format(time.RFC3339)+`"}`), http.StatusBadRequest, "invalid")
		if !strings.Contains(e.Error.Fields["at"], "within a year") {
			t.Fatalf("at %v: %+v", at, e.Error)
		}
	}
	if len(swept)+len(delivered) != 0 {
		t.Fatalf("a refused at ran the sweep %v or the delivery %v", swept, delivered)
	}
	at := now.AddDate(1, 0, 0).Add(-time.Minute)
	rec := f.do("POST", "/local/reminders/run", `{"at":"`+at.Format(time.RFC3339)+`"}`)
	if rec.Code != http.StatusOK || !strings.Contains(rec.Body.String(), `"reminders":1`) || !strings.Contains(rec.Body.String(), `"delivered":{"sent":1}`) {
		t.Fatalf("a year less a minute: %d %s", rec.Code, rec.Body)
	}
	if len(swept) != 1 || len(delivered) != 1 || !swept[0].Equal(at) || !delivered[0].Equal(at) {
		t.Fatalf("swept %v, delivered %v, want both at %v", swept, delivered, at)
	}
}
