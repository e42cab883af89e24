package sns

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

// temporaryCodes are SNS (and generic AWS query-protocol) error codes that a later attempt
// may get past. SNS spells its codes without the "Exception" suffix (Throttled,
// InternalError, KMSThrottling); both spellings are listed.
var temporaryCodes = map[string]bool{
	"Throttled":              true,
	"ThrottledException":     true,
	"Throttling":             true,
	"ThrottlingException":    true,
	"RequestThrottled":       true,
	"RequestLimitExceeded":   true,
	"TooManyRequests":        true,
	"KMSThrottling":          true,
	"KMSThrottlingException": true,
	"InternalError":          true,
	"InternalErrorException": true,
	"InternalFailure":        true,
	"ServiceUnavailable":     true,
	"RequestTimeout":         true,
	"ExpiredToken":           true, // credentials are refreshed on the next attempt
	"RequestExpired":         true,
}

// permanentCodes are codes that retrying the same message will not fix. Any other 4xx is
// permanent too; these are listed so that they are classified by what they mean whatever
// status they come with (SNS sends most errors, throttling included, as HTTP 400).
var permanentCodes = map[string]bool{
	"InvalidParameter":                     true,
	"InvalidParameterException":            true,
	"InvalidParameterValue":                true,
	"InvalidParameterValueException":       true,
	"ParameterValueInvalid":                true,
	"AuthorizationError":                   true,
	"AuthorizationErrorException":          true,
	"EndpointDisabled":                     true,
	"EndpointDisabledException":            true,
	"OptedOut":                             true,
	"OptedOutException":                    true,
	"UserError":                            true,
	"ValidationException":                  true,
	"NotFound":                             true,
	"InvalidSecurity":                      true,
	"KMSAccessDenied":                      true,
	"KMSDisabled":                          true,
	"KMSInvalidState":                      true,
	"KMSNotFound":                          true,
	"KMSOptInRequired":                     true,
	"InvalidClientTokenId":                 true,
	"SignatureDoesNotMatch":                true,
	"AccessDenied":                         true,
	"AccessDeniedException":                true,
	"PlatformApplicationDisabled":          true,
	"PlatformApplicationDisabledException": true,
}

// classify turns an SDK error from operation op into a *notify.Error whose Reason is short
// and safe (an error code and HTTP status, "connection failed", "timed out") and whose
// wrapped error carries no phone number: API error messages are redacted ("Invalid
// parameter: PhoneNumber Reason: +1... is not valid") and transport errors keep only the
// network error.
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
		return notify.Temporary(op, reason, &redactedError{msg: redact(ue.Err.Error()), err: ue.Err})
	}
	safe := &redactedError{msg: redact(err.Error())}
	if status != 0 {
		return byStatus(op, fmt.Sprintf("HTTP %d", status), status, safe)
	}
	return notify.Uncertain(op, "unclassified error", safe)
}

// byStatus classifies by HTTP status alone: 5xx, 429 and 408 are temporary, other 4xx
// permanent, and anything else temporary.
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

// apiError is an SNS API error with its message redacted. It implements smithy.APIError,
// so callers can still switch on the code, but does not unwrap to the SDK error.
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

// ErrorCode returns the SNS error code, e.g. Throttled.
func (e *apiError) ErrorCode() string { return e.code }

// ErrorMessage returns the redacted message.
func (e *apiError) ErrorMessage() string { return e.message }

// ErrorFault says whether SNS blamed the client or itself.
func (e *apiError) ErrorFault() smithy.ErrorFault { return e.fault }

// HTTPStatusCode returns the response status, 0 if unknown.
func (e *apiError) HTTPStatusCode() int { return e.status }

// redactedError carries a redacted error text; err, when set, is a network error that
// holds no protected data, kept for errors.Is/As.
type redactedError struct {
	msg string
	err error
}

func (e *redactedError) Error() string { return e.msg }
func (e *redactedError) Unwrap() error { return e.err }

// phoneLike matches phone numbers as SNS might quote them: E.164 (also percent-encoded
// "%2B..."), with or without separators, and any bare run of seven or more digits.
var phoneLike = regexp.MustCompile(`(\+|%2[Bb])\d[\d ().-]{4,20}\d|\d{7,}`)

// redact replaces everything in s that could be a phone number.
func redact(s string) string {
	return phoneLike.ReplaceAllString(s, "[phone]")
}
