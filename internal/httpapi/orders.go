package httpapi

import (
	"net/http"
	"strconv"
	"time"

	"github.com/orderwire/orderwire/internal/order"
)

// orderResponse is an order as the API shows it. Buyer contact details are not echoed back.
type orderResponse struct {
	OrderID      string      `json:"order_id"`
	Status       string      `json:"status"`
	AmountMinor  int64       `json:"amount_minor"`
	Currency     string      `json:"currency"`
	BuyerID      string      `json:"buyer_id"`
	CreatedAt    time.Time   `json:"created_at"`
	PaymentDueAt time.Time   `json:"payment_due_at"`
	UpdatedAt    time.Time   `json:"updated_at"`
	Version      int64       `json:"version"`
	Timeline     []timelineJ `json:"timeline"`
}

// timelineJ is one timeline entry; the payment and tracking issues fill the timeline.
type timelineJ struct{}

func newOrderResponse(o order.Order) orderResponse {
	return orderResponse{OrderID: o.ID, Status: string(o.Status), AmountMinor: o.AmountMinor,
		Currency: o.Currency, BuyerID: o.BuyerID, CreatedAt: o.CreatedAt, PaymentDueAt: o.PaymentDueAt,
		UpdatedAt: o.UpdatedAt, Version: o.Version, Timeline: []timelineJ{}}
}

// order serves PUT and GET /v1/orders/{order_id}.
func (a *api) order(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("order_id")
	switch r.Method {
	case http.MethodGet, http.MethodHead:
		o, err := a.orders.GetOrder(r.Context(), id)
		if err != nil {
			writeError(w, err)
			return
		}
		writeOrder(w, http.StatusOK, o)
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
		writeOrder(w, status, o)
	default:
		w.Header().Set("Allow", "GET, HEAD, PUT")
		writeError(w, order.Errorf(order.CodeInvalid, "httpapi", "method %s is not allowed here", r.Method))
	}
}

func writeOrder(w http.ResponseWriter, status int, o order.Order) {
	w.Header().Set("ETag", strconv.Quote("v"+strconv.FormatInt(o.Version, 10)))
	writeJSON(w, status, newOrderResponse(o))
}
