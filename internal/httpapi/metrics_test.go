package httpapi_test

import (
	"bytes"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/orderwire/orderwire/internal/embedded"
	"github.com/orderwire/orderwire/internal/httpapi"
	"github.com/orderwire/orderwire/internal/payment"
	"github.com/orderwire/orderwire/internal/prommetrics"
	"github.com/orderwire/orderwire/internal/seller"
	"github.com/orderwire/orderwire/internal/tracking"
)

// newMetricsHarness is newScenarioHarness's handler (every payment provider and carrier, on
// the embedded store) counting into a Prometheus recorder that GET /metrics serves.
func newMetricsHarness(t *testing.T) *scenarioHarness {
	t.Helper()
	st, err := embedded.Open(t.TempDir(), embedded.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = st.Close() })
	cfg := providerConfig(t)
	cfg.PayPalCertPEM = payPalCertAround(t, scNow)
	payments, err := payment.Providers(cfg)
	if err != nil {
		t.Fatal(err)
	}
	carriers, err := tracking.Providers(carrierConfig())
	if err != nil {
		t.Fatal(err)
	}
	prom := prommetrics.New()
	logs := &bytes.Buffer{}
	clock := func() time.Time { return scNow }
	h := httpapi.New(httpapi.Config{
		Orders: &seller.Service{Orders: st, Now: clock}, Tokens: []string{token},
		Payments: payments, Events: st, Carriers: carriers, Tracking: st, Unfiled: st, Now: clock,
		Logger: slog.New(slog.NewJSONHandler(logs, nil)), Metrics: prom, MetricsPage: prom.Handler(),
	})
	return &scenarioHarness{handler: h, store: st, payments: payments, carriers: carriers, logs: logs}
}

// TestMetricsCountWebhooks sends real signed deliveries (the payment and tracking packages'
// fixtures, signed as each sender signs) through the handler served on a loopback listener,
// then scrapes GET /metrics from there as a Prometheus on the same host would.
func TestMetricsCountWebhooks(t *testing.T) {
	h := newMetricsHarness(t)
	h.register(t, "ORD-5001", 1999, "USD")
	paid := h.standard(t, "msg_m_paid", "payment.succeeded.json")
	h.post(t, paid)                                                 // applied: ORD-5001 is paid
	h.post(t, paid)                                                 // the sender's retry: duplicate
	h.post(t, h.standard(t, "msg_m_failed", "payment.failed.json")) // ORD-5002 is not registered: unfiled
	h.post(t, h.aftership(t, "tracking_update_delivered.json"))     // no order claims its number: unfiled
	h.post(t, h.easypost(t, "batch_updated.json"))                  // about no parcel: ignored
	unparsable := signAfterShip(t, trackingFixture(t, "aftership", "no_tracking_number.json"), "", signFirst, scSent)
	if rec := h.send(unparsable); rec.Code != http.StatusBadRequest {
		t.Fatalf("an AfterShip tracking without a number: %d, want 400", rec.Code)
	}

	forged := h.standard(t, "msg_m_forged", "payment.succeeded.json")
	forged.d.body = bytes.Replace(forged.d.body, []byte("1999"), []byte("1"), 1)
	if rec := h.send(forged.d); rec.Code != http.StatusUnauthorized {
		t.Fatalf("a tampered body: %d, want 401", rec.Code)
	}
	stranger := forged.d
	stranger.path = "/webhooks/payments/not-enabled"
	if rec := h.send(stranger); rec.Code != http.StatusNotFound {
		t.Fatalf("a provider that is not enabled: %d, want 404", rec.Code)
	}

	srv := httptest.NewServer(h.handler) // 127.0.0.1: no token needed
	defer srv.Close()
	resp, err := http.Get(srv.URL + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	page, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/plain") {
		t.Fatalf("GET /metrics from loopback: %d %q\n%s", resp.StatusCode, resp.Header.Get("Content-Type"), page)
	}
	for _, want := range []string{
		`orderwire_events_total{channel="payment",outcome="applied",provider="standard"} 1`,
		`orderwire_events_total{channel="payment",outcome="duplicate",provider="standard"} 1`,
		`orderwire_events_total{channel="payment",outcome="unfiled",provider="standard"} 1`,
		`orderwire_events_total{channel="payment",outcome="rejected",provider="standard"} 1`,
		`orderwire_events_total{channel="carrier",outcome="unfiled",provider="aftership"} 1`,
		`orderwire_events_total{channel="carrier",outcome="rejected",provider="aftership"} 1`,
		`orderwire_events_total{channel="carrier",outcome="ignored",provider="easypost"} 1`,
	} {
		if !strings.Contains(string(page), want+"\n") {
			t.Errorf("GET /metrics lacks %s\n%s", want, grepLines(string(page), "orderwire_events_total"))
		}
	}
	if strings.Contains(string(page), "not-enabled") {
		t.Error("a delivery to a provider that is not enabled was counted")
	}
	if n := strings.Count(string(page), "\norderwire_events_total{"); n != 7 {
		t.Errorf("%d event series, want 7\n%s", n, grepLines(string(page), "orderwire_events_total"))
	}
}

// TestMetricsPageAccess: loopback clients read the page without a token; any other client
// needs a seller API token (the page is the seller's business volume).
func TestMetricsPageAccess(t *testing.T) {
	h := newMetricsHarness(t)
	for _, tc := range []struct {
		remote, auth string
		want         int
	}{
		{"127.0.0.1:40000", "", http.StatusOK},
		{"127.9.9.9:40000", "", http.StatusOK},
		{"[::1]:40000", "", http.StatusOK},
		{"[::ffff:127.0.0.1]:40000", "", http.StatusOK},
		{"192.0.2.7:40000", "", http.StatusUnauthorized},
		{"[2001:db8::7]:40000", "Bearer wrong", http.StatusUnauthorized},
		{"192.0.2.7:40000", "Bearer " + token, http.StatusOK},
		{"not-an-address", "", http.StatusUnauthorized},
	} {
		req := httptest.NewRequest("GET", "/metrics", nil)
		req.RemoteAddr = tc.remote
		if tc.auth != "" {
			req.Header.Set("Authorization", tc.auth)
		}
		rec := httptest.NewRecorder()
		h.handler.ServeHTTP(rec, req)
		if rec.Code != tc.want {
			t.Errorf("GET /metrics from %s (%q): %d, want %d", tc.remote, tc.auth, rec.Code, tc.want)
		}
	}
	// Without MetricsPage the route does not exist, from anywhere.
	f := newFixture(t)
	req := httptest.NewRequest("GET", "/metrics", nil)
	req.RemoteAddr = "127.0.0.1:40000"
	rec := httptest.NewRecorder()
	f.handler.ServeHTTP(rec, req)
	if rec.Code != http.StatusNotFound {
		t.Errorf("GET /metrics without MetricsPage: %d, want 404", rec.Code)
	}
}

// send posts d and returns the answer, whatever it is.
func (h *scenarioHarness) send(d delivery) *httptest.ResponseRecorder {
	req := httptest.NewRequest("POST", d.path, bytes.NewReader(d.body))
	req.Header = d.header.Clone()
	rec := httptest.NewRecorder()
	h.handler.ServeHTTP(rec, req)
	return rec
}

// grepLines returns the lines of page that start with prefix, for failure messages.
func grepLines(page, prefix string) string {
	var out []string
	for line := range strings.SplitSeq(page, "\n") {
		if strings.HasPrefix(line, prefix) {
			out = append(out, line)
		}
	}
	return strings.Join(out, "\n")
}
