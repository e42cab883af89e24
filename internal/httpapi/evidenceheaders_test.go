package httpapi_test

import (
	"context"
	"maps"
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/orderwire/orderwire/internal/payment"
	"github.com/orderwire/orderwire/internal/store"
	"github.com/orderwire/orderwire/internal/tracking"
)

// noise is what a delivery picks up on its way besides the provider's own headers: a proxy's
// forwarding headers with the client address, cookies, credentials, tracing. None of it may
// reach the evidence.
var noise = http.Header{
	"Cookie": {"session=abc123"}, "Authorization": {"Bearer leaked"}, "X-Api-Key": {"k"},
	"X-Forwarded-For": {"203.0.113.7, 10.0.0.2"}, "X-Real-Ip": {"203.0.113.7"}, "Forwarded": {"for=203.0.113.7"},
	"Cf-Connecting-Ip": {"203.0.113.7"}, "True-Client-Ip": {"203.0.113.7"}, "Via": {"1.1 proxy"},
	"X-Amzn-Trace-Id": {"Root=1-67891233-abcdef012345678912345678"}, "Accept-Encoding": {"gzip"},
	"X-Custom-Buyer": {"camille@example.com"},
}

// withNoise is d's headers plus noise and a User-Agent.
func withNoise(d delivery) delivery {
	h := d.header.Clone()
	maps.Copy(h, noise)
	h.Set("User-Agent", "Provider-Webhooks/1.0")
	d.header = h
	return d
}

// wantKept checks that ev holds exactly the provider's own headers of sent (the signed
// delivery before noise was added) and the User-Agent, names lower-cased.
func wantKept(t *testing.T, ev store.StoredEvidence, sent http.Header) {
	t.Helper()
	want := map[string]string{"user-agent": "Provider-Webhooks/1.0"}
	for name, values := range sent {
		want[strings.ToLower(name)] = strings.Join(values, ", ")
	}
	if !maps.Equal(ev.Headers, want) {
		t.Fatalf("evidence headers of %s %s\n got %v\nwant %v", ev.Source, ev.EventID, ev.Headers, want)
	}
}

// TestEvidenceKeepsSignedHeaders delivers, through the routes, one signed event of every
// payment provider and carrier sender with extra headers, and checks the stored evidence:
// the headers the provider signs with and Content-Type/User-Agent are kept, the rest dropped.
func TestEvidenceKeepsSignedHeaders(t *testing.T) {
	payments, err := payment.Providers(providerConfig(t))
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, s := range signers() {
		names = append(names, s.name)
		t.Run("payment/"+s.name, func(t *testing.T) {
			h := newProviderHarness(t)
			h.register(t, s, "AE-H1")
			d := s.sign(t, s.success(t, "AE-H1", "hdr", paidAt), signFirst, sentAt)
			h.wantAck(t, h.deliver(withNoise(d)), s)
			evs, err := h.store.Evidence(context.Background(), "AE-H1")
			if err != nil || len(evs) != 1 {
				t.Fatalf("evidence: %d (%v)", len(evs), err)
			}
			wantKept(t, evs[0], d.header)
		})
	}
	if got := slices.Sorted(maps.Keys(payments)); !slices.Equal(got, slices.Sorted(slices.Values(names))) {
		t.Fatalf("payment providers %v, signers %v: a provider has no header test", got, names)
	}

	carriers, err := tracking.Providers(carrierConfig())
	if err != nil {
		t.Fatal(err)
	}
	names = nil
	for _, s := range carrierSigners() {
		names = append(names, s.name)
		t.Run("carrier/"+s.name, func(t *testing.T) {
			h := newCarrierHarness(t, "")
			h.paidOrder(t, "AE-H2", postal)
			e := s.event("h2", postal.number, inTransit, inTransitAt)
			d := s.signed(t, e, signFirst, sentAt)
			h.wantAck(t, h.deliver(withNoise(d)), s)
			evs, err := h.store.Evidence(context.Background(), "AE-H2")
			if err != nil || len(evs) != 2 {
				t.Fatalf("evidence: %d (%v), want the payment's and the carrier's", len(evs), err)
			}
			// The payment's evidence is the Standard Webhooks delivery paidOrder sent, id msg_e2e_<order>.
			i := slices.IndexFunc(evs, func(ev store.StoredEvidence) bool { return ev.EventID != "msg_e2e_AE-H2" })
			wantKept(t, evs[i], d.header)
		})
	}
	if got := slices.Sorted(maps.Keys(carriers)); !slices.Equal(got, slices.Sorted(slices.Values(names))) {
		t.Fatalf("carrier senders %v, signers %v: a sender has no header test", got, names)
	}
}
