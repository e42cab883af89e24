package awsfail_test

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"os"
	"regexp"
	"strings"
	"testing"

	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/smithy-go"
	smithyhttp "github.com/aws/smithy-go/transport/http"

	"github.com/orderwire/orderwire/internal/awsfail"
	"github.com/orderwire/orderwire/internal/message"
)

// buyer stands for the protected data (an address, a phone number) a service's redaction
// removes; the test classifier's Redact replaces anything shaped like it.
const buyer = "buyer-4711"

var buyerLike = regexp.MustCompile(`buyer-\d+`)

// classifier has a code table of its own: the services' tables are tested in their packages.
var classifier = awsfail.Classifier{
	Temporary: map[string]bool{"SlowDown": true, "Both": true},
	Permanent: map[string]bool{"Rejected": true, "Both": true},
	Redact:    func(s string) string { return buyerLike.ReplaceAllString(s, "[buyer]") },
}

// sdkError builds an error shaped like the ones an SDK client returns: an operation error
// around an HTTP response error around the API error.
func sdkError(status int, apiErr error) error {
	resp := &smithyhttp.Response{Response: &http.Response{StatusCode: status}}
	re := &awshttp.ResponseError{ResponseError: &smithyhttp.ResponseError{Response: resp, Err: apiErr}, RequestID: "req-1"}
	return &smithy.OperationError{ServiceID: "Test", OperationName: "Send", Err: re}
}

func apiErr(code string) error {
	return &smithy.GenericAPIError{Code: code, Message: "refused for " + buyer, Fault: smithy.FaultClient}
}

// urlErr is a transport failure as net/http reports it: the URL names the buyer.
func urlErr(op string, err error) error {
	return &url.Error{Op: "Post", URL: "http://127.0.0.1:1/v2/things/" + buyer, Err: &net.OpError{Op: op, Net: "tcp", Err: err}}
}

type kind string

const (
	temporary kind = "temporary"
	permanent kind = "permanent"
	uncertain kind = "uncertain"
)

func kindOf(err error) kind {
	switch {
	case message.IsUncertain(err):
		return uncertain
	case message.IsTemporary(err):
		return temporary
	}
	return permanent
}

func TestClassify(t *testing.T) {
	refused := errors.New("connect: connection refused")
	for _, c := range []struct {
		name   string
		err    error
		kind   kind
		reason string
	}{
		{"temporary code whatever the status", sdkError(400, apiErr("SlowDown")), temporary, "SlowDown (HTTP 400)"},
		{"permanent code whatever the status", sdkError(503, apiErr("Rejected")), permanent, "Rejected (HTTP 503)"},
		{"code in both tables", sdkError(400, apiErr("Both")), temporary, "Both (HTTP 400)"},
		{"unknown code, 5xx", sdkError(502, apiErr("New")), temporary, "New (HTTP 502)"},
		{"unknown code, 429", sdkError(429, apiErr("New")), temporary, "New (HTTP 429)"},
		{"unknown code, 408", sdkError(408, apiErr("New")), temporary, "New (HTTP 408)"},
		{"unknown code, 4xx", sdkError(404, apiErr("New")), permanent, "New (HTTP 404)"},
		{"unknown code, odd status", sdkError(302, apiErr("New")), temporary, "New (HTTP 302)"},
		{"unknown code, no response", fmt.Errorf("op: %w", apiErr("New")), temporary, "New"},
		{"failed dial", urlErr("dial", refused), temporary, "connection failed"},
		{"dial timeout", urlErr("dial", os.ErrDeadlineExceeded), temporary, "connection failed"},
		{"reset", urlErr("read", errors.New("read: connection reset by peer")), uncertain, "connection lost"},
		{"read timeout", urlErr("read", os.ErrDeadlineExceeded), uncertain, "timed out"},
		{"url error without net error", &url.Error{Op: "Post", URL: "http://h/" + buyer, Err: errors.New("tls: bad record for " + buyer)}, uncertain, "connection lost"},
		{"deadline", fmt.Errorf("op: %w", context.DeadlineExceeded), uncertain, "timed out"},
		{"deadline under a url error", &url.Error{Op: "Post", URL: "http://h/" + buyer, Err: context.DeadlineExceeded}, uncertain, "timed out"},
		{"canceled", fmt.Errorf("op: %w", context.Canceled), uncertain, "canceled"},
		{"no api error, 5xx", sdkError(502, errors.New("bad gateway for "+buyer)), temporary, "HTTP 502"},
		{"no api error, 4xx", sdkError(400, errors.New("bad request for "+buyer)), permanent, "HTTP 400"},
		{"odd error", errors.New("something about " + buyer), uncertain, "unclassified error"},
	} {
		t.Run(c.name, func(t *testing.T) {
			err := classifier.Classify("test.Send", c.err)
			var ne *message.Error
			if !errors.As(err, &ne) {
				t.Fatalf("err = %v (%T), want *message.Error", err, err)
			}
			if got := kindOf(err); got != c.kind {
				t.Errorf("%v: %s, want %s", err, got, c.kind)
			}
			if ne.Op != "test.Send" || ne.Reason != c.reason {
				t.Errorf("Op %q, Reason %q; want test.Send, %q", ne.Op, ne.Reason, c.reason)
			}
			assertNoBuyer(t, err)
		})
	}
}

func TestClassifyPassesThrough(t *testing.T) {
	if err := classifier.Classify("test.Send", nil); err != nil {
		t.Errorf("nil: %v", err)
	}
	already := fmt.Errorf("wrapped: %w", message.Permanent("inner.Op", "invalid input", nil))
	if err := classifier.Classify("test.Send", already); err != already {
		t.Errorf("a *message.Error was rebuilt: %v", err)
	}
}

// TestClassifyKeepsAPIError: the wrapped error is still a smithy.APIError with the code,
// fault and status, but its message is redacted and the SDK error is out of reach.
func TestClassifyKeepsAPIError(t *testing.T) {
	err := classifier.Classify("test.Send", sdkError(400, apiErr("Rejected")))
	var api smithy.APIError
	if !errors.As(err, &api) {
		t.Fatalf("no smithy.APIError in %v", err)
	}
	if api.ErrorCode() != "Rejected" || api.ErrorMessage() != "refused for [buyer]" || api.ErrorFault() != smithy.FaultClient {
		t.Errorf("code %q, message %q, fault %v", api.ErrorCode(), api.ErrorMessage(), api.ErrorFault())
	}
	if s, ok := api.(interface{ HTTPStatusCode() int }); !ok || s.HTTPStatusCode() != 400 {
		t.Errorf("HTTP status lost: %v", api)
	}
	if got, want := api.Error(), "api error Rejected: refused for [buyer] (HTTP 400, request id req-1)"; got != want {
		t.Errorf("Error() = %q, want %q", got, want)
	}
	var sdk *smithy.GenericAPIError
	if errors.As(err, &sdk) {
		t.Errorf("the SDK error is reachable: %v", sdk)
	}
	if got, want := err.Error(), "test.Send: permanent failure: Rejected (HTTP 400): api error Rejected: refused for [buyer] (HTTP 400, request id req-1)"; got != want {
		t.Errorf("Error() = %q, want %q", got, want)
	}
}

// TestClassifyKeepsTransportDetails: a transport failure keeps the network error for
// errors.As (and a deadline for errors.Is) but not the URL, which may name the buyer.
func TestClassifyKeepsTransportDetails(t *testing.T) {
	err := classifier.Classify("test.Lookup", urlErr("dial", errors.New("connect: connection refused")))
	var got *net.OpError
	if !errors.As(err, &got) {
		t.Errorf("the dial error is not reachable through %v", err)
	}
	if message.Reason(err) != "connection failed" {
		t.Errorf("Reason = %q", message.Reason(err))
	}
	assertNoBuyer(t, err)
	if !errors.Is(classifier.Classify("x", context.DeadlineExceeded), context.DeadlineExceeded) {
		t.Errorf("deadline not kept")
	}
	var timeout net.Error
	if err := classifier.Classify("x", urlErr("read", os.ErrDeadlineExceeded)); !errors.As(err, &timeout) || !timeout.Timeout() {
		t.Errorf("the read timeout is not reachable through %v", err)
	}
}

// TestClassifyRedactsWhatItCannotTrust: an error that is neither an API error nor a
// transport failure keeps only its redacted text.
func TestClassifyRedactsWhatItCannotTrust(t *testing.T) {
	inner := errors.New("something about " + buyer)
	err := classifier.Classify("test.Send", fmt.Errorf("op: %w", inner))
	if errors.Is(err, inner) {
		t.Errorf("the original error is reachable through %v", err)
	}
	if got, want := err.Error(), "test.Send: uncertain failure: unclassified error: op: something about [buyer]"; got != want {
		t.Errorf("Error() = %q, want %q", got, want)
	}
}

// assertNoBuyer fails if err's text or reason names the buyer.
func assertNoBuyer(t *testing.T, err error) {
	t.Helper()
	for _, s := range []string{err.Error(), message.Reason(err)} {
		if strings.Contains(s, buyer) || strings.Contains(s, "4711") {
			t.Errorf("error text names the buyer: %q", s)
		}
	}
}
