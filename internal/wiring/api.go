package wiring

import (
	"strconv"
	"time"

	"github.com/orderwire/orderwire/internal/commalist"
	"github.com/orderwire/orderwire/internal/httpapi"
	"github.com/orderwire/orderwire/internal/order"
	"github.com/orderwire/orderwire/internal/reminder"
)

// APIConfig is the seller API component's settings.
type APIConfig struct {
	// Tokens are the accepted bearer tokens (EnvAPITokens; locally also EnvAPITokenOld).
	// Empty locally means serve generates one; a function requires them.
	Tokens []string
	// UnsubscribeKeys verify the buyers' unsubscribe links (EnvUnsubscribeKeys). Empty
	// locally means serve generates one in its data dir; a function requires them.
	UnsubscribeKeys []string
	// DisputeWindow is how long an erased buyer's evidence is kept after the order's last
	// payment event (httpapi.EnvDisputeWindowDays).
	DisputeWindow time.Duration
	// Policy is the dunning policy the seller service schedules a new order's first step
	// with and shows a buyer's cadence from: the sweep's (PolicyFrom).
	Policy reminder.Policy
	// UnshippedDays is how many days a paid order may wait for a parcel before it needs the
	// seller's attention (EnvUnshippedDays, 1-365, default 3; the seller console).
	UnshippedDays int
	// SellerTimeZone is the IANA zone the seller console shows times in (EnvSellerTimeZone,
	// default UTC).
	SellerTimeZone *time.Location
}

// APIConfigFrom reads the seller API's settings; every bad one is named in one CodeInvalid
// error (a policy file that cannot be used is PolicyFrom's error).
func APIConfigFrom(src Source) (APIConfig, error) {
	var fe order.FieldErrors
	c := APIConfig{Tokens: commalist.Split(src.Get(EnvAPITokens)), UnsubscribeKeys: commalist.Split(src.Get(EnvUnsubscribeKeys)),
		UnshippedDays: 3, SellerTimeZone: time.UTC}
	if len(c.Tokens) == 0 && src.secrets == nil {
		c.Tokens = commalist.Split(src.Get(EnvAPITokenOld))
	}
	window, err := httpapi.DisputeWindowFromEnv(src.Get)
	c.DisputeWindow = window
	if v := src.trimmed(EnvUnshippedDays); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > 365 {
			fe.Add(EnvUnshippedDays, "must be a whole number of days from 1 to 365")
		}
		c.UnshippedDays = n
	}
	if v := src.trimmed(EnvSellerTimeZone); v != "" {
		loc, err := time.LoadLocation(v)
		if err != nil || v == "Local" {
			fe.Add(EnvSellerTimeZone, "must be an IANA time zone such as Asia/Shanghai")
		}
		c.SellerTimeZone = loc
	}
	policy, perr := PolicyFrom(src)
	c.Policy = policy
	return c, joinInvalid("wiring.APIConfig", perr, err, invalid("wiring.APIConfig", fe))
}

// RequireSecrets is the function's check of c: on AWS the tokens and the unsubscribe keys
// come from their secrets and must be there.
func (c APIConfig) RequireSecrets() error {
	var fe order.FieldErrors
	if len(c.Tokens) == 0 {
		fe.Add(EnvAPITokens, "the seller API's secret must hold at least one token")
	}
	if len(c.UnsubscribeKeys) == 0 {
		fe.Add(EnvUnsubscribeKeys, "the unsubscribe secret must hold at least one key")
	}
	return invalid("wiring.APIConfig", fe)
}
