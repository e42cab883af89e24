package payment

import (
	"context"
	"crypto/rsa"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"path"
	"strings"
	"sync"
	"time"
)

// PayPal's CERT-URL comes from the request, so fetching it blindly would let anyone make
// orderwire send requests to any host (SSRF) and trust any key. Only these hosts are fetched,
// over https, on the default port, under /v1/notifications/certs/, without redirects.
var payPalCertHosts = map[string]bool{
	"api.paypal.com":           true,
	"api-m.paypal.com":         true,
	"api.sandbox.paypal.com":   true,
	"api-m.sandbox.paypal.com": true,
}

const (
	payPalCertPath     = "/v1/notifications/certs/"
	payPalCertMaxBytes = 64 << 10
	payPalCertTimeout  = 10 * time.Second
	payPalCertCacheMax = 32
)

// certSource returns the signing certificate for a CERT-URL: fetched once per URL over
// https from an allowed host, then cached (at most payPalCertCacheMax URLs, oldest evicted).
type certSource struct {
	client *http.Client
	hosts  map[string]bool // allowed host[:port]; tests swap in their httptest server

	mu    sync.Mutex
	certs map[string]*x509.Certificate
	order []string // insertion order, for eviction
}

func newCertSource(client *http.Client) *certSource {
	if client == nil {
		client = &http.Client{Timeout: payPalCertTimeout}
	}
	c := *client // never follow a redirect, whatever the caller's client does
	c.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	return &certSource{client: &c, hosts: payPalCertHosts, certs: map[string]*x509.Certificate{}}
}

// errCertURL is returned for a CERT-URL that may not be fetched; its text is caller-safe.
var errCertURL = errors.New("PAYPAL-CERT-URL is not an https URL under /v1/notifications/certs/ on a PayPal API host")

// checkCertURL reports whether raw may be fetched.
func (s *certSource) checkCertURL(raw string) error {
	u, err := url.Parse(raw)
	if err != nil || u.Scheme != "https" || u.Opaque != "" || u.User != nil ||
		u.RawQuery != "" || u.Fragment != "" || strings.ContainsAny(raw, "\\ \t\r\n@") {
		return errCertURL
	}
	if !s.hosts[u.Host] { // exact match: no other case, port, trailing dot or suffix trick
		return errCertURL
	}
	if !strings.HasPrefix(u.Path, payPalCertPath) || len(u.Path) == len(payPalCertPath) ||
		path.Clean(u.Path) != u.Path || strings.Contains(u.RawPath, "%") {
		return errCertURL
	}
	return nil
}

// get returns the cached or fetched certificate of raw.
func (s *certSource) get(ctx context.Context, raw string) (*x509.Certificate, error) {
	if err := s.checkCertURL(raw); err != nil {
		return nil, err
	}
	s.mu.Lock()
	cert, ok := s.certs[raw]
	s.mu.Unlock()
	if ok {
		return cert, nil
	}
	cert, err := s.fetch(ctx, raw)
	if err != nil {
		return nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.certs[raw]; !ok {
		if len(s.order) >= payPalCertCacheMax {
			delete(s.certs, s.order[0])
			s.order = s.order[1:]
		}
		s.certs[raw] = cert
		s.order = append(s.order, raw)
	}
	return cert, nil
}

// fetch downloads at most payPalCertMaxBytes within payPalCertTimeout and parses the first
// certificate, which must hold an RSA key.
func (s *certSource) fetch(ctx context.Context, raw string) (*x509.Certificate, error) {
	ctx, cancel := context.WithTimeout(ctx, payPalCertTimeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, raw, nil)
	if err != nil {
		return nil, err
	}
	resp, err := s.client.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("certificate fetch answered %d", resp.StatusCode)
	}
	body, err := io.ReadAll(io.LimitReader(resp.Body, payPalCertMaxBytes+1))
	if err != nil {
		return nil, err
	}
	if len(body) > payPalCertMaxBytes {
		return nil, fmt.Errorf("certificate is larger than %d bytes", payPalCertMaxBytes)
	}
	_, cert, err := parseRSAKeyOrCert(body)
	if err != nil {
		return nil, fmt.Errorf("certificate %w", err)
	}
	if cert == nil {
		return nil, errors.New("certificate URL did not serve a CERTIFICATE")
	}
	if _, ok := cert.PublicKey.(*rsa.PublicKey); !ok {
		return nil, errNotRSA
	}
	return cert, nil
}
