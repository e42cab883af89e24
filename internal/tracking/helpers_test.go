package tracking

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/orderwire/orderwire/internal/order"
	"golang.org/x/text/unicode/norm"
)

// testNow is the fixed clock of the tests: every timestamped signature is made for it.
var testNow = time.Date(2026, 3, 1, 10, 0, 0, 0, time.UTC)

// The secrets of the tests: the first of each pair is the sender's, the second a rotated-out
// or stranger's one.
const (
	afterShipSecret      = "aftership-webhook-secret-2026"
	afterShipOldSecret   = "aftership-webhook-secret-2025"
	seventeenKey         = "9F3A1C7E5B2D4F6081A3C5E7092B4D6F"
	seventeenOldKey      = "0A1B2C3D4E5F60718293A4B5C6D7E8F9"
	easyPostSecret       = "sécret-ﬁle-key" // precomposed é and the fi ligature: NFKD changes both
	easyPostOtherSecret  = "another-easypost-secret"
	standardSecret       = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw" // the official vector's key
	standardOtherSecret  = "whsec_c2Vjb25kLXN0YW5kYXJkLXdlYmhvb2tzLWtleQ=="
	providersDotMDBody   = `{"id":"WH-TEST","event_type":"PAYMENT.CAPTURE.COMPLETED"}`
	standardOfficialBody = `{"test": 2432232314}`
)

// afterShipRequest signs body as AfterShip does: base64 HMAC-SHA256 of the body.
func afterShipRequest(body []byte, secret string) Request {
	mac := hmac.New(sha256.New, []byte(secret))
	mac.Write(body)
	h := http.Header{}
	h.Set("aftership-hmac-sha256", base64.StdEncoding.EncodeToString(mac.Sum(nil)))
	return Request{Method: http.MethodPost, Path: "/webhooks/carriers/aftership", Header: h, Body: body}
}

// seventeenRequest signs body as 17TRACK does: hex SHA-256 of "<body>/<key>".
func seventeenRequest(body []byte, key string) Request {
	sum := sha256.Sum256(append(append(append([]byte(nil), body...), '/'), key...))
	h := http.Header{}
	h.Set("sign", hex.EncodeToString(sum[:]))
	return Request{Method: http.MethodPost, Path: "/webhooks/carriers/17track", Header: h, Body: body}
}

// easyPostRequest signs body as easypost-go's ValidateWebhook expects it.
func easyPostRequest(body []byte, secret string) Request {
	mac := hmac.New(sha256.New, []byte(norm.NFKD.String(secret)))
	mac.Write(body)
	h := http.Header{}
	h.Set("X-Hmac-Signature", "hmac-sha256-hex="+hex.EncodeToString(mac.Sum(nil)))
	return Request{Method: http.MethodPost, Path: "/webhooks/carriers/easypost", Header: h, Body: body}
}

// standardRequest signs body as a Standard Webhooks sender does (independently of Verify).
func standardRequest(body []byte, secret, id string, ts time.Time) Request {
	key, _ := base64.StdEncoding.DecodeString(secret[len("whsec_"):])
	mac := hmac.New(sha256.New, key)
	stamp := strconv.FormatInt(ts.Unix(), 10)
	mac.Write([]byte(id + "." + stamp + "."))
	mac.Write(body)
	h := http.Header{}
	h.Set("webhook-id", id)
	h.Set("webhook-timestamp", stamp)
	h.Set("webhook-signature", "v1,"+base64.StdEncoding.EncodeToString(mac.Sum(nil)))
	return Request{Method: http.MethodPost, Path: "/webhooks/carriers/standard", Header: h, Body: body}
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

// edit decodes a JSON body, sets each dotted path ("msg.tag") to its value (nil deletes the
// key) and encodes it again.
func edit(t testing.TB, body []byte, set map[string]any) []byte {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal(body, &m); err != nil {
		t.Fatal(err)
	}
	for path, v := range set {
		keys := strings.Split(path, ".")
		node := m
		for _, k := range keys[:len(keys)-1] {
			next, ok := node[k].(map[string]any)
			if !ok {
				t.Fatalf("edit: %s: %q is not an object", path, k)
			}
			node = next
		}
		if v == nil {
			delete(node, keys[len(keys)-1])
		} else {
			node[keys[len(keys)-1]] = v
		}
	}
	out, err := json.Marshal(m)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// eventWant is what a fixture must normalise to; zero fields are not checked except Status,
// EventID presence and the shared invariants.
type eventWant struct {
	file        string
	typ         string
	eventID     string
	number      string
	carrier     string
	status      order.ShipmentStatus
	provider    string // ProviderStatus
	sub         string
	occurredAt  time.Time
	checkpoints int
	first, last order.Checkpoint // compared when checkpoints > 0
}

// check compares ev with w and the invariants every event keeps.
func (w eventWant) check(t *testing.T, source string, ev order.TrackingEvent) {
	t.Helper()
	if ev.Source != source || ev.Status != w.status || ev.EventID == "" || !ev.ReceivedAt.IsZero() {
		t.Errorf("%s: source=%s status=%q id=%q received=%v; want %s %q, an id and no ReceivedAt",
			w.file, ev.Source, ev.Status, ev.EventID, ev.ReceivedAt, source, w.status)
	}
	for _, c := range []struct{ name, got, want string }{
		{"type", ev.Type, w.typ}, {"event id", ev.EventID, w.eventID}, {"tracking number", ev.TrackingNumber, w.number},
		{"carrier", ev.Carrier, w.carrier}, {"provider status", ev.ProviderStatus, w.provider}, {"sub-status", ev.SubStatus, w.sub},
	} {
		if c.want != "" && c.got != c.want {
			t.Errorf("%s: %s = %q, want %q", w.file, c.name, c.got, c.want)
		}
	}
	if !w.occurredAt.IsZero() && (!ev.OccurredAt.Equal(w.occurredAt) || ev.OccurredAt.Location() != time.UTC) {
		t.Errorf("%s: occurred at %v, want %v in UTC", w.file, ev.OccurredAt, w.occurredAt)
	}
	if w.checkpoints != 0 {
		if len(ev.Checkpoints) != w.checkpoints {
			t.Fatalf("%s: %d checkpoints, want %d", w.file, len(ev.Checkpoints), w.checkpoints)
		}
		if first := ev.Checkpoints[0]; !sameCheckpoint(first, w.first) {
			t.Errorf("%s: first checkpoint %+v, want %+v", w.file, first, w.first)
		}
		if last := ev.Checkpoints[len(ev.Checkpoints)-1]; !sameCheckpoint(last, w.last) {
			t.Errorf("%s: last checkpoint %+v, want %+v", w.file, last, w.last)
		}
	}
	checkInvariants(t, ev)
}

func sameCheckpoint(a, b order.Checkpoint) bool {
	return a.At.Equal(b.At) && a.Location == b.Location && a.Message == b.Message && a.Status == b.Status
}

// checkInvariants holds for every event any provider returns.
func checkInvariants(t testing.TB, ev order.TrackingEvent) {
	t.Helper()
	switch {
	case ev.Status != "" && !ev.Status.Valid():
		t.Fatalf("unknown status %q", ev.Status)
	case ev.TrackingNumber != order.NormalizeTrackingNumber(ev.TrackingNumber):
		t.Fatalf("tracking number %q is not normalised", ev.TrackingNumber)
	case ev.Carrier != strings.ToLower(ev.Carrier):
		t.Fatalf("carrier %q is not lower case", ev.Carrier)
	case !ev.OccurredAt.IsZero() && ev.OccurredAt.Location() != time.UTC:
		t.Fatalf("occurred at %v is not UTC", ev.OccurredAt)
	}
	for i, c := range ev.Checkpoints {
		if !c.At.IsZero() && c.At.Location() != time.UTC {
			t.Fatalf("checkpoint %d at %v is not UTC", i, c.At)
		}
		if i > 0 && c.At.Before(ev.Checkpoints[i-1].At) {
			t.Fatalf("checkpoints not sorted at %d: %v before %v", i, c.At, ev.Checkpoints[i-1].At)
		}
		if c.At.After(ev.OccurredAt) {
			t.Fatalf("checkpoint %d at %v is after OccurredAt %v", i, c.At, ev.OccurredAt)
		}
	}
}
