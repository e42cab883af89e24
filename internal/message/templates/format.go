package templates

import (
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/currency"
	"golang.org/x/text/language"
	"golang.org/x/text/message"
)

// Amounts and dates are formatted from rules in each locale's catalog (the "format" and
// "month" messages), not from Go tables:
//
//   - Money: the digits come from the integer minor units (never through a float), with the
//     currency's number of decimals from currency.Standard.Rounding — the same CLDR data
//     order.MinorUnits uses to store the amount, so 123450 KRW is ₩123,450 and 123450 USD is
//     $1,234.50. The catalog gives the decimal and group separators, CLDR's minimum
//     grouping digits (es and pl write 1234,50 but 12.345,50) and where the symbol goes
//     (format.money: "{{.Symbol}}{{.Number}}" in en, "{{.Number}} {{.Symbol}}" in de).
//     The symbol itself is x/text's CLDR symbol for the catalog locale ("€", "R$", "zł" in
//     pl but "PLN" in en, "US$" in es), so a foreign currency stays unambiguous.
//   - Dates: format.date is a template over the day, the month name (month.*, in the form a
//     date needs: genitive "марта" in ru, "marca" in pl) and the year, so "5 марта 2026 г.",
//     "5. März 2026", "2026년 3월 5일" and the French "1er mars" live with the other words
//     of the language. goodsign/monday could translate the month names, but the layouts
//     (the "г.", the first-day "1er"/"1º", the Korean order) would still be ours to keep per
//     locale, under its own locale ids ("ru_RU"), with the genitive picked by a heuristic (a
//     digit before the month). With layout and names in the catalog each language stays in
//     one file that the completeness test checks, and the catalog has one dependency less.
//
// Regional variants use their language's rules: an es-MX buyer reads "1234,50 MXN".

// noBreakSpace keeps an amount or a date on one line in an email; SMS turn it into a space.
const noBreakSpace = "\u00a0"

// parseCurrency returns the ISO 4217 unit for code, which must be exactly three upper-case
// letters of a known currency (the rule order.New applies).
func parseCurrency(code string) (currency.Unit, error) {
	if len(code) != 3 || strings.ToUpper(code) != code {
		return currency.Unit{}, fmt.Errorf("%w %q", ErrInvalidCurrency, code)
	}
	unit, err := currency.ParseISO(code)
	if err != nil || unit.String() != code {
		return currency.Unit{}, fmt.Errorf("%w %q", ErrInvalidCurrency, code)
	}
	return unit, nil
}

// loadTimeZone returns the IANA zone name; "" is UTC. "Local" is refused: a buyer's time zone
// never depends on the server's.
func loadTimeZone(name string) (*time.Location, error) {
	if name == "" {
		return time.UTC, nil
	}
	if name == "Local" {
		return nil, fmt.Errorf("%w %q", ErrInvalidTimeZone, name)
	}
	loc, err := time.LoadLocation(name)
	if err != nil {
		return nil, fmt.Errorf("%w %q", ErrInvalidTimeZone, name)
	}
	return loc, nil
}

// numberRules are a locale's separators (catalog messages format.*).
type numberRules struct {
	decimal, group string
	minGrouping    int // digits needed in the top group before grouping starts (CLDR)
}

// formatMinor writes the magnitude of minor units with scale decimals (123450, 2 →
// "1,234.50" in en) and reports whether minor is negative.
func formatMinor(minor int64, scale int, rules numberRules) (negative bool, number string) {
	digits := strconv.FormatInt(minor, 10)
	if digits[0] == '-' {
		negative, digits = true, digits[1:]
	}
	if len(digits) <= scale {
		digits = strings.Repeat("0", scale-len(digits)+1) + digits
	}
	whole, frac := digits[:len(digits)-scale], digits[len(digits)-scale:]
	if len(whole) >= 3+max(rules.minGrouping, 1) {
		var b strings.Builder
		for i, d := range whole {
			if i > 0 && (len(whole)-i)%3 == 0 {
				b.WriteString(rules.group)
			}
			b.WriteRune(d)
		}
		whole = b.String()
	}
	if frac == "" {
		return negative, whole
	}
	return negative, whole + rules.decimal + frac
}

// currencySymbol is CLDR's symbol for unit in tag's language ("€", "US$", "zł").
func currencySymbol(tag language.Tag, unit currency.Unit) string {
	return message.NewPrinter(tag).Sprint(currency.Symbol(unit))
}

// spaceCurrency applies CLDR's currency spacing to a formatted amount: where a symbol that
// begins or ends with a letter touches the digits ("PLN1,234.50"), a no-break space goes
// between them ("PLN 1,234.50"); "$1,234.50" and "₩12,000" are left alone.
func spaceCurrency(formatted, symbol, number string) string {
	if symbol == "" {
		return formatted
	}
	last, _ := utf8.DecodeLastRuneInString(symbol)
	first, _ := utf8.DecodeRuneInString(symbol)
	if unicode.IsLetter(last) {
		formatted = strings.Replace(formatted, symbol+number, symbol+noBreakSpace+number, 1)
	}
	if unicode.IsLetter(first) {
		formatted = strings.Replace(formatted, number+symbol, number+noBreakSpace+symbol, 1)
	}
	return formatted
}

// calendarDaysUntil is the number of calendar days from now to due as the buyer's clock on
// the wall shows them in loc: 0 the same day, 1 the next, negative once due has passed.
func calendarDaysUntil(now, due time.Time, loc *time.Location) int {
	civil := func(t time.Time) time.Time {
		y, m, d := t.In(loc).Date()
		return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
	}
	return int(civil(due).Sub(civil(now)).Hours() / 24)
}

// monthID is the catalog id of m's name: "month.march".
func monthID(m time.Month) string {
	return "month." + strings.ToLower(m.String())
}

// dateArgs is what format.date may use.
type dateArgs struct {
	Day, MonthNumber, Year int
	Month                  string // the month's name from month.*
}

// moneyArgs is what format.money may use.
type moneyArgs struct {
	Symbol, Number string
}

// countArgs is what a plural message may use.
type countArgs struct {
	Count int
}

// formatDate writes t's calendar date in loc the locale's way ("March 5, 2026").
func (p *phrasebook) formatDate(t time.Time, loc *time.Location) string {
	y, m, d := t.In(loc).Date()
	month := p.say(monthID(m), nil)
	return p.say("format.date", dateArgs{Day: d, MonthNumber: int(m), Year: y, Month: month})
}

// formatMoney writes minor units of unit the locale's way ("1.234,50 €" in de).
func (p *phrasebook) formatMoney(minor int64, unit currency.Unit) string {
	scale, _ := currency.Standard.Rounding(unit)
	minGrouping, err := strconv.Atoi(p.say("format.minimum_grouping_digits", nil))
	if err != nil && p.err == nil {
		p.err = fmt.Errorf("templates: %s format.minimum_grouping_digits: %w", p.locale, err)
	}
	rules := numberRules{
		decimal:     p.say("format.decimal_separator", nil),
		group:       p.say("format.group_separator", nil),
		minGrouping: minGrouping,
	}
	negative, number := formatMinor(minor, scale, rules)
	symbol := currencySymbol(p.tag, unit)
	money := spaceCurrency(p.say("format.money", moneyArgs{Symbol: symbol, Number: number}), symbol, number)
	if negative {
		return "-" + money
	}
	return money
}

// dueRelative says when a payment is due, counted in calendar days: "today", "tomorrow",
// "in 3 days". A date already passed reads as today: the reminder sweep never writes after
// the due date (it cancels the order then).
func (p *phrasebook) dueRelative(days int) string {
	switch {
	case days <= 0:
		return p.say("common.due_today", nil)
	case days == 1:
		return p.say("common.due_tomorrow", nil)
	}
	return p.daysLeft(days)
}

// daysLeft is the plural phrase for days ("in 5 days", "через 5 дней", "za 5 dni").
func (p *phrasebook) daysLeft(days int) string {
	return p.count("common.days_left", days)
}
