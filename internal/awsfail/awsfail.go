// Package awsfail is how a failed AWS SDK call becomes a message.Error that names no buyer.
//
// A sender package (internal/ses, internal/sns) declares one Classifier with its service's
// error codes and a function that removes the buyer's data (an address, a phone number)
// from provider text, and passes every SDK error through Classifier.Classify. The result
// says whether retrying may help (message.Temporary), cannot help (message.Permanent) or
// could send the message twice (message.Uncertain), and the error it wraps is rebuilt from
// parts that hold no protected data: the SDK error itself, whose message or request URL may
// name the buyer, is never reachable through it.
package awsfail

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/url"

	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/smithy-go"
	smithyhttp "github.com/aws/smithy-go/transport/http"

	"github.com/orderwire/orderwire/internal/message"
)

// Classifier classifies the errors of one AWS service's SDK client. The zero value is not
// usable: Redact must be set. A Classifier is not modified by Classify, so one value may
// serve concurrent calls as long as its maps are not written to.
type Classifier struct {
	// Temporary are error codes a later attempt may get past (throttling, internal
	// errors, expired credentials), whatever HTTP status they come with.
	Temporary map[string]bool
	// Permanent are error codes that retrying the same message will not fix, whatever HTTP
	// status they come with. A code in both maps is temporary.
	Permanent map[string]bool
	// Redact returns s with everything that could be protected data removed. It is applied
	// to every provider or transport text the wrapped error keeps; it must not be nil.
	Redact func(s string) string
}

// Classify turns an SDK error from operation op (e.g. "ses.SendEmail", used as the
// message.Error's Op) into a *message.Error whose Reason is short and safe (an error code and
// HTTP status, "connection failed", "timed out") and whose wrapped error carries no
// protected data: API error messages are redacted and transport errors lose the request
// URL (SES GetSuppressedDestination puts the address in the path).
//
// Rules, in order:
//   - nil is returned as nil, and an error that already is a *message.Error unchanged.
//   - An API error (smithy.APIError) is classified by its code if the code is in Temporary
//     or Permanent, otherwise by HTTP status: 5xx, 429 and 408 temporary, other 4xx
//     permanent, anything else (no response, an odd status) temporary. Its Reason is the
//     code, followed by " (HTTP <status>)" when there was a response. The wrapped error
//     implements smithy.APIError with the same code, fault and status and the redacted
//     message; it does not unwrap to the SDK error.
//   - Otherwise an expired or cancelled context is uncertain, "timed out" or "canceled",
//     wrapping context.DeadlineExceeded or context.Canceled: the provider may have
//     accepted the message before the call gave up.
//   - Otherwise only a failed dial proves the request never left: a *url.Error around a
//     *net.OpError whose Op is "dial" is temporary, "connection failed". Any other
//     *url.Error is uncertain, "timed out" if it is a timeout and "connection lost"
//     otherwise. The wrapped error has the redacted text of the transport error and
//     unwraps to it; the URL is dropped.
//   - Any other error with an HTTP response is classified by status as above, with Reason
//     "HTTP <status>"; without one it is uncertain, "unclassified error". The wrapped
//     error has the redacted text only.
func (c Classifier) Classify(op string, err error) error {
	if err == nil {
		return nil
	}
	var already *message.Error
	if errors.As(err, &already) {
		return err
	}
	status, requestID := httpInfo(err)
	var api smithy.APIError
	if errors.As(err, &api) {
		safe := &apiError{
			code:      api.ErrorCode(),
			message:   c.Redact(api.ErrorMessage()),
			fault:     api.ErrorFault(),
			status:    status,
			requestID: requestID,
		}
		reason := safe.code
		if status != 0 {
			reason = fmt.Sprintf("%s (HTTP %d)", safe.code, status)
		}
		switch {
		case c.Temporary[safe.code]:
			return message.Temporary(op, reason, safe)
		case c.Permanent[safe.code]:
			return message.Permanent(op, reason, safe)
		}
		return byStatus(op, reason, status, safe)
	}
	// Without a response, only a failed dial proves the request never left: a timeout,
	// a cancellation or a reset may come after the provider accepted the message, so a
	// retry could send it twice (message.Uncertain: the notifier records the row unknown).
	switch {
	case errors.Is(err, context.DeadlineExceeded):
		return message.Uncertain(op, "timed out", context.DeadlineExceeded)
	case errors.Is(err, context.Canceled):
		return message.Uncertain(op, "canceled", context.Canceled)
	}
	var ue *url.Error
	if errors.As(err, &ue) {
		var oe *net.OpError
		if !errors.As(ue.Err, &oe) || oe.Op != "dial" {
			reason := "connection lost"
			if ue.Timeout() {
				reason = "timed out"
			}
			return message.Uncertain(op, reason, &message.Redacted{Msg: c.Redact(ue.Err.Error()), Err: ue.Err})
		}
		reason := "connection failed"
		// ue.Err is the dial failure itself; ue.URL (dropped) may hold protected data.
		return message.Temporary(op, reason, &message.Redacted{Msg: c.Redact(ue.Err.Error()), Err: ue.Err})
	}
	safe := &message.Redacted{Msg: c.Redact(err.Error())}
	if status != 0 {
		return byStatus(op, fmt.Sprintf("HTTP %d", status), status, safe)
	}
	return message.Uncertain(op, "unclassified error", safe)
}

// byStatus classifies by HTTP status alone: 5xx, 429 and 408 are temporary, other 4xx
// permanent, and anything else (no response, an odd status) temporary.
func byStatus(op, reason string, status int, err error) error {
	switch {
	case status >= 500, status == 429, status == 408:
		return message.Temporary(op, reason, err)
	case status >= 400:
		return message.Permanent(op, reason, err)
	}
	return message.Temporary(op, reason, err)
}

// httpInfo returns the HTTP status and AWS request id of err's response, zero when the
// request got no response.
func httpInfo(err error) (status int, requestID string) {
	var re *smithyhttp.ResponseError
	if errors.As(err, &re) && re.Response != nil && re.Response.Response != nil {
		status = re.Response.StatusCode
	}
	var are *awshttp.ResponseError
	if errors.As(err, &are) {
		requestID = are.ServiceRequestID()
	}
	return status, requestID
}

// apiError is an AWS API error with its message redacted. It implements smithy.APIError,
// so callers can still switch on the code, but it does not unwrap to the SDK error (whose
// message may name the recipient).
type apiError struct {
	code      string
	message   string
	fault     smithy.ErrorFault
	status    int
	requestID string
}

// Error returns "api error <code>[: <redacted message>][ (HTTP <status>[, request id <id>])]".
func (e *apiError) Error() string {
	s := "api error " + e.code
	if e.message != "" {
		s += ": " + e.message
	}
	if e.status != 0 {
		s += fmt.Sprintf(" (HTTP %d", e.status)
		if e.requestID != "" {
			s += ", request id " + e.requestID
		}
		s += ")"
	}
	return s
}

// ErrorCode returns the service's error code, e.g. MessageRejected (SES) or Throttled (SNS).
func (e *apiError) ErrorCode() string { return e.code }

// ErrorMessage returns the redacted message.
func (e *apiError) ErrorMessage() string { return e.message }

// ErrorFault says whether the service blamed the client or itself.
func (e *apiError) ErrorFault() smithy.ErrorFault { return e.fault }

// HTTPStatusCode returns the response status, 0 if unknown.
func (e *apiError) HTTPStatusCode() int { return e.status }
