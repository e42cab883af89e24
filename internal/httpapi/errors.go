package httpapi

import (
	"encoding/json"
	"errors"
	"maps"
	"net/http"
	"slices"

	"github.com/orderwire/orderwire/internal/order"
)

var statusOf = map[order.Code]int{
	order.CodeInvalid:      http.StatusBadRequest,
	order.CodeUnauthorized: http.StatusUnauthorized,
	order.CodeNotFound:     http.StatusNotFound,
	order.CodeConflict:     http.StatusConflict,
	order.CodeTooLarge:     http.StatusRequestEntityTooLarge,
	codeMethodNotAllowed:   http.StatusMethodNotAllowed,
	order.CodeInternal:     http.StatusInternalServerError,
}

type errorBody struct {
	Error errorDetail `json:"error"`
}

type errorDetail struct {
	Code    order.Code        `json:"code"`
	Message string            `json:"message"`
	Fields  map[string]string `json:"fields,omitempty"`
	// FieldsOmitted counts the field errors left out of Fields (over maxListedFields).
	FieldsOmitted int `json:"fields_omitted,omitempty"`
}

// maxListedFields bounds an error answer's fields: a body of a million unknown members
// gets the first 50 by name and a count of the rest, not an answer larger than the body.
const maxListedFields = 50

// listedFields returns at most maxListedFields of fields, the first by name, and how many
// were left out.
func listedFields(fields map[string]string) (map[string]string, int) {
	if len(fields) <= maxListedFields {
		return fields, 0
	}
	names := slices.Sorted(maps.Keys(fields))[:maxListedFields]
	out := make(map[string]string, maxListedFields)
	for _, name := range names {
		out[name] = fields[name]
	}
	return out, len(fields) - maxListedFields
}

// writeError answers with the error's code, caller-safe message and at most
// maxListedFields field errors (fields_omitted counts the rest). An internal error's
// cause is never shown; it is handed to the logging middleware instead.
func writeError(w http.ResponseWriter, err error) {
	var e *order.Error
	if !errors.As(err, &e) || e.Code == order.CodeInternal || statusOf[e.Code] == 0 {
		e = &order.Error{Code: order.CodeInternal, Message: "internal error"}
	}
	if rec, ok := w.(*statusRecorder); ok {
		rec.err = err
	}
	fields, omitted := listedFields(e.Fields)
	writeJSON(w, statusOf[e.Code], errorBody{Error: errorDetail{Code: e.Code, Message: e.Message, Fields: fields, FieldsOmitted: omitted}})
}

func writeJSON(w http.ResponseWriter, status int, body any) {
	raw, err := json.Marshal(body)
	if err != nil {
		status, raw = http.StatusInternalServerError, []byte(`{"error":{"code":"internal","message":"internal error"}}`)
	}
	h := w.Header()
	h.Set("Content-Type", "application/json; charset=utf-8")
	h.Set("Cache-Control", "no-store")
	h.Set("X-Content-Type-Options", "nosniff")
	w.WriteHeader(status)
	_, _ = w.Write(append(raw, '\n'))
}
