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
