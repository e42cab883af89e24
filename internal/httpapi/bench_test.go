package httpapi_test

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/orderwire/orderwire/internal/embedded"
	"github.com/orderwire/orderwire/internal/httpapi"
	"github.com/orderwire/orderwire/internal/memstore"
	"github.com/orderwire/orderwire/internal/seller"
)

// BenchmarkSellerAPI measures one request through the whole handler (routing, auth, body
// decoding, validation, use case, JSON answer). "mem" runs it over internal/memstore (the
// embedded adapter's records and transactions in memory: no I/O); "embedded" adds the
// durable bbolt file.
func BenchmarkSellerAPI(b *testing.B) {
	stores := map[string]func(b *testing.B) seller.Orders{
		"mem": func(b *testing.B) seller.Orders {
			s, err := memstore.New(memstore.Options{})
			if err != nil {
				b.Fatal(err)
			}
			return s
		},
		"embedded": func(b *testing.B) seller.Orders {
			s, err := embedded.Open(b.TempDir(), embedded.Options{})
			if err != nil {
				b.Fatal(err)
			}
			b.Cleanup(func() { _ = s.Close() })
			return s
		},
	}
	seq := 0 // order ids stay unique however often -count reruns a sub-benchmark
	for _, name := range []string{"mem", "embedded"} {
		h := httpapi.New(httpapi.Config{Orders: &seller.Service{Orders: stores[name](b)}, Tokens: []string{token}})
		if rec := serve(h, "PUT", "/v1/orders/AE-get", validBody); rec.Code != http.StatusCreated {
			b.Fatalf("setup PUT: %d %s", rec.Code, rec.Body)
		}
		b.Run("store="+name+"/PUT-create", func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				seq++
				if rec := serve(h, "PUT", fmt.Sprintf("/v1/orders/AE-%d", seq), validBody); rec.Code != http.StatusCreated {
					b.Fatalf("PUT: %d %s", rec.Code, rec.Body)
				}
			}
		})
		b.Run("store="+name+"/GET", func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if rec := serve(h, "GET", "/v1/orders/AE-get", ""); rec.Code != http.StatusOK {
					b.Fatalf("GET: %d %s", rec.Code, rec.Body)
				}
			}
		})
	}
}

func serve(h http.Handler, method, path, body string) *httptest.ResponseRecorder {
	req := httptest.NewRequest(method, path, strings.NewReader(body))
	req.Header.Set("Authorization", "Bearer "+token)
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return rec
}
