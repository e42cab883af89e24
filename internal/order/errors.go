package order

import (
	"errors"
	"fmt"
	"sort"
	"strings"
)

// Code classifies an Error. Codes are part of the public API: they appear verbatim in
// HTTP error bodies, and adapters translate their own failures into them.
type Code string

// The error codes. Each maps to one HTTP status at the edge.
const (
	CodeInvalid      Code = "invalid"      // the input is malformed; Fields says where
	CodeUnauthorized Code = "unauthorized" // missing or wrong credentials
	CodeNotFound     Code = "not_found"    // the thing asked for does not exist
	CodeConflict     Code = "conflict"     // the write lost a race or breaks a rule of state
	CodeTooLarge     Code = "too_large"    // the request body exceeds the limit
	CodeInternal     Code = "internal"     // anything else; details stay in the log
)

// Error is the one error type of orderwire. Op names the operation that failed
// ("store.SaveOrder"); Message is safe to show a caller; Fields lists every bad input field
// at once (field path → reason); Err is the underlying cause, which never reaches a caller.
type Error struct {
	Code    Code
	Op      string
	Message string
	Fields  map[string]string
	Err     error
}

// Error renders the operation, the code, the message, the fields and the cause, for logs.
func (e *Error) Error() string {
	s := string(e.Code)
	if e.Op != "" {
		s = e.Op + ": " + s
	}
	if e.Message != "" {
		s += ": " + e.Message
	}
	if len(e.Fields) > 0 {
		names := make([]string, 0, len(e.Fields))
		for name := range e.Fields {
			names = append(names, name+" "+e.Fields[name])
		}
		sort.Strings(names)
		s += " (" + strings.Join(names, "; ") + ")"
	}
	if e.Err != nil {
		s += ": " + e.Err.Error()
	}
	return s
}

// Unwrap returns the cause.
func (e *Error) Unwrap() error { return e.Err }

// Errorf builds an Error with a formatted, caller-safe message.
func Errorf(code Code, op, format string, args ...any) *Error {
	return &Error{Code: code, Op: op, Message: fmt.Sprintf(format, args...)}
}

// Internal wraps a cause as an internal error; the cause is logged, never shown.
func Internal(op string, err error) *Error {
	return &Error{Code: CodeInternal, Op: op, Message: "internal error", Err: err}
}

// ErrorCode returns the code of the first Error in err's chain, CodeInternal for any other
// non-nil error, and "" for nil.
func ErrorCode(err error) Code {
	if err == nil {
		return ""
	}
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	return CodeInternal
}

// FieldErrors collects per-field validation failures so that every bad field is reported at
// once. The zero value is ready to use.
type FieldErrors map[string]string

// Add records reason for field unless the field already has a reason.
func (f *FieldErrors) Add(field, reason string) {
	if *f == nil {
		*f = FieldErrors{}
	}
	if _, ok := (*f)[field]; !ok {
		(*f)[field] = reason
	}
}

// Err returns an invalid Error listing the fields, or nil when there are none.
func (f FieldErrors) Err(op string) error {
	if len(f) == 0 {
		return nil
	}
	return &Error{Code: CodeInvalid, Op: op, Message: "invalid input", Fields: f}
}
