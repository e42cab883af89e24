package ses

import (
	"github.com/orderwire/orderwire/internal/awsfail"
	"github.com/orderwire/orderwire/internal/message"
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

// classifier turns the SES client's errors into *message.Error values whose text never names
// the recipient (rules: awsfail.Classifier.Classify): the codes above decide first, then
// the HTTP status; API error messages are redacted (message.RedactAddresses: SES names
// addresses, "... failed the check in region US-EAST-1: buyer@example.com"), and transport errors lose the
// request URL (GetSuppressedDestination puts the address in the path).
var classifier = awsfail.Classifier{Temporary: temporaryCodes, Permanent: permanentCodes, Redact: message.RedactAddresses}
