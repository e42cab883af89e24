package payment

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/orderwire/orderwire/internal/order"
	"github.com/orderwire/orderwire/internal/order/ordertest"
)

func TestPayPalCertURLAllowList(t *testing.T) {
	s := newCertSource(nil)
	const path = "/v1/notifications/certs/CERT-360caa42-fca2a594-a5cafa77"
	allowed := []string{
		"https://api.paypal.com" + path,
		"https://api-m.paypal.com" + path,
		"https://api.sandbox.paypal.com" + path,
		"https://api-m.sandbox.paypal.com" + path,
	}
	for _, u := range allowed {
		if err := s.checkCertURL(u); err != nil {
			t.Errorf("%s refused: %v", u, err)
		}
	}
	refused := []string{
		"http://api.paypal.com" + path,                   // not https
		"https://api.paypal.com.evil.com" + path,         // suffix trick
		"https://evilapi.paypal.com" + path,              // other host
		"https://paypal.com" + path,                      // not an API host
		"https://www.paypal.com" + path,                  // not an API host
		"https://api.paypal.com@evil.com" + path,         // userinfo trick: host is evil.com
		"https://evil.com@api.paypal.com" + path,         // userinfo present
		"https://user:pw@api.paypal.com" + path,          // userinfo present
		"https://api.paypal.com\\@evil.com" + path,       // backslash trick
		"https://127.0.0.1" + path,                       // loopback
		"https://169.254.169.254" + path,                 // instance metadata
		"https://[::1]" + path,                           // IPv6 loopback
		"https://10.0.0.1" + path,                        // private address
		"https://api.paypal.com:8443" + path,             // other port
		"https://api.paypal.com:443" + path,              // explicit port
		"https://api.paypal.com." + path,                 // trailing dot
		"https://API.PAYPAL.COM" + path,                  // not the exact spelling
		"https://api.paypal.com/v1/notifications/certs/", // no certificate name
		"https://api.paypal.com/v1/oauth2/token",         // other path
		"https://api.paypal.com/v1/notifications/certs/../../oauth2/token",
		"https://api.paypal.com/v1/notifications/certs/%2e%2e/%2e%2e/oauth2/token",
		"https://api.paypal.com" + path + "?redirect=https://evil.com",
		"https://api.paypal.com" + path + "#frag",
		"//api.paypal.com" + path, // no scheme
		"https:api.paypal.com" + path,
		"ftp://api.paypal.com" + path,
		"",
	}
	for _, u := range refused {
		if err := s.checkCertURL(u); err == nil {
			t.Errorf("%s allowed", u)
		}
	}
}

// TestPayPalVerifyRefusesCertURL: a refused CERT-URL is a 401 and no fetch happens.
func TestPayPalVerifyRefusesCertURL(t *testing.T) {
	var hits atomic.Int32
	srv := httptest.NewTLSServer(http.HandlerFunc(func(http.ResponseWriter, *http.Request) { hits.Add(1) }))
	defer srv.Close()
	p := mustProvider(t, Config{PayPalWebhookID: payPalWebhookID, HTTPClient: srv.Client()}, NamePayPal)
	body := fixture(t, "paypal", "PAYMENT.CAPTURE.COMPLETED.json")
	for _, u := range []string{
		srv.URL + "/v1/notifications/certs/CERT-1", // the test server is not an allowed host here
		"http://api.paypal.com/v1/notifications/certs/CERT-1",
		"https://127.0.0.1/v1/notifications/certs/CERT-1",
	} {
		err := p.Verify(context.Background(), payPalRequest(t, signingKey(), payPalWebhookID, testNow, u, body), testNow)
		ordertest.WantCode(t, err, order.CodeUnauthorized)
	}
	r := payPalRequest(t, signingKey(), payPalWebhookID, testNow, "", body)
	ordertest.WantCode(t, p.Verify(context.Background(), r, testNow), order.CodeUnauthorized) // no CERT-URL, nothing pinned
	if hits.Load() != 0 {
		t.Fatalf("%d fetches, want none", hits.Load())
	}
}

// certServer serves cert at every /v1/notifications/certs/ path and counts the fetches.
func certServer(t *testing.T, cert []byte) (*httptest.Server, *atomic.Int32) {
	t.Helper()
	var hits atomic.Int32
	mux := http.NewServeMux()
	mux.HandleFunc("/v1/notifications/certs/", func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		switch {
		case strings.HasSuffix(r.URL.Path, "/HUGE"):
			_, _ = w.Write([]byte(strings.Repeat("A", payPalCertMaxBytes+1))) // the client hangs up part way
		case strings.HasSuffix(r.URL.Path, "/MISSING"):
			http.NotFound(w, r)
		case strings.HasSuffix(r.URL.Path, "/REDIRECT"):
			http.Redirect(w, r, "https://169.254.169.254/latest/meta-data/", http.StatusFound)
		default:
			w.Header().Set("Content-Type", "application/x-pem-file")
			_, _ = w.Write(cert) // a failed write fails the client's fetch, which the test sees
		}
	})
	srv := httptest.NewTLSServer(mux)
	t.Cleanup(srv.Close)
	return srv, &hits
}

// testPayPal builds the provider with the test server as its only allowed certificate host.
func testPayPal(t *testing.T, srv *httptest.Server) *payPal {
	t.Helper()
	p := mustProvider(t, Config{PayPalWebhookID: payPalWebhookID, HTTPClient: srv.Client()}, NamePayPal).(*payPal)
	p.certs.hosts = map[string]bool{srv.Listener.Addr().String(): true}
	return p
}

func TestPayPalFetchesAndCachesCert(t *testing.T) {
	srv, hits := certServer(t, validCertPEM(t, signingKey()))
	p := testPayPal(t, srv)
	certURL := srv.URL + "/v1/notifications/certs/CERT-360caa42-fca2a594-a5cafa77"
	for _, name := range []string{"PAYMENT.CAPTURE.COMPLETED.json", "PAYMENT.CAPTURE.REFUNDED.json"} {
		r := payPalRequest(t, signingKey(), payPalWebhookID, testNow, certURL, fixture(t, "paypal", name))
		ordertest.WantCode(t, p.Verify(context.Background(), r, testNow), "")
	}
	if n := hits.Load(); n != 1 {
		t.Fatalf("%d fetches for two verifications, want 1 (cached)", n)
	}
	// A signature by another key fails even though the certificate is cached.
	r := payPalRequest(t, strangerKey(), payPalWebhookID, testNow, certURL, fixture(t, "paypal", "PAYMENT.CAPTURE.COMPLETED.json"))
	ordertest.WantCode(t, p.Verify(context.Background(), r, testNow), order.CodeUnauthorized)
}

func TestPayPalFetchFailures(t *testing.T) {
	srv, _ := certServer(t, validCertPEM(t, signingKey()))
	p := testPayPal(t, srv)
	body := fixture(t, "paypal", "PAYMENT.CAPTURE.COMPLETED.json")
	for _, name := range []string{"HUGE", "MISSING", "REDIRECT"} {
		r := payPalRequest(t, signingKey(), payPalWebhookID, testNow, srv.URL+"/v1/notifications/certs/"+name, body)
		err := p.Verify(context.Background(), r, testNow)
		ordertest.WantCode(t, err, order.CodeUnauthorized)
		if strings.Contains(err.(*order.Error).Message, "169.254") {
			t.Fatalf("%s: message leaks the redirect target: %v", name, err)
		}
	}
	if len(p.certs.certs) != 0 {
		t.Fatalf("failures were cached: %d", len(p.certs.certs))
	}
	// An expired fetched certificate is refused.
	expiredSrv, _ := certServer(t, selfSignedPEM(t, signingKey(), testNow.Add(-48*time.Hour), testNow.Add(-time.Hour)))
	q := testPayPal(t, expiredSrv)
	r := payPalRequest(t, signingKey(), payPalWebhookID, testNow, expiredSrv.URL+"/v1/notifications/certs/CERT-1", body)
	ordertest.WantCode(t, q.Verify(context.Background(), r, testNow), order.CodeUnauthorized)
}

func TestPayPalCertCacheIsBounded(t *testing.T) {
	srv, hits := certServer(t, validCertPEM(t, signingKey()))
	p := testPayPal(t, srv)
	for i := range payPalCertCacheMax + 8 {
		u := srv.URL + "/v1/notifications/certs/CERT-" + strconv.Itoa(i)
		if _, err := p.certs.get(context.Background(), u); err != nil {
			t.Fatal(err)
		}
	}
	if n := len(p.certs.certs); n != payPalCertCacheMax || len(p.certs.order) != payPalCertCacheMax {
		t.Fatalf("cache holds %d (%d in order), want %d", n, len(p.certs.order), payPalCertCacheMax)
	}
	// The newest is still cached, the oldest was evicted.
	before := hits.Load()
	for _, id := range []int{payPalCertCacheMax + 7, 0} {
		if _, err := p.certs.get(context.Background(), srv.URL+"/v1/notifications/certs/CERT-"+strconv.Itoa(id)); err != nil {
			t.Fatal(err)
		}
	}
	if got := hits.Load() - before; got != 1 {
		t.Fatalf("%d fetches, want 1 (only the evicted one)", got)
	}
}
