package webhooksig

import (
	"encoding/json"
	"net/http"
	"testing"
	"time"

	"github.com/orderwire/orderwire/internal/order"
)

func TestReadMessage(t *testing.T) {
	type data struct {
		OrderID string `json:"order_id"`
	}
	h := http.Header{"webhook-id": {" msg_1 "}, "webhook-timestamp": {"1614265330"}}
	m, err := ReadMessage[data]("test.Parse", h, []byte(`{"type":"payment.succeeded","timestamp":"2026-03-01T11:00:00+01:00","data":{"order_id":"ORD-1"}}`))
	if err != nil {
		t.Fatal(err)
	}
	sentAt := time.Date(2026, 3, 1, 11, 0, 0, 0, time.FixedZone("", 3600))
	if m.ID != "msg_1" || m.Type != "payment.succeeded" || m.Data.OrderID != "ORD-1" || !m.SentAt.Equal(testNow) || m.SentAt.String() != sentAt.String() {
		t.Fatalf("got %+v; want msg_1, the type, the data and the envelope's timestamp with its offset", m)
	}

	raw, err := ReadMessage[json.RawMessage]("test.Parse", h, []byte(`{"type":"x","data":[1, 2]}`))
	if err != nil || string(raw.Data) != "[1, 2]" || !raw.SentAt.Equal(time.Unix(1614265330, 0)) {
		t.Fatalf("got %+v, %v; want data verbatim and webhook-timestamp as the sent time", raw, err)
	}
	none, err := ReadMessage[json.RawMessage]("test.Parse", http.Header{"Webhook-Id": {"msg_2"}, "Webhook-Timestamp": {"soon"}}, []byte(`{}`))
	if err != nil || !none.SentAt.IsZero() || none.Data != nil {
		t.Fatalf("got %+v, %v; want no sent time and no data", none, err)
	}
}

func TestReadMessageFailures(t *testing.T) {
	withID := http.Header{"Webhook-Id": {"msg_1"}}
	for _, c := range []struct {
		name string
		h    http.Header
		body string
		want string
	}{
		{"no webhook-id, bad body too", http.Header{"Webhook-Timestamp": {"1614265330"}}, `nope`, "missing webhook-id header (the event id)"},
		{"not JSON", withID, `{"type":`, "body is not JSON of the documented schema"},
		{"data of the wrong type, bad timestamp too", withID, `{"timestamp":"yesterday","data":{"order_id":5}}`, "body is not JSON of the documented schema"},
		{"type not a string", withID, `{"type":1}`, "body is not JSON of the documented schema"},
		{"timestamp not RFC 3339", withID, `{"timestamp":"2026-03-01 10:00"}`, "timestamp is not RFC 3339"},
	} {
		_, err := ReadMessage[struct {
			OrderID string `json:"order_id"`
		}]("test.Parse", c.h, []byte(c.body))
		e, ok := err.(*order.Error)
		if !ok || e.Code != order.CodeInvalid || e.Op != "test.Parse" || e.Message != c.want {
			t.Errorf("%s: err = %v; want invalid, op test.Parse, %q", c.name, err, c.want)
		}
	}
}
