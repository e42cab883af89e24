package order

import (
	"strconv"
	"strings"

	"golang.org/x/text/currency"
)

// MinorUnits converts a decimal amount string as providers send it ("10.99", "1000") in the
// given ISO 4217 currency to minor units, using the currency's standard number of decimals
// (2 for USD, 0 for JPY, 3 for KWD). More decimals than the currency has is invalid, as is a
// sign, an exponent, or an amount above MaxAmountMinor.
func MinorUnits(decimal, code string) (int64, error) {
	const op = "order.MinorUnits"
	unit, err := currency.ParseISO(code)
	if err != nil || !validCurrency(code) {
		return 0, Errorf(CodeInvalid, op, "unknown currency %q", code)
	}
	scale, _ := currency.Standard.Rounding(unit)
	whole, frac, hasDot := strings.Cut(decimal, ".")
	if whole == "" || !allDigits(whole) || (hasDot && (frac == "" || !allDigits(frac))) || len(frac) > scale {
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
