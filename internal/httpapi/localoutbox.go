package httpapi

import (
	"encoding/json"
	"net/http"

	"github.com/orderwire/orderwire/internal/order"
)

// OutboxLister lists what the local server's message sink has "sent" (local mode only):
// any value that marshals to a JSON array, such as a slice of messages. A nil slice is
// answered as [].
type OutboxLister func() (any, error)

// localOutbox serves GET /local/outbox: the messages the local sink has captured, as a JSON
// array ([] when there are none, never null). For tests and demos of `orderwire serve`; the
// route exists only when the local server wires Config.LocalOutbox, and it needs the bearer
// token like every other local route.
func (a *api) localOutbox(w http.ResponseWriter, r *http.Request) {
	const op = "httpapi.localOutbox"
	list, err := a.outbox()
	if err != nil {
		writeError(w, err)
		return
	}
	raw, err := json.Marshal(list)
	if err != nil {
		writeError(w, order.Internal(op, err))
		return
	}
	switch {
	case string(raw) == "null":
		raw = []byte("[]")
	case raw[0] != '[':
		writeError(w, order.Errorf(order.CodeInternal, op, "the outbox is not a list"))
		return
	}
	writeJSON(w, http.StatusOK, json.RawMessage(raw))
}
