package lambdahttp_test

import (
	"bytes"
	"context"
	"encoding/json"
	"log/slog"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/events"

	"github.com/orderwire/orderwire/internal/embedded"
	"github.com/orderwire/orderwire/internal/httpapi"
	"github.com/orderwire/orderwire/internal/lambdahttp"
	"github.com/orderwire/orderwire/internal/seller"
)

// fixtureToken is the bearer token the seller API fixtures carry.
const fixtureToken = "ow-test-token-7f3c9a1e5b2d4f6a8c0e"

// sellerAPI is the real seller API (httpapi over seller.Service over the embedded store) as
// the Lambda runtime would call it, and the buffer its JSON log goes to.
func sellerAPI(t *testing.T) (func(context.Context, events.APIGatewayV2HTTPRequest) (events.APIGatewayV2HTTPResponse, error), *bytes.Buffer) {
	t.Helper()
	st, err := embedded.Open(t.TempDir(), embedded.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = st.Close() })
	var logs bytes.Buffer
	now := func() time.Time { return time.Date(2026, 11, 12, 9, 14, 5, 0, time.UTC) }
	h := httpapi.New(httpapi.Config{
		Orders: &seller.Service{Orders: st, Now: now},
		Tokens: []string{"an-older-token-still-valid", fixtureToken},
		Logger: slog.New(slog.NewJSONHandler(&logs, nil)),
	})
	return lambdahttp.Handler(h), &logs
}

// TestSellerAPIThroughLambda drives the real seller API with API Gateway fixtures: a PUT
// whose JSON body API Gateway base64-encoded creates the order (201), a GET reads it back
// (200, JSON fields), and a wrong token is refused (401). Neither the buyer's contact
// details nor the token reach the log.
func TestSellerAPIThroughLambda(t *testing.T) {
	invoke, logs := sellerAPI(t)
	ctx := context.Background()

	put, err := invoke(ctx, loadEvent(t, "apigw-v2-put-order-base64.json"))
	if err != nil {
		t.Fatal(err)
	}
	if put.StatusCode != http.StatusCreated || put.Headers["Location"] != "/v1/orders/ord-1001" {
		t.Fatalf("PUT: %d %v %s", put.StatusCode, put.Headers, put.Body)
	}

	get, err := invoke(ctx, loadEvent(t, "apigw-v2-get-order.json"))
	if err != nil {
		t.Fatal(err)
	}
	if get.StatusCode != http.StatusOK || get.IsBase64Encoded {
		t.Fatalf("GET: %d base64=%v %s", get.StatusCode, get.IsBase64Encoded, get.Body)
	}
	if ct := get.Headers["Content-Type"]; !strings.HasPrefix(ct, "application/json") {
		t.Errorf("GET Content-Type %q", ct)
	}
	var o struct {
		OrderID      string    `json:"order_id"`
		Status       string    `json:"status"`
		AmountMinor  int64     `json:"amount_minor"`
		Currency     string    `json:"currency"`
		BuyerID      string    `json:"buyer_id"`
		PaymentDueAt time.Time `json:"payment_due_at"`
		Version      int64     `json:"version"`
	}
	if err := json.Unmarshal([]byte(get.Body), &o); err != nil {
		t.Fatalf("GET body %q: %v", get.Body, err)
	}
	due := time.Date(2026, 12, 1, 12, 0, 0, 0, time.UTC)
	if o.OrderID != "ord-1001" || o.Status != "pending_payment" || o.AmountMinor != 12990 ||
		o.Currency != "BRL" || o.BuyerID != "buyer-1" || !o.PaymentDueAt.Equal(due) || o.Version != 1 {
		t.Errorf("GET order %+v", o)
	}

	denied, err := invoke(ctx, loadEvent(t, "apigw-v2-get-order-wrong-token.json"))
	if err != nil {
		t.Fatal(err)
	}
	var e struct{ Error struct{ Code string } }
	_ = json.Unmarshal([]byte(denied.Body), &e)
	if denied.StatusCode != http.StatusUnauthorized || e.Error.Code != "unauthorized" ||
		denied.Headers["Www-Authenticate"] == "" {
		t.Errorf("wrong token: %d %v %s", denied.StatusCode, denied.Headers, denied.Body)
	}

	for _, secret := range []string{"ana@example.com", "+5511912345678", "Ana Souza", fixtureToken, "not-the-token"} {
		if strings.Contains(logs.String(), secret) {
			t.Errorf("the log contains %q:\n%s", secret, logs)
		}
	}
	if n := strings.Count(logs.String(), `"msg":"request"`); n != 3 {
		t.Errorf("%d request log lines, want 3:\n%s", n, logs)
	}
}
