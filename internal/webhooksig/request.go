package webhooksig

import "net/http"

// Request is a webhook as received, the one input every payment and carrier provider
// verifies and parses (payment.Request and tracking.Request are this type under the names
// their packages use). Body is the raw bytes exactly as they arrived: signatures are checked
// over them before anything is parsed, so nothing may re-encode or trim them.
type Request struct {
	Method string // "POST"
	// Path is the URI path as received (escaped form), e.g. "/webhooks/payments/antom";
	// Antom signs it, the other schemes ignore it.
	Path   string
	Header http.Header
	Body   []byte
}
