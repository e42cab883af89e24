package loadgen

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"net/netip"
	"net/url"
	"time"
)

// Check accepts rawURL only when it is an http URL whose host is a loopback address or a
// name that resolves to loopback addresses only (at least one). It returns the URL without
// a trailing path, the base the webhook paths are appended to.
func Check(ctx context.Context, rawURL string) (string, error) {
	u, err := url.Parse(rawURL)
	if err != nil {
		return "", fmt.Errorf("loadgen: --url %q: %w", rawURL, err)
	}
	if u.Scheme != "http" || u.Host == "" || u.User != nil {
		return "", fmt.Errorf("loadgen: --url %q: want http://<loopback host>:<port>", rawURL)
	}
	host := u.Hostname()
	if ip, err := netip.ParseAddr(host); err == nil {
		if !ip.IsLoopback() {
			return "", fmt.Errorf("loadgen: --url %q: %s is not a loopback address; the load generator sends to this machine only", rawURL, ip)
		}
		return "http://" + u.Host, nil
	}
	ctx, cancel := context.WithTimeout(ctx, 2*time.Second)
	defer cancel()
	addrs, err := net.DefaultResolver.LookupNetIP(ctx, "ip", host)
	if err != nil || len(addrs) == 0 {
		return "", fmt.Errorf("loadgen: --url %q: %s does not resolve (%v); the load generator sends to loopback only", rawURL, host, err)
	}
	for _, a := range addrs {
		if !a.Unmap().IsLoopback() {
			return "", fmt.Errorf("loadgen: --url %q: %s resolves to %s, not a loopback address; the load generator sends to this machine only", rawURL, host, a)
		}
	}
	return "http://" + u.Host, nil
}

// loopbackClient is an HTTP client for clients concurrent keep-alive connections that
// connects to loopback addresses only (loopbackDialer) and follows no redirect.
func loopbackClient(clients int) *http.Client {
	return &http.Client{
		Timeout: 30 * time.Second,
		Transport: &http.Transport{DialContext: loopbackDialer.DialContext, MaxIdleConnsPerHost: clients, MaxConnsPerHost: clients,
			DisableCompression: true, Proxy: nil},
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
}
