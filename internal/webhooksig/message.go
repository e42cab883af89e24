package webhooksig

import (
	"encoding/json"
	"net/http"
	"time"

	"github.com/orderwire/orderwire/internal/order"
)

// Message is a Standard Webhooks message whose payload follows the envelope the scheme
// recommends: {"type": ..., "timestamp": ..., "data": D}. D is the caller's type of data
// (json.RawMessage to decode it later).
type Message[D any] struct {
	ID     string    // the webhook-id header: kept across retries, the event id to dedupe on
	Type   string    // the envelope's type
	SentAt time.Time // the envelope's timestamp (RFC 3339, offset kept), else webhook-timestamp, else zero
	Data   D         // the envelope's data
}

// ReadMessage reads the message id from h and decodes body as the envelope. Failures are
// invalid *order.Errors of op, checked in this order: no webhook-id header, a body that is
// not JSON of the envelope with data of type D, a timestamp that is not RFC 3339.
func ReadMessage[D any](op string, h http.Header, body []byte) (Message[D], error) {
	m := Message[D]{ID: Header(h, HeaderID)}
	if m.ID == "" {
		return Message[D]{}, order.Errorf(order.CodeInvalid, op, "missing webhook-id header (the event id)")
	}
	var env struct {
		Type      string `json:"type"`
		Timestamp string `json:"timestamp"`
		Data      D      `json:"data"`
	}
	if err := json.Unmarshal(body, &env); err != nil {
		return Message[D]{}, order.Errorf(order.CodeInvalid, op, "body is not JSON of the documented schema")
	}
	m.Type, m.Data = env.Type, env.Data
	if env.Timestamp == "" {
		m.SentAt, _ = UnixSeconds(Header(h, HeaderTimestamp))
		return m, nil
	}
	t, err := time.Parse(time.RFC3339Nano, env.Timestamp)
	if err != nil {
		return Message[D]{}, order.Errorf(order.CodeInvalid, op, "timestamp is not RFC 3339")
	}
	m.SentAt = t
	return m, nil
}
