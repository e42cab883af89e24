package httpapi

import "net/http"

// route is one route of the handler: a method-and-path pattern of http.ServeMux
// ("GET /v1/orders/{order_id}"), whether it needs the bearer token, and its handler.
type route struct {
	pattern string
	auth    bool
	handler http.HandlerFunc
}

// routes is the one table New registers, in order; the OpenAPI test reads it too (every
// route served is documented in openapi.json, and every documented operation is served). A
// route whose dependency is not configured is left out of the table, so it answers 404.
// Every pattern names its method: the catch-all's 405 relies on it (see unrouted).
func (a *api) routes() []route {
	rs := []route{
		{"GET /healthz", false, health},
		{"GET /v1/openapi.json", false, serveOpenAPI},
		{"GET /v1/orders/{order_id}", true, a.order},
		{"PUT /v1/orders/{order_id}", true, a.order},
		{"POST /v1/orders/{order_id}/shipments", true, a.shipments},
		{"GET /v1/buyers/{buyer_id}", true, a.buyer},
	}
	add := func(on bool, more ...route) {
		if on {
			rs = append(rs, more...)
		}
	}
	add(a.lister != nil, route{"GET /v1/orders", true, a.listOrders})
	add(a.messages != nil, route{"GET /v1/orders/{order_id}/messages", true, a.orderMessages})
	add(a.prefs != nil, route{"PUT /v1/buyers/{buyer_id}/preferences", true, a.putPreferences})
	// The token in the query is the credential: no bearer token.
	add(a.prefs != nil && a.verifier != nil,
		route{"GET /unsubscribe", false, a.unsubscribePage},
		route{"POST /unsubscribe", false, a.unsubscribePost})
	add(a.unfiled != nil,
		route{"GET /v1/events", true, a.listEvents},
		route{"POST /v1/events/{provider}/{event_id}/assign", true, a.assignEvent})
	add(a.packs != nil, route{"GET /v1/orders/{order_id}/evidence", true, a.evidence})
	add(a.buyerData.Store != nil,
		route{"DELETE /v1/buyers/{buyer_id}", true, a.eraseBuyer},
		route{"GET /v1/buyers/{buyer_id}/export", true, a.exportBuyer})
	add(a.sweep != nil, route{"POST /local/reminders/run", true, a.runReminders})
	add(a.outbox != nil, route{"GET /local/outbox", true, a.localList(a.outbox)})
	add(a.alerts != nil, route{"GET /local/alerts", true, a.localList(a.alerts)})
	// Webhooks: the provider's signature is the authentication.
	rs = append(rs,
		route{"POST /webhooks/payments/{provider}", false, a.paymentWebhook},
		route{"POST /webhooks/carriers/{provider}", false, a.carrierWebhook})
	return rs
}

// mux registers the route table, and the catch-all that answers what no route takes.
func (a *api) mux() *http.ServeMux {
	mux := http.NewServeMux()
	for _, r := range a.routes() {
		var h http.Handler = r.handler
		if r.auth {
			h = a.authenticated(r.handler)
		}
		mux.Handle(r.pattern, h)
	}
	if a.console != nil { // the seller console: its own sessions (internal/console)
		mux.Handle("GET /console/", a.console)
		mux.Handle("POST /console/", a.console)
		mux.Handle("GET /console", http.RedirectHandler("/console/today", http.StatusSeeOther))
	}
	mux.HandleFunc("/", unrouted(mux)) // 404, or 405 with Allow for a route's other methods
	return mux
}

// health serves GET /healthz.
func health(w http.ResponseWriter, _ *http.Request) {
	writeJSON(w, http.StatusOK, map[string]string{"status": "ok"})
}
