package webhooksig

import (
	"encoding/base64"
	"errors"
	"maps"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/orderwire/orderwire/internal/order"
)

// The official vector of standard-webhooks/standard-webhooks libraries/go/webhook_test.go
// (TestWebhookSign), as /work/shared/PROVIDERS.md records it.
const (
	vectorSecret    = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
	vectorID        = "msg_p5jXN8AQM9LWM0D4loKWxJek"
	vectorTimestamp = "1614265330"
	vectorBody      = `{"test": 2432232314}`
	vectorSignature = "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="

	otherSecret = "whsec_c2Vjb25kLXN0YW5kYXJkLXdlYmhvb2tzLWtleQ=="
	op          = "test.standard.Verify"
)

// mustStandard builds a verifier from secrets that must all be good.
func mustStandard(t testing.TB, secrets ...string) *Standard {
	t.Helper()
	var fe order.FieldErrors
	s := NewStandard("ORDERWIRE_STANDARD_WEBHOOK_SECRETS", secrets, &fe)
	if s == nil || len(fe) != 0 {
		t.Fatalf("NewStandard: %v", fe)
	}
	return s
}

// v1 is the "v1,<base64>" entry of a Standard Webhooks sender (computed independently of
// Verify, with the bare HMAC over id.ts.body).
func v1(t testing.TB, secret, id string, ts time.Time, body string) string {
	t.Helper()
	key, err := base64.StdEncoding.DecodeString(strings.TrimPrefix(secret, "whsec_"))
	if err != nil {
		t.Fatal(err)
	}
	content := id + "." + strconv.FormatInt(ts.Unix(), 10) + "." + body
	return "v1," + base64.StdEncoding.EncodeToString(hmacSHA256(key, content))
}

func TestStandardOfficialVector(t *testing.T) {
	s := mustStandard(t, vectorSecret)
	h := http.Header{
		"Webhook-Id":        {vectorID},
		"Webhook-Timestamp": {vectorTimestamp},
		"Webhook-Signature": {vectorSignature},
	}
	signedAt := time.Unix(1614265330, 0)
	if got := v1(t, vectorSecret, vectorID, signedAt, vectorBody); got != vectorSignature {
		t.Fatalf("the test's signer gives %s, want %s", got, vectorSignature)
	}
	wantOK(t, s.Verify(op, h, []byte(vectorBody), signedAt))
	wantOK(t, s.Verify(op, h, []byte(vectorBody), signedAt.Add(300*time.Second)))
	wantError(t, s.Verify(op, h, []byte(vectorBody), signedAt.Add(301*time.Second)), op, "webhook-timestamp is too old")
	wantError(t, s.Verify(op, h, []byte(vectorBody), signedAt.Add(-301*time.Second)), op, "webhook-timestamp is too far in the future")
	lower := http.Header{"webhook-id": {vectorID}, "webhook-timestamp": {vectorTimestamp}, "webhook-signature": {vectorSignature}}
	wantOK(t, s.Verify(op, lower, []byte(vectorBody), signedAt)) // API Gateway's lower-case map
}

func TestStandardVerify(t *testing.T) {
	const body, id = `{"type":"shipment.updated"}`, "msg_2Zx9Y"
	s := mustStandard(t, vectorSecret)
	rotated := mustStandard(t, otherSecret, vectorSecret)
	sig := v1(t, vectorSecret, id, testNow, body)
	signed := func(sigHeader string, ts time.Time) http.Header {
		return http.Header{"Webhook-Id": {id}, "Webhook-Timestamp": {strconv.FormatInt(ts.Unix(), 10)}, "Webhook-Signature": {sigHeader}}
	}
	valid := signed(sig, testNow)
	without := func(name string) http.Header { h := valid.Clone(); h.Del(name); return h }
	withTimestamp := func(v string) http.Header { h := valid.Clone(); h.Set(HeaderTimestamp, v); return h }
	cases := []struct {
		name string
		s    *Standard
		h    http.Header
		body string
		now  time.Time
		want string // "" verifies; else a part of the message
	}{
		{"valid", s, valid, body, testNow, ""},
		{"valid 299 s later", s, valid, body, testNow.Add(299 * time.Second), ""},
		{"rotated: second of two secrets matches", rotated, valid, body, testNow, ""},
		{"several signatures, other versions ignored", s,
			signed("v1a,AAAA v2,"+sig[3:]+" v1,Ceo5qEr07ixe2NLpvHk3FH9bwy/WavXrAFQ/9tdO6mc= v1,!!! "+sig, testNow), body, testNow, ""},
		{"tampered body", s, valid, body + " ", testNow, "no matching signature for any configured secret"},
		{"wrong secret", s, signed(v1(t, otherSecret, id, testNow, body), testNow), body, testNow, "no matching signature"},
		{"signature for another id", s, signed(v1(t, vectorSecret, "msg_other", testNow, body), testNow), body, testNow, "no matching signature"},
		{"stale timestamp", s, signed(v1(t, vectorSecret, id, testNow.Add(-301*time.Second), body), testNow.Add(-301*time.Second)), body, testNow, "webhook-timestamp is too old"},
		{"far-future timestamp", s, signed(v1(t, vectorSecret, id, testNow.Add(301*time.Second), body), testNow.Add(301*time.Second)), body, testNow, "too far in the future"},
		{"missing webhook-id", s, without(HeaderID), body, testNow, "missing webhook-id header"},
		{"missing webhook-timestamp", s, without(HeaderTimestamp), body, testNow, "missing webhook-timestamp header"},
		{"missing webhook-signature", s, without(HeaderSignature), body, testNow, "missing webhook-signature header"},
		{"only other versions", s, signed("v2,"+sig[3:]+" v1a,"+sig[3:], testNow), body, testNow, "webhook-signature has no v1 signature"},
		{"v1 entry not base64", s, signed("v1,not-base64!", testNow), body, testNow, "no v1 signature"},
		{"timestamp not a number", s, withTimestamp("soon"), body, testNow, "webhook-timestamp is not a unix time in seconds"},
		{"timestamp negative", s, withTimestamp("-1614265330"), body, testNow, "not a unix time"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			err := c.s.Verify(op, c.h, []byte(c.body), c.now)
			if c.want == "" {
				wantOK(t, err)
				return
			}
			wantError(t, err, op, c.want)
		})
	}
}

func TestNewStandard(t *testing.T) {
	unpadded := strings.TrimRight(otherSecret, "=")
	s := mustStandard(t, vectorSecret, otherSecret, unpadded)
	if len(s.keys) != 3 || string(s.keys[1]) != string(s.keys[2]) || string(s.keys[1]) != "second-standard-webhooks-key" {
		t.Fatalf("keys = %q; want the decoded part after whsec_, padded or not", s.keys)
	}

	const secretish = "c2VjcmV0LXZhbHVlLW5ldmVyLWVjaG9lZA"
	var fe order.FieldErrors
	got := NewStandard("ORDERWIRE_STANDARD_WEBHOOK_SECRETS", []string{vectorSecret, secretish, "whsec_!!!" + secretish, "whsec_"}, &fe)
	if got != nil {
		t.Fatal("a bad entry must disable the verifier")
	}
	want := map[string]string{
		"ORDERWIRE_STANDARD_WEBHOOK_SECRETS[1]": "must start with whsec_",
		"ORDERWIRE_STANDARD_WEBHOOK_SECRETS[2]": "is not whsec_ followed by base64",
		"ORDERWIRE_STANDARD_WEBHOOK_SECRETS[3]": "is not whsec_ followed by base64",
	}
	if !maps.Equal(map[string]string(fe), want) {
		t.Fatalf("field errors = %v, want %v", fe, want)
	}
	err := fe.Err("test.Providers")
	var e *order.Error
	if !errors.As(err, &e) || e.Code != order.CodeInvalid {
		t.Fatalf("err = %v, want an invalid *order.Error", err)
	}
	if strings.Contains(e.Error(), secretish) || strings.Contains(strings.Join(slices.Collect(maps.Values(e.Fields)), " "), secretish) {
		t.Fatalf("error echoes a secret: %v", e)
	}
}
