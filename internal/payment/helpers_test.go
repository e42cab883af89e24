package payment

import (
	"crypto"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"encoding/pem"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/orderwire/orderwire/internal/order"
)

// testNow is the fixed clock of the tests: every signature is made for it.
var testNow = time.Date(2026, 3, 1, 10, 0, 0, 0, time.UTC)

// testKeys are two RSA 2048 keys, generated once per test binary: key 0 is the provider's
// signing key, key 1 a stranger's.
var testKeys = sync.OnceValue(func() [2]*rsa.PrivateKey {
	var keys [2]*rsa.PrivateKey
	for i := range keys {
		k, err := rsa.GenerateKey(rand.Reader, 2048)
		if err != nil {
			panic(err)
		}
		keys[i] = k
	}
	return keys
})

func signingKey() *rsa.PrivateKey  { return testKeys()[0] }
func strangerKey() *rsa.PrivateKey { return testKeys()[1] }

// publicKeyPEM encodes key's public half as a PUBLIC KEY block.
func publicKeyPEM(t testing.TB, key *rsa.PrivateKey) []byte {
	t.Helper()
	der, err := x509.MarshalPKIXPublicKey(&key.PublicKey)
	if err != nil {
		t.Fatal(err)
	}
	return pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: der})
}

// publicKeyBase64 is the bare base64 DER form the Antom and Alipay consoles show.
func publicKeyBase64(t testing.TB, key *rsa.PrivateKey) []byte {
	t.Helper()
	der, err := x509.MarshalPKIXPublicKey(&key.PublicKey)
	if err != nil {
		t.Fatal(err)
	}
	return []byte(base64.StdEncoding.EncodeToString(der))
}

// rsaSign signs content with SHA256withRSA (PKCS#1 v1.5) and returns standard base64.
func rsaSign(t testing.TB, key *rsa.PrivateKey, content string) string {
	t.Helper()
	sum := sha256.Sum256([]byte(content))
	sig, err := rsa.SignPKCS1v15(rand.Reader, key, crypto.SHA256, sum[:])
	if err != nil {
		t.Fatal(err)
	}
	return base64.StdEncoding.EncodeToString(sig)
}

// fixture reads testdata/<provider>/<name>.
func fixture(t testing.TB, provider, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", provider, name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// mustProvider builds cfg's providers and returns the named one.
func mustProvider(t testing.TB, cfg Config, name string) Provider {
	t.Helper()
	ps, err := Providers(cfg)
	if err != nil {
		t.Fatal(err)
	}
	p, ok := ps[name]
	if !ok {
		t.Fatalf("provider %q not enabled", name)
	}
	return p
}

// tamper returns a copy of b with one byte changed.
func tamper(b []byte) []byte {
	c := append([]byte(nil), b...)
	c[len(c)/2] ^= 0x01
	return c
}

// eventWant is what a fixture must normalise to.
type eventWant struct {
	file       string
	kind       order.EventKind
	typ        string
	eventID    string
	orderID    string
	amount     int64
	currency   string
	paymentRef string
	total      bool
	outcome    string
	occurredAt time.Time
	// The dispute facts, compared always (empty and zero for events that are no dispute).
	status    string
	reason    string
	respondBy time.Time
}

// check compares ev with w, field by field.
func (w eventWant) check(t *testing.T, source string, ev order.Event) {
	t.Helper()
	if ev.Source != source || ev.Kind != w.kind || ev.OrderID != w.orderID || ev.AmountMinor != w.amount ||
		ev.Currency != w.currency || ev.RefundIsTotal != w.total || ev.DisputeOutcome != w.outcome {
		t.Errorf("%s: got source=%s kind=%s order=%q amount=%d %s total=%v outcome=%q; want %s %s %q %d %s %v %q",
			w.file, ev.Source, ev.Kind, ev.OrderID, ev.AmountMinor, ev.Currency, ev.RefundIsTotal, ev.DisputeOutcome,
			source, w.kind, w.orderID, w.amount, w.currency, w.total, w.outcome)
	}
	if ev.DisputeStatus != w.status || ev.DisputeReason != w.reason || !ev.RespondBy.Equal(w.respondBy) {
		t.Errorf("%s: dispute status=%q reason=%q respond_by=%v; want %q %q %v", w.file, ev.DisputeStatus, ev.DisputeReason,
			ev.RespondBy, w.status, w.reason, w.respondBy)
	}
	if w.typ != "" && ev.Type != w.typ {
		t.Errorf("%s: type = %q, want %q", w.file, ev.Type, w.typ)
	}
	if w.eventID != "" && ev.EventID != w.eventID {
		t.Errorf("%s: event id = %q, want %q", w.file, ev.EventID, w.eventID)
	}
	if w.paymentRef != "" && ev.PaymentRef != w.paymentRef {
		t.Errorf("%s: payment ref = %q, want %q", w.file, ev.PaymentRef, w.paymentRef)
	}
	if !w.occurredAt.IsZero() && !ev.OccurredAt.Equal(w.occurredAt) {
		t.Errorf("%s: occurred at %v, want %v", w.file, ev.OccurredAt, w.occurredAt)
	}
	if ev.EventID == "" || !ev.ReceivedAt.IsZero() {
		t.Errorf("%s: event id %q, received at %v: want an id and a zero ReceivedAt", w.file, ev.EventID, ev.ReceivedAt)
	}
}
