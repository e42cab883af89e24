package console

import (
	"strings"
	"time"

	"github.com/orderwire/orderwire/internal/order"
)

// EnvSellerTimeZone names the setting of Config.TimeZone: an IANA zone; UTC when unset.
// (Config.UnshippedAfter is ORDERWIRE_UNSHIPPED_DAYS, read by httpapi.UnshippedAfterFromEnv
// for the API and the console alike.)
const EnvSellerTimeZone = "ORDERWIRE_SELLER_TIMEZONE"

// TimeZoneFromEnv reads EnvSellerTimeZone; a zone that does not exist is CodeInvalid.
func TimeZoneFromEnv(getenv func(string) string) (*time.Location, error) {
	name := strings.TrimSpace(getenv(EnvSellerTimeZone))
	if name == "" {
		return time.UTC, nil
	}
	loc, err := time.LoadLocation(name)
	if err != nil || name == "Local" {
		var fe order.FieldErrors
		fe.Add(EnvSellerTimeZone, "must be an IANA time zone such as Asia/Shanghai")
		return nil, fe.Err("console.TimeZoneFromEnv")
	}
	return loc, nil
}
