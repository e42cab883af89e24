package message

import "regexp"

// Providers quote the buyer's address or phone number in their error texts ("... failed the
// check: buyer@example.com", "PhoneNumber Reason: +1... is not valid"), and transport errors
// quote URLs that may hold them. Senders pass every provider text through these before it
// reaches an error, a stored reason or a log line. They match shapes, not one address, so
// that a provider's normalised spelling is caught too.

var (
	// addressLike matches anything shaped like an email address, plain or percent-encoded.
	addressLike = regexp.MustCompile(`[^\s<>"'(),;:/\[\]]+(@|%40)[^\s<>"'(),;:/\[\]]+`)
	// phoneLike matches phone numbers as a provider might quote them: E.164 (also
	// percent-encoded "%2B..."), with or without separators, and any bare run of seven or
	// more digits.
	phoneLike = regexp.MustCompile(`(\+|%2[Bb])\d[\d ().-]{4,20}\d|\d{7,}`)
)

// RedactAddresses replaces everything in s shaped like an email address with "[address]".
func RedactAddresses(s string) string { return addressLike.ReplaceAllString(s, "[address]") }

// RedactPhones replaces everything in s that could be a phone number with "[phone]".
func RedactPhones(s string) string { return phoneLike.ReplaceAllString(s, "[phone]") }

// Redacted is an error whose text was redacted. Err, when set, is an error known to hold no
// protected data (a network error without its URL), kept for errors.Is/As (timeouts,
// *net.OpError).
type Redacted struct {
	Msg string
	Err error
}

func (e *Redacted) Error() string { return e.Msg }
func (e *Redacted) Unwrap() error { return e.Err }
