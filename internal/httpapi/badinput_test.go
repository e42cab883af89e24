package httpapi_test

import (
	"fmt"
	"net/http"
	"strings"
	"testing"
)

// TestDuplicateMembers: a seller API body that names a member twice, in any of its objects,
// is 400 with the repeated member's path among the fields; the same name in different
// objects is fine.
func TestDuplicateMembers(t *testing.T) {
	f := newFixture(t)
	for name, c := range map[string]struct{ body, field string }{
		"top level": {strings.Replace(validBody, `"currency":"BRL"`, `"currency":"BRL","currency":"USD"`, 1), "currency"},
		"in buyer":  {strings.Replace(validBody, `"email":"ana@example.com"`, `"email":"ana@example.com","email":"eve@example.com"`, 1), "buyer.email"},
		"escaped":   {strings.Replace(validBody, `"amount_minor":12990`, `"amount_minor":12990,"\u0061mount_minor":1`, 1), "amount_minor"},
	} {
		t.Run(name, func(t *testing.T) {
			e := decodeError(t, f.do("PUT", "/v1/orders/AE-1", c.body), http.StatusBadRequest, "invalid")
			if e.Error.Fields[c.field] != "appears more than once" {
				t.Fatalf("fields %v, want %s repeated", e.Error.Fields, c.field)
			}
		})
	}
	// buyer.id and a shipment-free order: "id" only once per object, so this is accepted.
	if rec := f.do("PUT", "/v1/orders/AE-2", validBody); rec.Code != http.StatusCreated {
		t.Fatalf("valid body: %d %s", rec.Code, rec.Body)
	}
	rec := f.do("POST", "/v1/orders/AE-2/shipments",
		`{"carrier":"ups","tracking_number":"1Z999AA10123456784","carrier":"dhl"}`)
	if e := decodeError(t, rec, http.StatusBadRequest, "invalid"); e.Error.Fields["carrier"] != "appears more than once" {
		t.Fatalf("shipment fields %v", e.Error.Fields)
	}
}

// TestInvalidUTF8: a seller API body that is not valid UTF-8 is 400, not decoded with the
// bad bytes turned into U+FFFD.
func TestInvalidUTF8(t *testing.T) {
	f := newFixture(t)
	body := strings.Replace(validBody, "Ana Souza", "Ana Sou\xffza", 1)
	e := decodeError(t, f.do("PUT", "/v1/orders/AE-1", body), http.StatusBadRequest, "invalid")
	if !strings.Contains(e.Error.Message, "UTF-8") {
		t.Fatalf("message %q does not say UTF-8", e.Error.Message)
	}
	if rec := f.do("GET", "/v1/orders/AE-1", ""); rec.Code != http.StatusNotFound {
		t.Fatalf("the order was stored anyway: %d", rec.Code)
	}
}

// TestErrorListsAtMost50Fields: a 1 MiB body of unknown members answers 50 of them, the
// first by name, and the count of the others, in a small answer.
func TestErrorListsAtMost50Fields(t *testing.T) {
	f := newFixture(t)
	var b strings.Builder
	b.WriteString(strings.TrimSuffix(validBody, "}"))
	n := 0
	for b.Len() < 1<<20-40 {
		fmt.Fprintf(&b, `,"x%06d":0`, n)
		n++
	}
	b.WriteString("}")
	rec := f.do("PUT", "/v1/orders/AE-1", b.String())
	size := rec.Body.Len()
	e := decodeError(t, rec, http.StatusBadRequest, "invalid")
	if len(e.Error.Fields) != 50 || e.Error.Omitted != n-50 {
		t.Fatalf("%d fields listed, %d omitted; want 50 and %d", len(e.Error.Fields), e.Error.Omitted, n-50)
	}
	if e.Error.Fields["x000000"] != "unknown field" || e.Error.Fields["x000049"] != "unknown field" {
		t.Fatalf("not the first 50 by name: %v", e.Error.Fields)
	}
	if size > 4<<10 {
		t.Fatalf("the answer is %d bytes for %d unknown fields", size, n)
	}
	// 50 exactly: all listed, nothing omitted.
	body := strings.TrimSuffix(validBody, "}")
	for i := range 50 {
		body += fmt.Sprintf(`,"y%02d":0`, i)
	}
	if e := decodeError(t, f.do("PUT", "/v1/orders/AE-1", body+"}"), http.StatusBadRequest, "invalid"); len(e.Error.Fields) != 50 || e.Error.Omitted != 0 {
		t.Fatalf("50 unknown: %d listed, %d omitted", len(e.Error.Fields), e.Error.Omitted)
	}
}

// TestWebhookBodiesKeepProviderRules: the duplicate-member and UTF-8 rules are the seller
// API's; a provider's body is its own (the signature is over its bytes, its parser decides),
// so a signed Standard Webhooks delivery with a repeated member and a non-UTF-8 byte in a
// field orderwire does not read is recorded and applied.
func TestWebhookBodiesKeepProviderRules(t *testing.T) {
	h := newProviderHarness(t)
	var s signer
	for _, c := range signers() {
		if c.name == "standard" {
			s = c
		}
	}
	h.register(t, s, "AE-W1")
	e := s.success(t, "AE-W1", "raw", paidAt)
	edited := strings.Replace(string(e.body), `"payment_ref": "pay_8f3k2"`, "\"payment_ref\": \"pay_8f3k2\", \"note\": \"caf\xff\", \"note\": \"x\"", 1)
	if edited == string(e.body) {
		t.Fatal("the fixture changed: no payment_ref to edit")
	}
	e.body = []byte(edited)
	h.wantAck(t, h.deliver(s.sign(t, e, signFirst, sentAt)), s)
	h.wantPaid(t, s, "AE-W1", e)
}
