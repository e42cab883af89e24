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

// localList serves GET /local/outbox (the messages the local sink has captured) and
// GET /local/alerts (the seller alerts the local alerts sink has captured) from list, as a
// JSON array ([] when there are none, never null). For tests and demos of `orderwire
// serve`; the routes exist only when the local server wires Config.LocalOutbox or
// Config.LocalAlerts, and they need the bearer token like every other local route.
func (a *api) localList(list OutboxLister) http.HandlerFunc {
	return func(w http.ResponseWriter, _ *http.Request) { a.writeList(w, list) }
}

func (a *api) writeList(w http.ResponseWriter, lister OutboxLister) {
	const op = "httpapi.localList"
	list, err := lister()
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
