package ses

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/url"
	"regexp"

	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/smithy-go"
	smithyhttp "github.com/aws/smithy-go/transport/http"

	"github.com/orderwire/orderwire/internal/notify"
)

// temporaryCodes are SES (and generic AWS) error codes that a later attempt may get past.
var temporaryCodes = map[string]bool{
	"TooManyRequestsException":      true,
	"LimitExceededException":        true, // a sending quota or rate; resets over time
	"Throttling":                    true,
	"ThrottlingException":           true,
	"ThrottledException":            true,
	"RequestThrottled":              true,
	"RequestThrottledException":     true,
	"RequestLimitExceeded":          true,
	"InternalServiceErrorException": true,
	"InternalFailure":               true,
	"InternalError":                 true,
	"ServiceUnavailable":            true,
	"ServiceUnavailableException":   true,
	"RequestTimeout":                true,
	"RequestTimeoutException":       true,
	"ExpiredToken":                  true, // credentials are refreshed on the next attempt
	"ExpiredTokenException":         true,
	"RequestExpired":                true,
}

// permanentCodes are codes that retrying the same message will not fix. Any other 4xx is
// permanent too; these are listed so that a code SES sends with an unexpected status (or
// none) is still classified by what it means.
var permanentCodes = map[string]bool{
	"MessageRejected":                    true,
	"MailFromDomainNotVerifiedException": true,
	"BadRequestException":                true,
	"AccountSuspendedException":          true,
	"SendingPausedException":             true,
	"NotFoundException":                  true,
	"AccessDeniedException":              true,
	"ValidationException":                true,
}

// classify turns an SDK error from operation op into a *notify.Error whose Reason is short
// and safe (an error code, an HTTP status, "connection failed") and whose wrapped error
// carries no protected data: API error messages are redacted and transport errors lose the
// request URL (GetSuppressedDestination puts the address in the path).
//
// Rules, in order: a code in temporaryCodes or permanentCodes decides; otherwise HTTP 5xx,
// 429 and 408 are temporary and other 4xx permanent; a cancelled or expired context, a
// failed connection or any error without an HTTP response is temporary.
func classify(op string, err error) error {
	if err == nil {
		return nil
	}
	var already *notify.Error
	if errors.As(err, &already) {
		return err
	}
	status, requestID := httpInfo(err)
	var api smithy.APIError
	if errors.As(err, &api) {
		safe := &apiError{
			code:      api.ErrorCode(),
			message:   redact(api.ErrorMessage()),
			fault:     api.ErrorFault(),
			status:    status,
			requestID: requestID,
		}
		reason := safe.code
		if status != 0 {
			reason = fmt.Sprintf("%s (HTTP %d)", safe.code, status)
		}
		switch {
		case temporaryCodes[safe.code]:
			return notify.Temporary(op, reason, safe)
		case permanentCodes[safe.code]:
			return notify.Permanent(op, reason, safe)
		}
		return byStatus(op, reason, status, safe)
	}
	// Without a response, only a failed dial proves the request never left: a timeout,
	// a cancellation or a reset may come after the provider accepted the message, so a
	// retry could send it twice (notify.Uncertain: the notifier records the row unknown).
	switch {
	case errors.Is(err, context.DeadlineExceeded):
		return notify.Uncertain(op, "timed out", context.DeadlineExceeded)
	case errors.Is(err, context.Canceled):
		return notify.Uncertain(op, "canceled", context.Canceled)
	}
	var ue *url.Error
	if errors.As(err, &ue) {
		var oe *net.OpError
		if !errors.As(ue.Err, &oe) || oe.Op != "dial" {
			reason := "connection lost"
			if ue.Timeout() {
				reason = "timed out"
			}
			return notify.Uncertain(op, reason, &redactedError{msg: redact(ue.Err.Error()), err: ue.Err})
		}
		reason := "connection failed"
		// ue.Err is the dial or read failure itself; ue.URL (dropped) may hold the address.
		return notify.Temporary(op, reason, &redactedError{msg: redact(ue.Err.Error()), err: ue.Err})
	}
	safe := &redactedError{msg: redact(err.Error())}
	if status != 0 {
		return byStatus(op, fmt.Sprintf("HTTP %d", status), status, safe)
	}
	return notify.Uncertain(op, "unclassified error", safe)
}

// byStatus classifies by HTTP status alone: 5xx, 429 and 408 are temporary, other 4xx
// permanent, and anything else (no response, an odd status) temporary.
func byStatus(op, reason string, status int, err error) error {
	switch {
	case status >= 500, status == 429, status == 408:
		return notify.Temporary(op, reason, err)
	case status >= 400:
		return notify.Permanent(op, reason, err)
	}
	return notify.Temporary(op, reason, err)
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

// apiError is an SES API error with its message redacted. It implements smithy.APIError,
// so callers can still switch on the code, but it does not unwrap to the SDK error (whose
// message may name the recipient).
type apiError struct {
	code      string
	message   string
	fault     smithy.ErrorFault
	status    int
	requestID string
}

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

// ErrorCode returns the SES error code, e.g. MessageRejected.
func (e *apiError) ErrorCode() string { return e.code }

// ErrorMessage returns the redacted message.
func (e *apiError) ErrorMessage() string { return e.message }

// ErrorFault says whether SES blamed the client or itself.
func (e *apiError) ErrorFault() smithy.ErrorFault { return e.fault }

// HTTPStatusCode returns the response status, 0 if unknown.
func (e *apiError) HTTPStatusCode() int { return e.status }

// redactedError carries a redacted error text. err, when set, is an error known to hold no
// protected data (a dial error) and is kept for errors.Is/As (net.Error timeouts).
type redactedError struct {
	msg string
	err error
}

func (e *redactedError) Error() string { return e.msg }
func (e *redactedError) Unwrap() error { return e.err }

var (
	// emailLike matches anything shaped like an address, plain or percent-encoded.
	emailLike = regexp.MustCompile(`[^\s<>"'(),;:/\[\]]+(@|%40)[^\s<>"'(),;:/\[\]]+`)
)

// redact replaces everything that looks like an email address in s. SES error messages
// name addresses ("... failed the check in region US-EAST-1: buyer@example.com"); matching
// the shape rather than the one address also catches SES's normalised spellings of it.
func redact(s string) string {
	return emailLike.ReplaceAllString(s, "[address]")
}
