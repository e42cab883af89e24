package console

import (
	"strconv"
	"strings"
	"time"

	"github.com/orderwire/orderwire/internal/order"
)

// Settings are the seller's settings the console reads from the environment.
type Settings struct {
	// TimeZone is ORDERWIRE_SELLER_TIMEZONE (IANA; default UTC).
	TimeZone *time.Location
	// UnshippedAfter is ORDERWIRE_UNSHIPPED_DAYS days (a whole number from 1 to 365;
	// default 3).
	UnshippedAfter time.Duration
}

// SettingsFromEnv reads Settings; a bad value is CodeInvalid naming the variable.
func SettingsFromEnv(getenv func(string) string) (Settings, error) {
	s := Settings{TimeZone: time.UTC, UnshippedAfter: DefaultUnshippedAfter}
	var fe order.FieldErrors
	if name := strings.TrimSpace(getenv("ORDERWIRE_SELLER_TIMEZONE")); name != "" {
		loc, err := time.LoadLocation(name)
		if err != nil || name == "Local" {
			fe.Add("ORDERWIRE_SELLER_TIMEZONE", "must be an IANA time zone such as Asia/Shanghai")
		} else {
			s.TimeZone = loc
		}
	}
	if v := strings.TrimSpace(getenv("ORDERWIRE_UNSHIPPED_DAYS")); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > 365 {
			fe.Add("ORDERWIRE_UNSHIPPED_DAYS", "must be a whole number of days from 1 to 365")
		} else {
			s.UnshippedAfter = time.Duration(n) * 24 * time.Hour
		}
	}
	return s, fe.Err("console.SettingsFromEnv")
}
