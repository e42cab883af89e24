package httpapi

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"sort"
	"time"
	"unicode/utf8"

	"github.com/orderwire/orderwire/internal/order"
)

// readBody reads a seller API JSON body of at most MaxBodyBytes (readBodyLimit).
func readBody(w http.ResponseWriter, r *http.Request) ([]byte, error) {
	return readBodyLimit(w, r, MaxBodyBytes)
}

// readBodyLimit reads a seller API JSON body of at most limit bytes: a larger body is a
// too_large error, one that is not valid UTF-8 an invalid error (encoding/json would
// otherwise turn the bad bytes into U+FFFD silently). Provider-defined bodies (webhooks,
// the one-click unsubscribe form) are read with readRawBody instead.
func readBodyLimit(w http.ResponseWriter, r *http.Request, limit int64) ([]byte, error) {
	body, err := readRawBody(w, r, limit)
	if err == nil && !utf8.Valid(body) {
		return nil, order.Errorf(order.CodeInvalid, "httpapi.readBody", "request body is not valid UTF-8")
	}
	return body, err
}

// readRawBody reads at most limit bytes as they are; a larger body is a too_large error.
func readRawBody(w http.ResponseWriter, r *http.Request, limit int64) ([]byte, error) {
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, limit))
	var tooBig *http.MaxBytesError
	if errors.As(err, &tooBig) {
		return nil, order.Errorf(order.CodeTooLarge, "httpapi.readBody", "request body exceeds %d bytes", limit)
	}
	if err != nil {
		return nil, order.Errorf(order.CodeInvalid, "httpapi.readBody", "request body could not be read")
	}
	return body, nil
}

// object is a JSON object whose members are decoded one by one, so that every unknown,
// missing or mistyped field is reported in one answer.
type object struct {
	prefix  string
	members map[string]json.RawMessage
	seen    map[string]bool
	errs    *order.FieldErrors
}

// parseObject reads raw as one JSON object; it reports false when raw is anything else. A
// member name repeated in any object inside raw is a field error ("appears more than once"):
// parsers disagree on which copy wins, so the body is refused rather than guessed at.
func parseObject(raw []byte, prefix string, errs *order.FieldErrors) (*object, bool) {
	o := &object{prefix: prefix, seen: map[string]bool{}, errs: errs}
	dec := json.NewDecoder(bytes.NewReader(raw))
	if err := dec.Decode(&o.members); err != nil || o.members == nil || dec.More() {
		return nil, false
	}
	if name, ok := repeatedMember(raw); ok {
		errs.Add(prefix+name, "appears more than once")
	}
	return o, true
}

// field decodes member name into v; it reports whether the member was present and valid.
func (o *object) field(name string, v any, required bool, want string) bool {
	o.seen[name] = true
	raw, ok := o.members[name]
	if !ok || string(raw) == "null" {
		if required {
			o.errs.Add(o.prefix+name, "is required")
		}
		return false
	}
	if err := json.Unmarshal(raw, v); err != nil {
		o.errs.Add(o.prefix+name, "must be "+want)
		return false
	}
	return true
}

func (o *object) timeField(name string, required bool) time.Time {
	var s string
	if !o.field(name, &s, required, "an RFC 3339 time string") {
		return time.Time{}
	}
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		o.errs.Add(o.prefix+name, "must be an RFC 3339 time such as 2026-12-01T12:00:00Z")
	}
	return t
}

// rejectUnknown reports every member not asked for.
func (o *object) rejectUnknown() {
	var names []string
	for name := range o.members {
		if !o.seen[name] {
			names = append(names, name)
		}
	}
	sort.Strings(names)
	for _, name := range names {
		o.errs.Add(o.prefix+name, "unknown field")
	}
}

// decodeTerms reads the PUT /v1/orders/{id} body. Every problem with it, from JSON types to
// the domain's own checks of the fields that did decode, comes back in one invalid error.
func decodeTerms(w http.ResponseWriter, r *http.Request, id string) (order.Terms, error) {
	const op = "httpapi.decodeTerms"
	body, err := readBody(w, r)
	if err != nil {
		return order.Terms{}, err
	}
	var errs order.FieldErrors
	top, ok := parseObject(body, "", &errs)
	if !ok {
		return order.Terms{}, order.Errorf(order.CodeInvalid, op, "request body must be one JSON object")
	}
	var t order.Terms
	top.field("amount_minor", &t.AmountMinor, true, "an integer number of minor units")
	top.field("currency", &t.Currency, true, "a string")
	t.PaymentDueAt = top.timeField("payment_due_at", true)
	t.CreatedAt = top.timeField("created_at", false)
	var rawBuyer json.RawMessage
	if top.field("buyer", &rawBuyer, true, "an object") {
		if b, ok := parseObject(rawBuyer, "buyer.", &errs); ok {
			b.field("id", &t.Buyer.ID, true, "a string")
			b.field("name", &t.Buyer.Name, true, "a string")
			b.field("email", &t.Buyer.Email, false, "a string")
			b.field("phone", &t.Buyer.Phone, false, "a string")
			b.field("locale", &t.Buyer.Locale, true, "a string")
			b.field("timezone", &t.Buyer.TimeZone, true, "a string")
			b.field("country", &t.Buyer.Country, true, "a string")
			b.rejectUnknown()
		} else {
			errs.Add("buyer", "must be an object")
		}
	}
	top.rejectUnknown()
	if len(errs) == 0 {
		return t, nil
	}
	t.Buyer = t.Buyer.Normalize()
	var domain *order.Error
	if _, err := order.New(id, t, time.Now()); asError(err, &domain) {
		for field, reason := range domain.Fields {
			errs.Add(field, reason) // keeps the decoding reason where both have one
		}
	}
	return order.Terms{}, errs.Err(op)
}

func asError(err error, target **order.Error) bool { return errors.As(err, target) }
