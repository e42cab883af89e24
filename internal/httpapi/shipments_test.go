package httpapi_test

import (
	"net/http"
	"strings"
	"testing"
)

// paidFixture is a webhook fixture with order id registered and paid.
func paidFixture(t *testing.T, ids ...string) *webhookFixture {
	t.Helper()
	f := newWebhookFixture(t, nil)
	for _, id := range ids {
		if rec := f.do("PUT", "/v1/orders/"+id, validBody); rec.Code != http.StatusCreated {
			t.Fatalf("PUT %s: %d %s", id, rec.Code, rec.Body)
		}
		if rec := f.postStandard("msg_pay_"+id, standardBody("payment.succeeded", id, 12990)); rec.Code != http.StatusOK {
			t.Fatalf("payment %s: %d %s", id, rec.Code, rec.Body)
		}
	}
	return f
}

func TestRegisterShipment(t *testing.T) {
	f := paidFixture(t, "AE-S1")
	body := `{"carrier":"Cainiao","tracking_number":"rr 123 456 785 cn","service":"postal","shipped_at":"2026-11-22T08:00:00Z"}`
	rec := f.do("POST", "/v1/orders/AE-S1/shipments", body)
	if rec.Code != http.StatusCreated {
		t.Fatalf("register: %d %s", rec.Code, rec.Body)
	}
	got := decodeJSON(t, rec)
	ships := got["shipments"].([]any)
	sh := ships[0].(map[string]any)
	if got["status"] != "shipped" || len(ships) != 1 || sh["tracking_number"] != "RR123456785CN" ||
		sh["carrier"] != "cainiao" || sh["status"] != "pending" || sh["service"] != "postal" {
		t.Fatalf("order after registration: %v", got)
	}
	// The same parcel again changes nothing.
	if rec := f.do("POST", "/v1/orders/AE-S1/shipments", body); rec.Code != http.StatusOK {
		t.Fatalf("same parcel again: %d %s", rec.Code, rec.Body)
	}
	entries := f.getOrder(t, "AE-S1")["timeline"].([]any)
	first := entries[0].(map[string]any) // shipped at 08:00, before the payment's 08:59
	if first["kind"] != "shipment_registered" || first["tracking_number"] != "RR123456785CN" || len(entries) != 2 {
		t.Fatalf("timeline = %v", entries)
	}
}

func TestRegisterShipmentRefusals(t *testing.T) {
	f := paidFixture(t, "AE-S2", "AE-S3")
	if rec := f.do("POST", "/v1/orders/AE-S2/shipments", `{"carrier":"dhl","tracking_number":"1234567890","service":"express"}`); rec.Code != http.StatusCreated {
		t.Fatalf("setup: %d %s", rec.Code, rec.Body)
	}
	e := decodeError(t, f.do("POST", "/v1/orders/AE-S3/shipments",
		`{"carrier":"cainiao","tracking_number":"RR123456786CN","service":"postal"}`), http.StatusBadRequest, "invalid")
	if !strings.Contains(e.Error.Fields["tracking_number"], "wrong check digit") {
		t.Fatalf("S10 reason = %v", e.Error.Fields)
	}
	e = decodeError(t, f.do("POST", "/v1/orders/AE-S3/shipments",
		`{"carrier":"Not A Slug","tracking_number":5,"service":"rocket","shipped_at":"soon","extra":true}`), http.StatusBadRequest, "invalid")
	for _, field := range []string{"carrier", "tracking_number", "service", "shipped_at", "extra"} {
		if e.Error.Fields[field] == "" {
			t.Errorf("no reason for %s in %v", field, e.Error.Fields)
		}
	}
	decodeError(t, f.do("POST", "/v1/orders/AE-S3/shipments",
		`{"carrier":"dhl","tracking_number":"1234567890","service":"express"}`), http.StatusConflict, "conflict")
	decodeError(t, f.do("POST", "/v1/orders/AE-none/shipments",
		`{"carrier":"dhl","tracking_number":"999999999","service":"express"}`), http.StatusNotFound, "not_found")
	if got := f.getOrder(t, "AE-S3"); got["status"] != "awaiting_shipment" || len(got["shipments"].([]any)) != 0 {
		t.Fatalf("refused registrations changed the order: %v", got)
	}
}

func TestShippingUnpaidNeedsForce(t *testing.T) {
	f := newWebhookFixture(t, nil)
	f.do("PUT", "/v1/orders/AE-S4", validBody)
	body := `{"carrier":"yanwen","tracking_number":"UG123456785YP","service":"dedicated_line"}`
	decodeError(t, f.do("POST", "/v1/orders/AE-S4/shipments", body), http.StatusConflict, "conflict")
	rec := f.do("POST", "/v1/orders/AE-S4/shipments", strings.Replace(body, `}`, `,"force":true}`, 1))
	if rec.Code != http.StatusCreated {
		t.Fatalf("forced: %d %s", rec.Code, rec.Body)
	}
	got := f.getOrder(t, "AE-S4")
	entry := got["timeline"].([]any)[0].(map[string]any)
	if got["status"] != "pending_payment" || !strings.Contains(entry["reason"].(string), "force") {
		t.Fatalf("forced shipment: %v", got)
	}
}
