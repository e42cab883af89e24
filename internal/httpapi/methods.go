package httpapi

import (
	"net/http"
	"strings"

	"github.com/orderwire/orderwire/internal/order"
)

// codeMethodNotAllowed is the error code of a 405: the path is a route, the method is not
// one it takes. It is an HTTP matter, so it lives here rather than among the domain's codes.
const codeMethodNotAllowed order.Code = "method_not_allowed"

// probedMethods are the methods the catch-all tries on a path to fill in the Allow header.
var probedMethods = []string{http.MethodGet, http.MethodHead, http.MethodPost, http.MethodPut,
	http.MethodPatch, http.MethodDelete}

// unrouted answers a request no route pattern took (mux's "/" catch-all): 405 with an Allow
// header listing the methods the path does take, when it takes any, else 404. Every route
// must be registered with its method ("GET /v1/orders/{order_id}"), so that the mux, not the
// handler, knows which methods a path takes; the 405 comes before authentication, as the
// routes are public knowledge (README).
func unrouted(mux *http.ServeMux) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		var allow []string
		for _, m := range probedMethods {
			if m == r.Method {
				continue
			}
			probe := r.WithContext(r.Context())
			probe.Method = m
			if _, pattern := mux.Handler(probe); pattern != "" && pattern != "/" {
				allow = append(allow, m)
			}
		}
		if len(allow) == 0 {
			writeError(w, order.Errorf(order.CodeNotFound, "httpapi.unrouted", "no route for %s %s", r.Method, r.URL.Path))
			return
		}
		w.Header().Set("Allow", strings.Join(allow, ", "))
		writeError(w, order.Errorf(codeMethodNotAllowed, "httpapi.unrouted", "method %s is not allowed here; allowed: %s",
			r.Method, strings.Join(allow, ", ")))
	}
}
