package sns

import (
	"github.com/orderwire/orderwire/internal/awsfail"
	"github.com/orderwire/orderwire/internal/message"
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

// classifier turns the SNS client's errors into *message.Error values whose text never
// contains the phone number (rules: awsfail.Classifier.Classify): the codes above decide
// first, then the HTTP status; API error messages are redacted by message.RedactPhones ("Invalid
// parameter: PhoneNumber Reason: +1... is not valid") and transport errors keep only the
// network error.
var classifier = awsfail.Classifier{Temporary: temporaryCodes, Permanent: permanentCodes, Redact: message.RedactPhones}
