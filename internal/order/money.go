package order

import (
	"strconv"
	"strings"

	"golang.org/x/text/currency"
)

// MinorUnits converts a decimal amount string as providers send it ("10.99", "1000") in the
// given ISO 4217 currency to minor units, using the currency's standard number of decimals
// (2 for USD, 0 for JPY, 3 for KWD). Zeros past those decimals change nothing and are
// dropped (Alipay Global writes "1000.00" even in JPY); any other digit there is invalid, as
// is a sign, an exponent, or an amount above MaxAmountMinor.
func MinorUnits(decimal, code string) (int64, error) {
	const op = "order.MinorUnits"
	unit, err := currency.ParseISO(code)
	if err != nil || !validCurrency(code) {
		return 0, Errorf(CodeInvalid, op, "unknown currency %q", code)
	}
	scale, _ := currency.Standard.Rounding(unit)
	whole, frac, hasDot := strings.Cut(decimal, ".")
	malformed := whole == "" || !allDigits(whole) || (hasDot && (frac == "" || !allDigits(frac)))
	if !malformed && len(frac) > scale {
		malformed = strings.TrimRight(frac[scale:], "0") != "" // a real digit past the decimals
		frac = frac[:scale]
	}
	if malformed {
		return 0, Errorf(CodeInvalid, op, "amount %q is not a plain decimal with at most %d decimals", decimal, scale)
	}
	frac += strings.Repeat("0", scale-len(frac))
	n, err := strconv.ParseInt(whole+frac, 10, 64)
	if err != nil || n > MaxAmountMinor {
		return 0, Errorf(CodeInvalid, op, "amount %q is too large", decimal)
	}
	return n, nil
}

func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// FormatMinor writes minor units in the currency's ISO 4217 decimals, without grouping or
// symbol ("10.99" for 1099 USD, "1000" for 1000 JPY): the inverse of MinorUnits. An unknown
// currency is written with two decimals.
func FormatMinor(minor int64, code string) string {
	scale := 2
	if unit, err := currency.ParseISO(code); err == nil {
		scale, _ = currency.Standard.Rounding(unit)
	}
	sign := ""
	if minor < 0 {
		sign, minor = "-", -minor
	}
	digits := strconv.FormatInt(minor, 10)
	if scale == 0 {
		return sign + digits
	}
	if len(digits) <= scale {
		digits = strings.Repeat("0", scale-len(digits)+1) + digits
	}
	return sign + digits[:len(digits)-scale] + "." + digits[len(digits)-scale:]
}
