package httpapi

import (
	"net/http"
	"strconv"

	"github.com/orderwire/orderwire/internal/order"
	"github.com/orderwire/orderwire/internal/orderjson"
)

// The API's order shapes live in internal/orderjson (shared with the evidence pack).
type orderResponse = orderjson.Order

func newOrderResponse(o order.Order, timeline []order.TimelineEntry) orderResponse {
	return orderjson.New(o, timeline)
}

// order serves PUT and GET /v1/orders/{order_id}.
func (a *api) order(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("order_id")
	switch r.Method {
	case http.MethodGet, http.MethodHead:
		o, timeline, err := a.orders.GetOrder(r.Context(), id)
		if err != nil {
			writeError(w, err)
			return
		}
		if timeline == nil {
			timeline = []order.TimelineEntry{}
		}
		writeOrder(w, http.StatusOK, o, timeline)
	case http.MethodPut:
		terms, err := decodeTerms(w, r, id)
		if err != nil {
			writeError(w, err)
			return
		}
		o, created, err := a.orders.PutOrder(r.Context(), id, terms)
		if err != nil {
			writeError(w, err)
			return
		}
		status := http.StatusOK
		if created {
			status = http.StatusCreated
			w.Header().Set("Location", "/v1/orders/"+o.ID)
		}
		writeOrder(w, status, o, nil)
	default: // the mux routes only GET, HEAD and PUT here
		w.Header().Set("Allow", "GET, HEAD, PUT")
		writeError(w, order.Errorf(codeMethodNotAllowed, "httpapi.order", "method %s is not allowed here", r.Method))
	}
}

// writeOrder answers with the order; timeline nil leaves the timeline out (PUT answers).
func writeOrder(w http.ResponseWriter, status int, o order.Order, timeline []order.TimelineEntry) {
	w.Header().Set("ETag", strconv.Quote("v"+strconv.FormatInt(o.Version, 10)))
	writeJSON(w, status, newOrderResponse(o, timeline))
}
