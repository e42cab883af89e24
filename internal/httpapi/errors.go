package httpapi

import (
	"encoding/json"
	"errors"
	"net/http"

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
}

// writeError answers with the error's code and caller-safe message. An internal error's
// cause is never shown; it is handed to the logging middleware instead.
func writeError(w http.ResponseWriter, err error) {
	var e *order.Error
	if !errors.As(err, &e) || e.Code == order.CodeInternal || statusOf[e.Code] == 0 {
		e = &order.Error{Code: order.CodeInternal, Message: "internal error"}
	}
	if rec, ok := w.(*statusRecorder); ok {
		rec.err = err
	}
	writeJSON(w, statusOf[e.Code], errorBody{Error: errorDetail{Code: e.Code, Message: e.Message, Fields: e.Fields}})
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
