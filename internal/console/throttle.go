package console

import (
	"net"
	"net/http"
	"sync"
	"time"
)

// Sign-in failures are limited per client address: after maxFailures wrong tokens within
// failureWindow, that address is refused (429) until the window ends. The count lives in
// the process (on Lambda, per instance): it slows guessing, it is not a lockout store. A
// token is 32 random bytes, so the limit is defence in depth, not what keeps tokens safe.
const (
	maxFailures   = 10
	failureWindow = 15 * time.Minute
	// maxTracked bounds the table; when full, the expired entries go, then the oldest.
	maxTracked = 10_000
)

type failures struct {
	count int
	since time.Time
}

type throttle struct {
	mu sync.Mutex
	by map[string]failures
}

// clientOf is the request's client address without the port (API Gateway's source IP
// through internal/lambdahttp, else the peer).
func clientOf(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}

// blocked reports whether client has used up its failures at now.
func (t *throttle) blocked(client string, now time.Time) bool {
	t.mu.Lock()
	defer t.mu.Unlock()
	f, ok := t.by[client]
	return ok && now.Sub(f.since) < failureWindow && f.count >= maxFailures
}

// fail counts one failure of client at now.
func (t *throttle) fail(client string, now time.Time) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.by == nil {
		t.by = map[string]failures{}
	}
	f := t.by[client]
	if now.Sub(f.since) >= failureWindow {
		f = failures{since: now}
	}
	f.count++
	if _, tracked := t.by[client]; !tracked && len(t.by) >= maxTracked {
		t.evict(now)
	}
	t.by[client] = f
}

// evict drops the expired entries, and the oldest one if none has expired.
func (t *throttle) evict(now time.Time) {
	oldest, first := "", time.Time{}
	for k, f := range t.by {
		if now.Sub(f.since) >= failureWindow {
			delete(t.by, k)
			continue
		}
		if oldest == "" || f.since.Before(first) {
			oldest, first = k, f.since
		}
	}
	if len(t.by) >= maxTracked {
		delete(t.by, oldest)
	}
}
