package lambdahttp_test

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"testing"
	"unicode/utf8"

	"github.com/aws/aws-lambda-go/events"

	"github.com/orderwire/orderwire/internal/lambdahttp"
)

// loadEvent reads a testdata fixture. Unknown fields fail the test, so every fixture is
// proven to have the shape of aws-lambda-go's APIGatewayV2HTTPRequest.
func loadEvent(t *testing.T, name string) events.APIGatewayV2HTTPRequest {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.DisallowUnknownFields()
	var ev events.APIGatewayV2HTTPRequest
	if err := dec.Decode(&ev); err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	if ev.Version != "2.0" || ev.RequestContext.Stage != "$default" {
		t.Fatalf("%s: not an HTTP API payload 2.0 on the $default stage", name)
	}
	return ev
}

// seen is what a recording handler saw of the request.
type seen struct {
	req  *http.Request
	body []byte
}

// record returns a handler that records the request it serves and answers 204.
func record(t *testing.T) (http.Handler, *seen) {
	s := &seen{}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, err := io.ReadAll(r.Body)
		if err != nil {
			t.Errorf("read body: %v", err)
		}
		s.req, s.body = r, body
		w.WriteHeader(http.StatusNoContent)
	}), s
}

func serve(t *testing.T, h http.Handler, ev events.APIGatewayV2HTTPRequest) events.APIGatewayV2HTTPResponse {
	t.Helper()
	res, err := lambdahttp.Handler(h)(context.Background(), ev)
	if err != nil {
		t.Fatalf("Handler returned an error: %v", err)
	}
	return res
}

// TestBase64BodyReachesHandlerByteExact: a base64 body whose bytes are not UTF-8 (a webhook
// whose signature covers the raw bytes) arrives decoded, byte for byte, with its length.
func TestBase64BodyReachesHandlerByteExact(t *testing.T) {
	want := append([]byte("{\"id\":\"evt_1\"}\r\n\x00\xff\xfe\x80\xc3(\xe2\x82"),
		0xf0, 0xf1, 0xf2, 0xf3, 0xf4, 0xf5, 0xf6, 0xf7, 0xf8, 0xf9, 0xfa, 0xfb, 0xfc, 0xfd, 0xfe, 0xff)
	if utf8.Valid(want) {
		t.Fatal("the fixture's bytes must not be valid UTF-8")
	}
	h, s := record(t)
	res := serve(t, h, loadEvent(t, "apigw-v2-post-binary-body.json"))
	if res.StatusCode != http.StatusNoContent {
		t.Fatalf("status %d", res.StatusCode)
	}
	if !bytes.Equal(s.body, want) {
		t.Fatalf("body:\n got %q\nwant %q", s.body, want)
	}
	if s.req.ContentLength != int64(len(want)) {
		t.Errorf("ContentLength %d, want %d", s.req.ContentLength, len(want))
	}
	if s.req.Method != http.MethodPost || s.req.URL.Path != "/webhooks/stripe" {
		t.Errorf("got %s %s", s.req.Method, s.req.URL.Path)
	}
	if got := s.req.Header.Get("Stripe-Signature"); got[:13] != "t=1794474845," {
		t.Errorf("Stripe-Signature %q", got)
	}
}

// TestPlainBodyReachesHandlerByteExact: a body API Gateway did not encode (UTF-8 text with
// line breaks and trailing spaces) arrives unchanged.
func TestPlainBodyReachesHandlerByteExact(t *testing.T) {
	h, s := record(t)
	ev := loadEvent(t, "apigw-v2-post-text-body.json")
	serve(t, h, ev)
	if want := "olá, 世界 — \"quoted\"\n  trailing spaces  \n"; string(s.body) != want || ev.Body != want {
		t.Fatalf("body %q, want %q", s.body, want)
	}
}

// TestRequestFields: method, escaped path, query (repeated keys kept apart), headers as API
// Gateway sends them, cookies, host, client address and protocol all reach the handler.
func TestRequestFields(t *testing.T) {
	h, s := record(t)
	serve(t, h, loadEvent(t, "apigw-v2-get-query-cookies.json"))
	r := s.req
	checks := []struct{ name, got, want string }{
		{"method", r.Method, "GET"},
		{"path", r.URL.Path, "/search/café bar"},
		{"escaped path", r.URL.EscapedPath(), "/search/caf%C3%A9%20bar"},
		{"request URI", r.RequestURI, "/search/caf%C3%A9%20bar?q=caf%C3%A9&tag=a&tag=b&empty="},
		{"q", r.URL.Query().Get("q"), "café"},
		{"Accept-Language", r.Header.Get("Accept-Language"), "pt-BR,en;q=0.8"},
		{"X-Repeated", r.Header.Get("X-Repeated"), "one,two"},
		{"Host", r.Host, "a1b2c3d4e5.execute-api.eu-west-1.amazonaws.com"},
		{"Host header", r.Header.Get("Host"), ""},
		{"RemoteAddr", r.RemoteAddr, "203.0.113.7:0"},
		{"Proto", r.Proto, "HTTP/1.1"},
		{"Cookie", r.Header.Get("Cookie"), "session=abc123; theme=dark"},
	}
	for _, c := range checks {
		if c.got != c.want {
			t.Errorf("%s = %q, want %q", c.name, c.got, c.want)
		}
	}
	if tags := r.URL.Query()["tag"]; !slices.Equal(tags, []string{"a", "b"}) {
		t.Errorf("tag = %q, want [a b]", tags)
	}
	if v, ok := r.URL.Query()["empty"]; !ok || v[0] != "" {
		t.Errorf("empty = %q, %v", v, ok)
	}
	if c, err := r.Cookie("theme"); err != nil || c.Value != "dark" {
		t.Errorf("cookie theme: %v %v", c, err)
	}
	if len(s.body) != 0 || r.ContentLength != 0 {
		t.Errorf("a GET without body got %q", s.body)
	}
}

// TestPathFallsBackToRequestContext: an event without rawPath is routed by
// requestContext.http.path.
func TestPathFallsBackToRequestContext(t *testing.T) {
	h, s := record(t)
	ev := loadEvent(t, "apigw-v2-get-order.json")
	ev.RawPath = ""
	serve(t, h, ev)
	if s.req.URL.Path != "/v1/orders/ord-1001" {
		t.Fatalf("path %q", s.req.URL.Path)
	}
}

// TestRequestCarriesContext: the invocation's context (deadline, values) is the request's.
func TestRequestCarriesContext(t *testing.T) {
	type key struct{}
	ctx := context.WithValue(context.Background(), key{}, "invocation-1")
	var got any
	h := http.HandlerFunc(func(_ http.ResponseWriter, r *http.Request) { got = r.Context().Value(key{}) })
	if _, err := lambdahttp.Handler(h)(ctx, loadEvent(t, "apigw-v2-get-order.json")); err != nil {
		t.Fatal(err)
	}
	if got != "invocation-1" {
		t.Fatalf("context value %v", got)
	}
}

// TestInvalidBase64Is400: an undecodable body is answered 400 invalid in the API's error
// shape, and the handler is never called.
func TestInvalidBase64Is400(t *testing.T) {
	called := false
	h := http.HandlerFunc(func(http.ResponseWriter, *http.Request) { called = true })
	res := serve(t, h, loadEvent(t, "apigw-v2-post-bad-base64.json"))
	if called {
		t.Fatal("the handler was called")
	}
	var body struct {
		Error struct{ Code, Message string }
	}
	if err := json.Unmarshal([]byte(res.Body), &body); err != nil {
		t.Fatalf("body %q: %v", res.Body, err)
	}
	if res.StatusCode != http.StatusBadRequest || body.Error.Code != "invalid" || body.Error.Message == "" {
		t.Fatalf("got %d %+v", res.StatusCode, body)
	}
	if res.IsBase64Encoded || res.Headers["Content-Type"] != "application/json; charset=utf-8" {
		t.Fatalf("headers %v, base64 %v", res.Headers, res.IsBase64Encoded)
	}
}

// TestBodyEncodingByContentType: a response body is text only when it is UTF-8 and its
// content type is textual; anything else goes back base64 and decodes to the same bytes.
func TestBodyEncodingByContentType(t *testing.T) {
	png := []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01")
	for _, c := range []struct {
		contentType string
		body        []byte
		base64      bool
	}{
		{"application/json; charset=utf-8", []byte(`{"ok":"olá"}`), false},
		{"application/problem+json", []byte(`{"title":"x"}`), false},
		{"text/csv", []byte("a,b\n1,2\n"), false},
		{"image/svg+xml", []byte("<svg/>"), false},
		{"application/x-www-form-urlencoded", []byte("a=1&b=2"), false},
		{"image/png", png, true},
		{"application/octet-stream", []byte("plain ascii but binary type"), true},
		{"application/pdf", []byte("%PDF-1.7"), true},
		{"text/plain; charset=iso-8859-1", []byte("ol\xe1"), true}, // textual but not UTF-8
		{"", png, true}, // no type: sniffed as image/png
		{"", []byte("hello"), false},
	} {
		h := http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
			if c.contentType != "" {
				w.Header().Set("Content-Type", c.contentType)
			}
			_, _ = w.Write(c.body)
		})
		res := serve(t, h, loadEvent(t, "apigw-v2-get-order.json"))
		got := []byte(res.Body)
		if res.IsBase64Encoded {
			var err error
			if got, err = base64.StdEncoding.DecodeString(res.Body); err != nil {
				t.Fatalf("%q: %v", c.contentType, err)
			}
		}
		if res.IsBase64Encoded != c.base64 || !bytes.Equal(got, c.body) || res.StatusCode != 200 {
			t.Errorf("%q %q: status %d base64 %v body %q", c.contentType, c.body, res.StatusCode, res.IsBase64Encoded, got)
		}
	}
}

// TestResponseHeadersAndCookies: repeated headers are joined with ", "; every Set-Cookie
// becomes one cookies entry and is not among the headers; the first status written wins.
func TestResponseHeadersAndCookies(t *testing.T) {
	h := http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Add("Vary", "Accept")
		w.Header().Add("Vary", "Accept-Encoding")
		w.Header().Add("Set-Cookie", "session=abc; Path=/; HttpOnly; Secure")
		w.Header().Add("Set-Cookie", "theme=dark; Expires=Wed, 21 Oct 2026 07:28:00 GMT")
		w.Header().Set("Content-Type", "text/plain")
		w.WriteHeader(http.StatusAccepted)
		w.WriteHeader(http.StatusInternalServerError)
		_, _ = io.WriteString(w, "accepted")
	})
	res := serve(t, h, loadEvent(t, "apigw-v2-get-order.json"))
	want := events.APIGatewayV2HTTPResponse{
		StatusCode: http.StatusAccepted,
		Headers:    map[string]string{"Vary": "Accept, Accept-Encoding", "Content-Type": "text/plain"},
		Cookies:    []string{"session=abc; Path=/; HttpOnly; Secure", "theme=dark; Expires=Wed, 21 Oct 2026 07:28:00 GMT"},
		Body:       "accepted",
	}
	if !reflect.DeepEqual(res, want) {
		t.Fatalf("got  %+v\nwant %+v", res, want)
	}
	raw, _ := json.Marshal(res)
	var shape map[string]any
	_ = json.Unmarshal(raw, &shape)
	for _, k := range []string{"statusCode", "headers", "cookies", "body"} {
		if _, ok := shape[k]; !ok {
			t.Errorf("the JSON response has no %q: %s", k, raw)
		}
	}
}

// TestEmptyResponseAndHead: a handler that writes nothing answers 200 with an empty text
// body; a HEAD answer keeps its headers and drops its body.
func TestEmptyResponseAndHead(t *testing.T) {
	res := serve(t, http.HandlerFunc(func(http.ResponseWriter, *http.Request) {}), loadEvent(t, "apigw-v2-get-order.json"))
	if res.StatusCode != http.StatusOK || res.Body != "" || res.IsBase64Encoded {
		t.Fatalf("empty: %+v", res)
	}
	ev := loadEvent(t, "apigw-v2-get-order.json")
	ev.RequestContext.HTTP.Method = http.MethodHead
	res = serve(t, http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_, _ = io.WriteString(w, `{"a":1}`)
	}), ev)
	if res.StatusCode != http.StatusOK || res.Body != "" || res.Headers["Content-Type"] != "application/json" {
		t.Fatalf("HEAD: %+v", res)
	}
}
