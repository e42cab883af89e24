// Package phone checks phone numbers for real with libphonenumber's Go port
// (github.com/nyaruka/phonenumbers): length and number ranges per country, not a regexp.
// It is a package of its own because the library's package init costs several
// milliseconds of every cold start that links it; only the seller API's wiring imports it
// (order.UsePhoneCheck(phone.Valid)), so the other Lambda functions never pay for it.
package phone

import (
	"strings"

	"github.com/nyaruka/phonenumbers"
)

// Valid reports whether s is an E.164 number ('+' and digits only) that libphonenumber
// knows as a valid number of its country.
func Valid(s string) bool {
	if !strings.HasPrefix(s, "+") || strings.Trim(s[1:], "0123456789") != "" {
		return false
	}
	n, err := phonenumbers.Parse(s, "")
	return err == nil && phonenumbers.IsValidNumber(n)
}
