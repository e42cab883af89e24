package webhooksig

import (
	"crypto/hmac"
	"crypto/sha256"
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/orderwire/orderwire/internal/order"
)

// testNow is the fixed clock of the tests.
var testNow = time.Date(2026, 3, 1, 10, 0, 0, 0, time.UTC)

// wantError fails unless err is an unauthorized *order.Error of op whose message contains
// every one of parts.
func wantError(t testing.TB, err error, op string, parts ...string) {
	t.Helper()
	var e *order.Error
	if !errors.As(err, &e) {
		t.Fatalf("error %v is not an *order.Error", err)
	}
	if e.Code != order.CodeUnauthorized || e.Op != op || e.Message == "" {
		t.Fatalf("got code %s op %q message %q; want unauthorized, op %q and a message", e.Code, e.Op, e.Message, op)
	}
	for _, p := range parts {
		if !strings.Contains(e.Message, p) {
			t.Errorf("message %q does not contain %q", e.Message, p)
		}
	}
}

// wantOK fails on any error.
func wantOK(t testing.TB, err error) {
	t.Helper()
	if err != nil {
		t.Fatalf("unexpected error: %v", err)
	}
}

func TestHeader(t *testing.T) {
	canonical := http.Header{}
	canonical.Set("webhook-id", "  msg_1 ")
	handBuilt := http.Header{"webhook-id": {"msg_2"}, "X-Empty": {}} // API Gateway's lower-case keys
	for _, c := range []struct {
		h          http.Header
		name, want string
	}{
		{canonical, "webhook-id", "msg_1"},
		{canonical, "WEBHOOK-ID", "msg_1"},
		{handBuilt, "Webhook-Id", "msg_2"},
		{handBuilt, "webhook-id", "msg_2"},
		{handBuilt, "x-empty", ""},
		{handBuilt, "webhook-signature", ""},
		{nil, "webhook-id", ""},
	} {
		if got := Header(c.h, c.name); got != c.want {
			t.Errorf("Header(%v, %q) = %q, want %q", c.h, c.name, got, c.want)
		}
	}
}

func TestCheckTimestamp(t *testing.T) {
	const op, what = "test.Verify", "the stamp"
	for _, d := range []time.Duration{0, Tolerance, -Tolerance, 299 * time.Second, -299 * time.Second} {
		wantOK(t, CheckTimestamp(op, what, testNow.Add(d), testNow))
	}
	wantError(t, CheckTimestamp(op, what, testNow.Add(-Tolerance-time.Second), testNow), op,
		"the stamp is too old (more than 5m0s before now)")
	wantError(t, CheckTimestamp(op, what, testNow.Add(Tolerance+time.Second), testNow), op,
		"the stamp is too far in the future (more than 5m0s after now)")
	if Tolerance != 5*time.Minute {
		t.Fatalf("Tolerance = %v, want 5m", Tolerance)
	}
}

func TestUnixSeconds(t *testing.T) {
	for s, want := range map[string]int64{"0": 0, "1614265330": 1614265330, "000042": 42, "999999999999": 999999999999} {
		got, ok := UnixSeconds(s)
		if !ok || !got.Equal(time.Unix(want, 0)) {
			t.Errorf("UnixSeconds(%q) = %v, %v; want %d", s, got, ok, want)
		}
	}
	for _, s := range []string{"", "soon", "-1", "+1", " 1", "1 ", "1.5", "1e9", "1000000000000", "١٢٣"} {
		if got, ok := UnixSeconds(s); ok || !got.IsZero() {
			t.Errorf("UnixSeconds(%q) = %v, %v; want refused", s, got, ok)
		}
	}
}

func TestMACMatches(t *testing.T) {
	current, old, stranger := []byte("key-2026"), []byte("key-2025"), []byte("someone-else")
	good := hmacSHA256(current, "ts.body")
	for _, c := range []struct {
		name       string
		keys       [][]byte
		candidates [][]byte
		parts      [][]byte
		want       bool
	}{
		{"one key, one signature", [][]byte{current}, [][]byte{good}, [][]byte{[]byte("ts.body")}, true},
		{"parts are concatenated", [][]byte{current}, [][]byte{good}, [][]byte{[]byte("ts"), []byte("."), []byte("body")}, true},
		{"rotation: second key matches", [][]byte{old, current}, [][]byte{good}, [][]byte{[]byte("ts.body")}, true},
		{"several signatures: last matches", [][]byte{current}, [][]byte{hmacSHA256(old, "ts.body"), {1, 2}, good}, [][]byte{[]byte("ts.body")}, true},
		{"wrong key", [][]byte{stranger}, [][]byte{good}, [][]byte{[]byte("ts.body")}, false},
		{"other content", [][]byte{current}, [][]byte{good}, [][]byte{[]byte("ts.bodY")}, false},
		{"truncated signature", [][]byte{current}, [][]byte{good[:31]}, [][]byte{[]byte("ts.body")}, false},
		{"no keys", nil, [][]byte{good}, [][]byte{[]byte("ts.body")}, false},
		{"no candidates", [][]byte{current}, nil, [][]byte{[]byte("ts.body")}, false},
	} {
		if got := MACMatches(c.keys, c.candidates, c.parts...); got != c.want {
			t.Errorf("%s: MACMatches = %v, want %v", c.name, got, c.want)
		}
	}
}

func TestFailuresCarryOp(t *testing.T) {
	wantError(t, MissingHeader("a.Verify", "sign"), "a.Verify", "missing sign header")
	wantError(t, NoMatch("b.Verify"), "b.Verify", "no matching signature for any configured secret")
}

// hmacSHA256 is the bare HMAC-SHA256 of content, for signing test requests.
func hmacSHA256(key []byte, content string) []byte {
	m := hmac.New(sha256.New, key)
	m.Write([]byte(content))
	return m.Sum(nil)
}
