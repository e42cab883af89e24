package httpapi

import (
	"net"
	"net/http"
	"net/netip"

	"github.com/orderwire/orderwire/internal/metrics"
	"github.com/orderwire/orderwire/internal/store"
)

// EventMetrics counts webhook deliveries (metrics.Recorder satisfies it: internal/emf on
// Lambda, internal/prommetrics locally).
type EventMetrics interface {
	EventRecorded(channel, provider, outcome string)
}

// countEvent counts one delivery to the enabled route of provider on channel.
func (a *api) countEvent(channel, provider, outcome string) {
	if a.metrics != nil {
		a.metrics.EventRecorded(channel, provider, outcome)
	}
}

// eventOutcome is the metrics outcome of a verified delivery the store was asked to record:
// failed when it could not, else what it did (store.Recorded).
func eventOutcome(res store.Recorded, err error) string {
	switch {
	case err != nil:
		return metrics.OutcomeFailed
	case res.Duplicate:
		return metrics.OutcomeDuplicate
	case res.Parked:
		return metrics.OutcomeUnfiled
	case res.Outcome.Applied:
		return metrics.OutcomeApplied
	default:
		return metrics.OutcomeRecorded
	}
}

// metricsPage serves GET /metrics. The page holds counts only (webhook deliveries by
// provider and outcome, messages by kind and status, sweep results, the Go runtime's and
// the process's own figures): no buyer data, no order or event id. It is still the
// seller's business volume, so a client connected from a loopback address (a Prometheus or
// an agent on the same host, the default --addr 127.0.0.1:8080) reads it without a token,
// and any other client needs a seller API bearer token, as the /v1 routes do. A reverse
// proxy on the same host makes every client look local: protect the path there, or do not
// forward it.
func (a *api) metricsPage(page http.Handler) http.Handler {
	withToken := a.authenticated(page.ServeHTTP)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if fromLoopback(r.RemoteAddr) {
			page.ServeHTTP(w, r)
			return
		}
		withToken.ServeHTTP(w, r)
	})
}

// fromLoopback reports whether remoteAddr (http.Request.RemoteAddr, "host:port") is a
// loopback address: 127.0.0.0/8, ::1, or an IPv4 loopback address mapped into IPv6.
func fromLoopback(remoteAddr string) bool {
	host, _, err := net.SplitHostPort(remoteAddr)
	if err != nil {
		return false
	}
	ip, err := netip.ParseAddr(host)
	return err == nil && ip.Unmap().IsLoopback()
}
