// Package lambdahttp serves an http.Handler from AWS Lambda behind an API Gateway HTTP API
// (payload format 2.0), so the handler the local server runs is the one Lambda runs.
//
// Requests: the method comes from requestContext.http.method; the path from rawPath (or
// requestContext.http.path when rawPath is empty) and the query from rawQueryString, both
// as the client sent them. Headers keep API Gateway's form: lower-case names canonicalised,
// repeated values already joined with commas into one value (they are not split again: a
// comma may be part of a value). The cookies array becomes one Cookie header. A base64 body
// is decoded and reaches the handler byte for byte, as does a plain one: webhook signatures
// are verified over exactly these bytes.
//
// Responses: the status, the headers (several values joined with ", "), every Set-Cookie
// header as one entry of cookies, and the body: as text when it is valid UTF-8 and the
// content type is textual (text/*, JSON, XML, form data, JavaScript), otherwise base64.
// As in net/http, a missing Content-Type is sniffed from the body, and HEAD answers no body.
package lambdahttp

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"io"
	"mime"
	"net"
	"net/http"
	"net/url"
	"strings"
	"unicode/utf8"

	"github.com/aws/aws-lambda-go/events"

	"github.com/orderwire/orderwire/internal/order"
)

// Handler adapts h to a Lambda handler for API Gateway HTTP API events. The returned
// function never returns an error: every outcome, including a request it cannot decode
// (an invalid base64 body is answered 400 invalid without calling h), is an HTTP response.
func Handler(h http.Handler) func(context.Context, events.APIGatewayV2HTTPRequest) (events.APIGatewayV2HTTPResponse, error) {
	return func(ctx context.Context, ev events.APIGatewayV2HTTPRequest) (events.APIGatewayV2HTTPResponse, error) {
		r, err := newRequest(ctx, ev)
		if err != nil {
			return errorResponse(http.StatusBadRequest, err), nil
		}
		w := &responseWriter{header: http.Header{}, head: r.Method == http.MethodHead}
		h.ServeHTTP(w, r)
		return w.response(), nil
	}
}

// newRequest builds the server-side request for ev, carrying ctx.
func newRequest(ctx context.Context, ev events.APIGatewayV2HTTPRequest) (*http.Request, error) {
	body := []byte(ev.Body)
	if ev.IsBase64Encoded {
		var err error
		if body, err = base64.StdEncoding.DecodeString(ev.Body); err != nil {
			return nil, order.Errorf(order.CodeInvalid, "lambdahttp.newRequest", "the request body is not valid base64")
		}
	}
	path := ev.RawPath
	if path == "" {
		path = ev.RequestContext.HTTP.Path
	}
	uri := path
	if ev.RawQueryString != "" {
		uri += "?" + ev.RawQueryString
	}
	u, err := url.ParseRequestURI(uri)
	if err != nil {
		u = &url.URL{Path: path, RawQuery: ev.RawQueryString}
	}
	r := (&http.Request{Method: ev.RequestContext.HTTP.Method, URL: u, RequestURI: uri,
		Proto: "HTTP/1.1", ProtoMajor: 1, ProtoMinor: 1, Header: make(http.Header, len(ev.Headers)+1),
		Body: io.NopCloser(bytes.NewReader(body)), ContentLength: int64(len(body)),
		Host: ev.RequestContext.DomainName}).WithContext(ctx)
	if major, minor, ok := http.ParseHTTPVersion(ev.RequestContext.HTTP.Protocol); ok {
		r.Proto, r.ProtoMajor, r.ProtoMinor = ev.RequestContext.HTTP.Protocol, major, minor
	}
	for name, value := range ev.Headers {
		r.Header.Set(name, value)
	}
	if len(ev.Cookies) > 0 {
		r.Header.Set("Cookie", strings.Join(ev.Cookies, "; "))
	}
	if host := r.Header.Get("Host"); host != "" {
		r.Host = host
	}
	r.Header.Del("Host") // as in net/http: the host lives in r.Host
	if ip := ev.RequestContext.HTTP.SourceIP; ip != "" {
		r.RemoteAddr = net.JoinHostPort(ip, "0") // "IP:port"; API Gateway does not tell the port
	}
	return r, nil
}

// responseWriter buffers the handler's response. It is not safe for concurrent use, like
// any http.ResponseWriter.
type responseWriter struct {
	header http.Header
	status int
	body   bytes.Buffer
	head   bool // a HEAD request: the body is dropped
}

func (w *responseWriter) Header() http.Header { return w.header }

// WriteHeader records the first status written; later calls are ignored, as in net/http.
func (w *responseWriter) WriteHeader(status int) {
	if w.status == 0 {
		w.status = status
	}
}

func (w *responseWriter) Write(p []byte) (int, error) {
	w.WriteHeader(http.StatusOK)
	if w.head {
		return len(p), nil
	}
	return w.body.Write(p)
}

func (w *responseWriter) response() events.APIGatewayV2HTTPResponse {
	w.WriteHeader(http.StatusOK)
	body := w.body.Bytes()
	if w.header.Get("Content-Type") == "" && len(body) > 0 {
		w.header.Set("Content-Type", http.DetectContentType(body))
	}
	res := events.APIGatewayV2HTTPResponse{StatusCode: w.status, Headers: map[string]string{}}
	for name, values := range w.header {
		if name == "Set-Cookie" {
			res.Cookies = append(res.Cookies, values...)
			continue
		}
		res.Headers[name] = strings.Join(values, ", ")
	}
	if len(body) == 0 || textual(w.header.Get("Content-Type")) && utf8.Valid(body) {
		res.Body = string(body)
	} else {
		res.Body, res.IsBase64Encoded = base64.StdEncoding.EncodeToString(body), true
	}
	return res
}

// textual reports whether a body of this content type is text (when it is also UTF-8).
func textual(contentType string) bool {
	mt, _, err := mime.ParseMediaType(contentType)
	if err != nil {
		return contentType == ""
	}
	switch {
	case strings.HasPrefix(mt, "text/"), strings.HasSuffix(mt, "+json"), strings.HasSuffix(mt, "+xml"):
		return true
	}
	switch mt {
	case "application/json", "application/xml", "application/javascript",
		"application/x-www-form-urlencoded", "application/x-ndjson":
		return true
	}
	return false
}

// errorResponse answers a request that never reached the handler, in the API's error shape
// ({"error":{"code":...,"message":...}}), with the caller-safe part of err only.
func errorResponse(status int, err error) events.APIGatewayV2HTTPResponse {
	e, ok := err.(*order.Error)
	if !ok {
		e = order.Internal("lambdahttp.errorResponse", err)
	}
	body, _ := json.Marshal(map[string]map[string]string{
		"error": {"code": string(e.Code), "message": e.Message}})
	return events.APIGatewayV2HTTPResponse{
		StatusCode: status,
		Headers: map[string]string{"Content-Type": "application/json; charset=utf-8",
			"Cache-Control": "no-store", "X-Content-Type-Options": "nosniff"},
		Body: string(body) + "\n",
	}
}
