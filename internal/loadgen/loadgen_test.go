package loadgen

import (
	"bytes"
	"context"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/orderwire/orderwire/internal/order"
	"github.com/orderwire/orderwire/internal/payment"
)

func TestCheckRefusesAnythingButLoopback(t *testing.T) {
	for _, u := range []string{"http://192.0.2.1:8080", "http://10.0.0.1", "http://[2001:db8::1]:80", "http://0.0.0.0:8080",
		"https://127.0.0.1:8080", "ftp://127.0.0.1", "http://user:pw@127.0.0.1:1", "127.0.0.1:8080", "http://", "http://no-such-host.invalid:80"} {
		if base, err := Check(context.Background(), u); err == nil {
			t.Errorf("Check(%q) accepted it as %q, want a refusal", u, base)
		}
	}
	for u, want := range map[string]string{"http://127.0.0.1:8080": "http://127.0.0.1:8080", "http://127.1.2.3:9/x": "http://127.1.2.3:9",
		"http://[::1]:8080/": "http://[::1]:8080"} {
		if base, err := Check(context.Background(), u); err != nil || base != want {
			t.Errorf("Check(%q) = %q, %v; want %q", u, base, err, want)
		}
	}
}

func TestRunRefusesNonLoopbackAndBadBounds(t *testing.T) {
	d := []Delivery{{Path: "/x", Header: http.Header{}}}
	ok := Bounds{Clients: 1, Deliveries: 1, Duration: time.Second}
	if _, err := Run(context.Background(), "http://192.0.2.1:80", d, ok); err == nil {
		t.Error("Run sent to 192.0.2.1")
	}
	for _, b := range []Bounds{{0, 1, time.Second}, {1, 0, time.Second}, {1, 1, 0}, {MaxClients + 1, 1, time.Second},
		{1, MaxDeliveries + 1, time.Second}, {1, 1, MaxDuration + time.Second}} {
		if _, err := Run(context.Background(), "http://127.0.0.1:1", d, b); err == nil {
			t.Errorf("Run accepted bounds %+v", b)
		}
	}
}

func TestLoopbackClientRefusesToDialElsewhere(t *testing.T) {
	_, err := loopbackClient(1).Get("http://192.0.2.1:9/")
	if err == nil || !strings.Contains(err.Error(), "not a loopback address") {
		t.Fatalf("dialling 192.0.2.1: %v, want the loopback refusal", err)
	}
	c := &conn{host: "192.0.2.1:9"}
	if _, err := c.do(context.Background(), Delivery{Path: "/", Header: http.Header{}}); err == nil || !strings.Contains(err.Error(), "not a loopback address") {
		t.Fatalf("a load client dialling 192.0.2.1: %v, want the loopback refusal", err)
	}
}

// counting is a loopback server answering 200 (or status) after delay, counting requests.
func counting(t *testing.T, delay time.Duration, status int) (*httptest.Server, *atomic.Int64) {
	var n atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		n.Add(1)
		time.Sleep(delay)
		w.WriteHeader(status)
	}))
	t.Cleanup(srv.Close)
	return srv, &n
}

func deliveries(n int) []Delivery {
	out := make([]Delivery, n)
	for i := range out {
		out[i] = Delivery{Path: "/webhooks/payments/standard", Header: http.Header{}, Body: []byte("{}")}
	}
	return out
}

func TestRunStopsAtItsDeliveryBound(t *testing.T) {
	srv, n := counting(t, 0, 200)
	r, err := Run(context.Background(), srv.URL, deliveries(500), Bounds{Clients: 8, Deliveries: 120, Duration: time.Minute})
	if err != nil {
		t.Fatal(err)
	}
	if n.Load() != 120 || r.Sent != 120 || r.ByStatus[200] != 120 || r.Non2xx != 0 || r.NoAnswer != 0 {
		t.Fatalf("server saw %d requests, result %+v; want exactly 120, all 200", n.Load(), r)
	}
	if r.P50 <= 0 || r.P99 < r.P50 {
		t.Errorf("percentiles p50 %v p99 %v", r.P50, r.P99)
	}
}

func TestRunStopsAtItsTimeBound(t *testing.T) {
	srv, n := counting(t, 20*time.Millisecond, 200)
	r, err := Run(context.Background(), srv.URL, deliveries(100000), Bounds{Clients: 2, Deliveries: 100000, Duration: 200 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	// Two clients, 20 ms an answer, 200 ms: about 20 sends; far fewer than the 100,000 allowed.
	if r.Sent == 0 || r.Sent > 100 || int64(r.Sent) != n.Load() {
		t.Fatalf("sent %d, server saw %d; want a run cut short by its 200 ms bound", r.Sent, n.Load())
	}
}

func TestRunCountsAnswersOtherThan2xx(t *testing.T) {
	srv, _ := counting(t, 0, http.StatusUnauthorized)
	r, err := Run(context.Background(), srv.URL, deliveries(10), Bounds{Clients: 3, Deliveries: 10, Duration: time.Minute})
	if err != nil {
		t.Fatal(err)
	}
	if r.Non2xx != 10 || r.ByStatus[401] != 10 {
		t.Fatalf("result %+v, want 10 answers of 401 counted", r)
	}
}

// TestPlanDeliveriesVerifyAndParse reads every planned delivery with orderwire's own
// providers, configured from Keys.Env as `orderwire serve` is: each verifies, names its
// order, and is a distinct event.
func TestPlanDeliveriesVerifyAndParse(t *testing.T) {
	k, err := NewKeys()
	if err != nil {
		t.Fatal(err)
	}
	env, err := k.Env()
	if err != nil {
		t.Fatal(err)
	}
	vars := map[string]string{}
	for _, kv := range env {
		name, value, _ := strings.Cut(kv, "=")
		vars[name] = value
	}
	cfg, err := payment.ConfigFrom(func(k string) string { return vars[k] }, os.ReadFile)
	if err != nil {
		t.Fatal(err)
	}
	providers, err := payment.Providers(cfg)
	if err != nil {
		t.Fatal(err)
	}
	plan, err := NewPlan(k, "LT-x", 6, 48, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]bool{}
	kinds := map[order.EventKind]int{}
	for i, d := range plan.Deliveries {
		name := strings.TrimPrefix(d.Path, "/webhooks/payments/")
		req := payment.Request{Method: "POST", Path: d.Path, Header: d.Header, Body: d.Body}
		if err := providers[name].Verify(context.Background(), req, time.Now()); err != nil {
			t.Fatalf("delivery %d (%s) does not verify: %v", i, name, err)
		}
		ev, err := providers[name].Parse(req)
		if err != nil {
			t.Fatalf("delivery %d (%s) does not parse: %v", i, name, err)
		}
		if want := plan.Orders[i%6].ID; ev.OrderID != want {
			t.Errorf("delivery %d names order %q, want %q", i, ev.OrderID, want)
		}
		if seen[name+ev.EventID] {
			t.Errorf("delivery %d repeats event %s", i, ev.EventID)
		}
		seen[name+ev.EventID] = true
		kinds[ev.Kind]++
	}
	if kinds[order.KindPaymentPending] != 24 || kinds[order.KindPaymentFailed] != 12 || kinds[order.KindPaymentSucceeded] != 12 {
		t.Errorf("kinds %v, want 24 pending, 12 failed, 12 succeeded", kinds)
	}
}

// TestPayloadsAreTheFixtures: each embedded payload is its provider fixture, unchanged.
func TestPayloadsAreTheFixtures(t *testing.T) {
	entries, err := payloads.ReadDir("payloads")
	if err != nil || len(entries) != 6 {
		t.Fatalf("payloads: %d files, %v", len(entries), err)
	}
	for _, e := range entries {
		provider, file, _ := strings.Cut(e.Name(), ".")
		orig, err := os.ReadFile(filepath.Join("..", "payment", "testdata", provider, file))
		if err != nil {
			t.Fatal(err)
		}
		copied, _ := payloads.ReadFile("payloads/" + e.Name())
		if !bytes.Equal(orig, copied) {
			t.Errorf("payloads/%s differs from internal/payment/testdata/%s/%s", e.Name(), provider, file)
		}
	}
}
