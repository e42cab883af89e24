package httpapi

import (
	_ "embed"
	"net/http"
)

// openAPIDoc is the OpenAPI 3.1 document of the whole HTTP API (openapi.json): every /v1
// route, the webhooks, /unsubscribe, /healthz, and the /local routes (local server only).
// TestOpenAPIMatchesRoutes keeps it and the route table in step.
//
//go:embed openapi.json
var openAPIDoc []byte

// serveOpenAPI serves GET /v1/openapi.json: the document, without a token (the routes are
// public knowledge; see unrouted).
func serveOpenAPI(w http.ResponseWriter, _ *http.Request) {
	h := w.Header()
	h.Set("Content-Type", "application/json; charset=utf-8")
	h.Set("Cache-Control", "public, max-age=300")
	h.Set("X-Content-Type-Options", "nosniff")
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write(openAPIDoc)
}
