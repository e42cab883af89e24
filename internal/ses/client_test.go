package ses

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/retry"

	"github.com/orderwire/orderwire/internal/message"
	"github.com/orderwire/orderwire/internal/testservice"
)

// These tests run the real SES v2 client against a small HTTP server that answers like SES
// (REST-JSON: X-Amzn-ErrorType header and a JSON body), to check that what the SDK decodes
// from real responses is classified as the unit tests assume. aws-ses-v2-local has no
// suppression-list API, so this is also where Suppressed meets real wire responses.

// sesServer answers GetSuppressedDestination and SendEmail; which answer depends on the
// address in the request.
func sesServer(t *testing.T) *httptest.Server {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !strings.HasPrefix(r.Header.Get("Authorization"), "AWS4-HMAC-SHA256 ") {
			sesFail(w, 403, "UnrecognizedClientException", "unsigned request")
			return
		}
		const suppressed = "/v2/email/suppression/addresses/"
		switch {
		case r.Method == http.MethodGet && strings.HasPrefix(r.URL.Path, suppressed):
			addr := strings.TrimPrefix(r.URL.Path, suppressed)
			switch addr {
			case "bounced@example.com":
				w.Header().Set("Content-Type", "application/json")
				fmt.Fprintf(w, `{"SuppressedDestination":{"EmailAddress":%q,"Reason":"BOUNCE","LastUpdateTime":1767225600}}`, addr)
			case "throttled@example.com":
				sesFail(w, 429, "TooManyRequestsException", "Too many requests for "+addr)
			case "broken@example.com":
				sesFail(w, 500, "InternalServiceErrorException", "internal error for "+addr)
			default:
				sesFail(w, 404, "NotFoundException", "Email address "+addr+" does not exist on your suppression list.")
			}
		case r.Method == http.MethodPost && r.URL.Path == "/v2/email/outbound-emails":
			var in struct {
				Destination struct{ ToAddresses []string }
			}
			body, _ := io.ReadAll(r.Body)
			if err := json.Unmarshal(body, &in); err != nil || len(in.Destination.ToAddresses) != 1 {
				sesFail(w, 400, "BadRequestException", "bad body")
				return
			}
			to := in.Destination.ToAddresses[0]
			switch to {
			case "unverified@example.com":
				sesFail(w, 400, "MessageRejected", "Email address is not verified. The following identities failed the check in region US-EAST-1: "+to)
			case "slow@example.com":
				sesFail(w, 503, "ServiceUnavailable", "try again")
			default:
				w.Header().Set("Content-Type", "application/json")
				_, _ = io.WriteString(w, `{"MessageId":"0100018c-test"}`) // a failed write fails the send the test checks
			}
		default:
			sesFail(w, 404, "UnknownOperationException", r.Method+" "+r.URL.Path)
		}
	}))
	t.Cleanup(srv.Close)
	return srv
}

func sesFail(w http.ResponseWriter, status int, code, msg string) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("X-Amzn-ErrorType", code)
	w.Header().Set("X-Amzn-RequestId", "req-"+code)
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(map[string]string{"message": msg}) // a failed write fails the send the test checks
}

// sdkSender returns a Sender whose real client talks to endpoint with SDK retries off, so
// each failure is seen as it is.
func sdkSender(endpoint string) *Sender {
	cfg := testservice.AWSConfig()
	cfg.Retryer = func() aws.Retryer { return retry.AddWithMaxAttempts(retry.NewStandard(), 1) }
	return New(NewClient(cfg, endpoint))
}

func TestSuppressedOverHTTP(t *testing.T) {
	s := sdkSender(sesServer(t).URL)
	ctx := context.Background()
	if got, err := s.Suppressed(ctx, "bounced@example.com"); err != nil || !got {
		t.Errorf("bounced: %v, %v; want true", got, err)
	}
	if got, err := s.Suppressed(ctx, "fine@example.com"); err != nil || got {
		t.Errorf("unknown address: %v, %v; want false, nil", got, err)
	}
	for _, addr := range []string{"throttled@example.com", "broken@example.com"} {
		_, err := s.Suppressed(ctx, addr)
		if err == nil || !message.IsTemporary(err) {
			t.Errorf("%s: err = %v, want temporary", addr, err)
			continue
		}
		if strings.Contains(err.Error(), "example.com") {
			t.Errorf("%s: error names the address: %v", addr, err)
		}
	}
}

func TestSendEmailOverHTTP(t *testing.T) {
	s := sdkSender(sesServer(t).URL)
	ctx := context.Background()
	m := testEmail()
	sent, err := s.SendEmail(ctx, m)
	if err != nil || sent.MessageID != "0100018c-test" {
		t.Fatalf("SendEmail = %+v, %v", sent, err)
	}

	m.To = "unverified@example.com"
	_, err = s.SendEmail(ctx, m)
	if err == nil || message.IsTemporary(err) || !strings.Contains(message.Reason(err), "MessageRejected (HTTP 400)") {
		t.Errorf("unverified: err = %v, want permanent MessageRejected", err)
	} else if strings.Contains(err.Error(), "unverified@") || !strings.Contains(err.Error(), "identities failed the check") {
		t.Errorf("unverified: want the message kept but the address redacted: %v", err)
	}

	m.To = "slow@example.com"
	if _, err = s.SendEmail(ctx, m); err == nil || !message.IsTemporary(err) {
		t.Errorf("503: err = %v, want temporary", err)
	}
}

// TestTransportErrorHidesAddress checks the path that would leak most easily: the
// suppression lookup puts the address in the URL, and transport errors quote the URL.
func TestTransportErrorHidesAddress(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	endpoint := "http://" + l.Addr().String()
	if err := l.Close(); err != nil { // nothing listens there now: connection refused
		t.Fatal(err)
	}

	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	s := sdkSender(endpoint)
	_, err = s.Suppressed(ctx, buyer)
	if err == nil || !message.IsTemporary(err) {
		t.Fatalf("err = %v, want temporary", err)
	}
	if message.Reason(err) != "connection failed" {
		t.Errorf("Reason = %q, want connection failed", message.Reason(err))
	}
	assertNoAddress(t, err)

	_, err = s.SendEmail(ctx, testEmail())
	if err == nil || !message.IsTemporary(err) {
		t.Fatalf("SendEmail: err = %v, want temporary", err)
	}
	assertNoAddress(t, err)
}
