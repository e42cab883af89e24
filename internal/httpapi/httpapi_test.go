package httpapi_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/orderwire/orderwire/internal/embedded"
	"github.com/orderwire/orderwire/internal/httpapi"
	"github.com/orderwire/orderwire/internal/order"
	"github.com/orderwire/orderwire/internal/seller"
)

const token = "test-token-123"

const validBody = `{"buyer":{"id":"buyer-1","name":"Ana Souza","email":"ana@example.com",
 "phone":"+5511912345678","locale":"pt-BR","timezone":"America/Sao_Paulo","country":"BR"},
 "amount_minor":12990,"currency":"BRL","payment_due_at":"2026-12-01T12:00:00Z"}`

type fixture struct {
	handler http.Handler
	store   *embedded.Store
	logs    *bytes.Buffer
}

func newFixture(t *testing.T) *fixture {
	t.Helper()
	st, err := embedded.Open(t.TempDir(), embedded.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = st.Close() })
	logs := &bytes.Buffer{}
	h := httpapi.New(httpapi.Config{
		Orders: &seller.Service{Orders: st, Now: func() time.Time { return time.Date(2026, 11, 22, 9, 0, 0, 0, time.UTC) }},
		Tokens: []string{"old-token", token},
		Logger: slog.New(slog.NewJSONHandler(logs, nil)),
	})
	return &fixture{handler: h, store: st, logs: logs}
}

func (f *fixture) do(method, path, body string, header ...string) *httptest.ResponseRecorder {
	req := httptest.NewRequest(method, path, strings.NewReader(body))
	req.Header.Set("Authorization", "Bearer "+token)
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	rec := httptest.NewRecorder()
	f.handler.ServeHTTP(rec, req)
	return rec
}

type errorResponse struct {
	Error struct {
		Code    string            `json:"code"`
		Message string            `json:"message"`
		Fields  map[string]string `json:"fields"`
		Omitted int               `json:"fields_omitted"`
	} `json:"error"`
}

func decodeError(t *testing.T, rec *httptest.ResponseRecorder, status int, code string) errorResponse {
	t.Helper()
	if rec.Code != status {
		t.Fatalf("status = %d, want %d; body %s", rec.Code, status, rec.Body)
	}
	var e errorResponse
	if err := json.Unmarshal(rec.Body.Bytes(), &e); err != nil {
		t.Fatalf("error body is not JSON: %v: %s", err, rec.Body)
	}
	if e.Error.Code != code || e.Error.Message == "" {
		t.Fatalf("error = %+v, want code %q with a message", e.Error, code)
	}
	return e
}

func TestPutThenGet(t *testing.T) {
	f := newFixture(t)
	rec := f.do("PUT", "/v1/orders/AE-1001", validBody)
	if rec.Code != http.StatusCreated || rec.Header().Get("Location") != "/v1/orders/AE-1001" {
		t.Fatalf("create: %d %v %s", rec.Code, rec.Header(), rec.Body)
	}
	rec = f.do("PUT", "/v1/orders/AE-1001", strings.Replace(validBody, "12990", "13990", 1))
	if rec.Code != http.StatusOK || rec.Header().Get("ETag") != `"v2"` {
		t.Fatalf("update: %d %v %s", rec.Code, rec.Header(), rec.Body)
	}
	rec = f.do("GET", "/v1/orders/AE-1001", "")
	if rec.Code != http.StatusOK {
		t.Fatalf("get: %d %s", rec.Code, rec.Body)
	}
	var got map[string]any
	if err := json.Unmarshal(rec.Body.Bytes(), &got); err != nil {
		t.Fatal(err)
	}
	want := map[string]any{"order_id": "AE-1001", "status": "pending_payment", "amount_minor": 13990.0,
		"currency": "BRL", "buyer_id": "buyer-1", "payment_due_at": "2026-12-01T12:00:00Z",
		"created_at": "2026-11-22T09:00:00Z", "updated_at": "2026-11-22T09:00:00Z", "version": 2.0,
		"payment_status": "unpaid", "paid_minor": 0.0, "refunded_minor": 0.0, "dispute": nil, "disputes": []any{},
		"fraud_warning": false, "shipments": []any{}, "timeline": []any{}}
	if g, w := mustJSON(t, got), mustJSON(t, want); g != w {
		t.Fatalf("GET body\n got %s\nwant %s", g, w)
	}
	if strings.Contains(rec.Body.String(), "ana@example.com") {
		t.Fatal("GET echoes the buyer's email")
	}
}

func mustJSON(t *testing.T, v any) string {
	raw, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(raw)
}

func TestHealthzNeedsNoToken(t *testing.T) {
	f := newFixture(t)
	req := httptest.NewRequest("GET", "/healthz", nil)
	rec := httptest.NewRecorder()
	f.handler.ServeHTTP(rec, req)
	if rec.Code != http.StatusOK || !strings.Contains(rec.Body.String(), `"ok"`) {
		t.Fatalf("healthz: %d %s", rec.Code, rec.Body)
	}
}

func TestUnauthorized(t *testing.T) {
	f := newFixture(t)
	for name, header := range map[string]string{
		"missing": "", "wrong token": "Bearer nope", "basic scheme": "Basic " + token,
		"empty bearer": "Bearer ", "token prefix": "Bearer " + token[:5],
	} {
		t.Run(name, func(t *testing.T) {
			req := httptest.NewRequest("GET", "/v1/orders/AE-1", nil)
			if header != "" {
				req.Header.Set("Authorization", header)
			}
			rec := httptest.NewRecorder()
			f.handler.ServeHTTP(rec, req)
			decodeError(t, rec, http.StatusUnauthorized, "unauthorized")
			if rec.Header().Get("WWW-Authenticate") == "" {
				t.Error("no WWW-Authenticate header")
			}
		})
	}
	// A rotated-out token still listed is accepted: both tokens work during rotation.
	if rec := f.do("GET", "/v1/orders/AE-1", "", "Authorization", "Bearer old-token"); rec.Code != http.StatusNotFound {
		t.Fatalf("second configured token: %d %s", rec.Code, rec.Body)
	}
}

func TestNotFound(t *testing.T) {
	f := newFixture(t)
	decodeError(t, f.do("GET", "/v1/orders/nope", ""), http.StatusNotFound, "not_found")
	decodeError(t, f.do("GET", "/v2/elsewhere", ""), http.StatusNotFound, "not_found")
}

func TestInvalidListsEveryBadField(t *testing.T) {
	f := newFixture(t)
	body := `{"buyer":{"id":"bad id","name":"","email":"nope","locale":"pt-BR","timezone":"Mars/Base",
	  "country":"BR","nickname":"x"},"amount_minor":"12","currency":"usd","payment_due_at":"tomorrow","extra":1}`
	e := decodeError(t, f.do("PUT", "/v1/orders/AE-1", body), http.StatusBadRequest, "invalid")
	var fields []string
	for k := range e.Error.Fields {
		fields = append(fields, k)
	}
	sort.Strings(fields)
	want := "amount_minor buyer.email buyer.id buyer.name buyer.nickname buyer.timezone currency extra payment_due_at"
	if strings.Join(fields, " ") != want {
		t.Fatalf("fields = %v\nwant %s", fields, want)
	}
	if e.Error.Fields["extra"] != "unknown field" || e.Error.Fields["amount_minor"] != "must be an integer number of minor units" {
		t.Fatalf("reasons = %v", e.Error.Fields)
	}
}

func TestInvalidBodies(t *testing.T) {
	f := newFixture(t)
	cases := map[string]struct{ path, body, field string }{
		"not JSON":       {"/v1/orders/AE-1", `{"buyer":`, ""},
		"array":          {"/v1/orders/AE-1", `[]`, ""},
		"two objects":    {"/v1/orders/AE-1", validBody + `{}`, ""},
		"buyer not obj":  {"/v1/orders/AE-1", `{"buyer":5,"amount_minor":1,"currency":"EUR","payment_due_at":"2026-12-01T12:00:00Z"}`, "buyer"},
		"fractional":     {"/v1/orders/AE-1", strings.Replace(validBody, "12990", "129.90", 1), "amount_minor"},
		"bad order id":   {"/v1/orders/bad%20id", validBody, "order_id"},
		"id too long":    {"/v1/orders/" + strings.Repeat("a", 65), validBody, "order_id"},
		"missing all":    {"/v1/orders/AE-1", `{}`, "buyer"},
		"bad created_at": {"/v1/orders/AE-1", strings.Replace(validBody, `"currency"`, `"created_at":"2026-13-01","currency"`, 1), "created_at"},
		"get bad id":     {"/v1/orders/a%2Fb", "", "order_id"},
	}
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			method := "PUT"
			if c.body == "" {
				method = "GET"
			}
			e := decodeError(t, f.do(method, c.path, c.body), http.StatusBadRequest, "invalid")
			if c.field != "" && e.Error.Fields[c.field] == "" {
				t.Fatalf("no reason for %s in %v", c.field, e.Error.Fields)
			}
		})
	}
	rec := f.do("DELETE", "/v1/orders/AE-1", "")
	decodeError(t, rec, http.StatusMethodNotAllowed, "method_not_allowed")
	if got := rec.Header().Get("Allow"); got != "GET, HEAD, PUT" {
		t.Errorf("Allow = %q, want GET, HEAD, PUT", got)
	}
}

func TestConflictOnAmountChangeAfterPayment(t *testing.T) {
	f := newFixture(t)
	if rec := f.do("PUT", "/v1/orders/AE-9", validBody); rec.Code != http.StatusCreated {
		t.Fatalf("create: %d %s", rec.Code, rec.Body)
	}
	ctx := context.Background()
	o, _ := f.store.GetOrder(ctx, "AE-9")
	b, _ := f.store.GetBuyer(ctx, "buyer-1")
	paid, err := o.MoveTo(order.StatusAwaitingShipment, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	if err := f.store.SaveOrder(ctx, paid, b); err != nil {
		t.Fatal(err)
	}
	decodeError(t, f.do("PUT", "/v1/orders/AE-9", strings.Replace(validBody, "12990", "1", 1)), http.StatusConflict, "conflict")
	// The same amount with a new due date is still fine.
	if rec := f.do("PUT", "/v1/orders/AE-9", strings.Replace(validBody, "2026-12-01", "2026-12-05", 1)); rec.Code != http.StatusOK {
		t.Fatalf("same amount after payment: %d %s", rec.Code, rec.Body)
	}
}

func TestTooLarge(t *testing.T) {
	f := newFixture(t)
	big := `{"buyer":{"name":"` + strings.Repeat("x", httpapi.MaxBodyBytes) + `"}}`
	decodeError(t, f.do("PUT", "/v1/orders/AE-1", big), http.StatusRequestEntityTooLarge, "too_large")
	if _, err := f.store.GetOrder(context.Background(), "AE-1"); order.ErrorCode(err) != order.CodeNotFound {
		t.Fatalf("oversized request stored something: %v", err)
	}
}

// brokenOrders fails like a store whose disk or network is gone.
type brokenOrders struct{}

var errSecret = errors.New("dial tcp 10.1.2.3:8000: secret-internal-detail")

func (brokenOrders) PutOrder(context.Context, string, order.Terms) (order.Order, bool, error) {
	return order.Order{}, false, order.Internal("store.SaveOrder", errSecret)
}
func (brokenOrders) AddShipment(context.Context, string, seller.ShipmentInput) (order.Order, bool, error) {
	return order.Order{}, false, errSecret
}

func (brokenOrders) BuyerProfile(context.Context, string) (seller.BuyerProfile, error) {
	return seller.BuyerProfile{}, errSecret
}

func (brokenOrders) GetOrder(context.Context, string) (order.Order, []order.TimelineEntry, error) {
	return order.Order{}, nil, errSecret // not even an *order.Error
}

func TestInternalLeaksNothing(t *testing.T) {
	logs := &bytes.Buffer{}
	h := httpapi.New(httpapi.Config{Orders: brokenOrders{}, Tokens: []string{token},
		Logger: slog.New(slog.NewJSONHandler(logs, nil))})
	for _, method := range []string{"PUT", "GET"} {
		req := httptest.NewRequest(method, "/v1/orders/AE-1", strings.NewReader(validBody))
		req.Header.Set("Authorization", "Bearer "+token)
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		e := decodeError(t, rec, http.StatusInternalServerError, "internal")
		if strings.Contains(rec.Body.String(), "secret-internal-detail") || e.Error.Message != "internal error" {
			t.Fatalf("%s leaked: %s", method, rec.Body)
		}
	}
	if n := strings.Count(logs.String(), "secret-internal-detail"); n != 2 {
		t.Fatalf("cause logged %d times, want once per request:\n%s", n, logs)
	}
}

func TestLogsCarryNoBuyerContact(t *testing.T) {
	f := newFixture(t)
	f.do("PUT", "/v1/orders/AE-1", validBody)
	f.do("PUT", "/v1/orders/AE-2", strings.Replace(validBody, `"email":"ana@example.com"`, `"email":"bad"`, 1))
	f.do("GET", "/v1/orders/AE-1", "")
	logs := f.logs.String()
	if strings.Count(logs, `"msg":"request"`) != 3 {
		t.Fatalf("want one log line per request:\n%s", logs)
	}
	for _, secret := range []string{"ana@example.com", "+5511912345678", "Ana Souza", token} {
		if strings.Contains(logs, secret) {
			t.Fatalf("log contains %q:\n%s", secret, logs)
		}
	}
}
