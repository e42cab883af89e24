package lambdahttp_test

import (
	"bytes"
	"context"
	"encoding/base64"
	"log/slog"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/orderwire/orderwire/internal/embedded"
	"github.com/orderwire/orderwire/internal/evidencepack"
	"github.com/orderwire/orderwire/internal/httpapi"
	"github.com/orderwire/orderwire/internal/lambdahttp"
	"github.com/orderwire/orderwire/internal/seller"
)

// TestEvidencePackThroughLambda: the evidence pack, a binary (application/zip) body, leaves
// the Lambda adapter base64-encoded with isBase64Encoded set, and decodes to a pack that
// verifies against its manifest. The request fixture apigw-v2-get-evidence.json is an API
// Gateway HTTP API event in payload format 2.0, shaped as AWS's "Working with AWS Lambda
// proxy integrations for HTTP APIs" shows it (as the other fixtures here), with a query.
func TestEvidencePackThroughLambda(t *testing.T) {
	st, err := embedded.Open(t.TempDir(), embedded.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = st.Close() })
	now := func() time.Time { return time.Date(2026, 11, 12, 9, 14, 5, 0, time.UTC) }
	var logs bytes.Buffer
	invoke := lambdahttp.Handler(httpapi.New(httpapi.Config{
		Orders: &seller.Service{Orders: st, Now: now}, Tokens: []string{fixtureToken},
		Evidence: &evidencepack.Packer{Source: st, Now: now}, Logger: slog.New(slog.NewJSONHandler(&logs, nil)),
	}))
	ctx := context.Background()
	if put, err := invoke(ctx, loadEvent(t, "apigw-v2-put-order-base64.json")); err != nil || put.StatusCode != http.StatusCreated {
		t.Fatalf("PUT: %v %+v", err, put)
	}
	res, err := invoke(ctx, loadEvent(t, "apigw-v2-get-evidence.json"))
	if err != nil {
		t.Fatal(err)
	}
	if res.StatusCode != http.StatusOK || !res.IsBase64Encoded || res.Headers["Content-Type"] != "application/zip" {
		t.Fatalf("GET evidence: %d base64=%v %v", res.StatusCode, res.IsBase64Encoded, res.Headers)
	}
	pack, err := base64.StdEncoding.DecodeString(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	m, err := evidencepack.Verify(bytes.NewReader(pack), int64(len(pack)))
	if err != nil {
		t.Fatal(err)
	}
	if m.OrderID != "ord-1001" || m.Lang != "zh-CN" {
		t.Fatalf("manifest %+v", m)
	}
	if strings.Contains(logs.String(), fixtureToken) {
		t.Fatal("the token reached the log")
	}
}
