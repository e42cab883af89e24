package httpapi_test

import (
	"fmt"
	"net/http"
	"testing"
)

// The carrier fixtures as deliveries, signed as each sender signs; the event id is the
// sender's Parse (17TRACK sends none: orderwire derives one).

func (h *scenarioHarness) aftership(t *testing.T, file string, edits ...string) signedEvent {
	t.Helper()
	d := signAfterShip(t, trackingFixture(t, "aftership", file, edits...), "", signFirst, scSent)
	return signedEvent{provider: "aftership", carrier: true, id: h.eventID(t, "aftership", true, d), d: d}
}

func (h *scenarioHarness) seventeenTrack(t *testing.T, file string, edits ...string) signedEvent {
	t.Helper()
	d := signSeventeenTrack(t, trackingFixture(t, "17track", file, edits...), "", signFirst, scSent)
	return signedEvent{provider: "17track", carrier: true, id: h.eventID(t, "17track", true, d), d: d}
}

func (h *scenarioHarness) easypost(t *testing.T, file string, edits ...string) signedEvent {
	t.Helper()
	d := signEasyPost(t, trackingFixture(t, "easypost", file, edits...), "", signFirst, scSent)
	return signedEvent{provider: "easypost", carrier: true, id: h.eventID(t, "easypost", true, d), d: d}
}

// paidOrder registers ORD-5001 and pays it with the Standard Webhooks payment fixture.
func (h *scenarioHarness) paidOrder(t *testing.T) {
	t.Helper()
	h.register(t, "ORD-5001", 1999, "USD")
	h.post(t, h.standard(t, "msg_sc_paid", "payment.succeeded.json"))
}

// ship registers a parcel on ORD-5001, shipped before the fixtures' first scans, and returns
// the answer's status code and order.
func (h *scenarioHarness) ship(t *testing.T, carrier, number string) (int, map[string]any) {
	t.Helper()
	rec := h.do("POST", "/v1/orders/ORD-5001/shipments", fmt.Sprintf(
		`{"carrier":%q,"tracking_number":%q,"service":"postal","shipped_at":"2026-02-10T09:00:00Z"}`, carrier, number))
	return rec.Code, decodeJSON(t, rec)
}

// wantShipped registers the parcel on the paid ORD-5001, which becomes shipped.
func (h *scenarioHarness) wantShipped(t *testing.T, carrier, number string) {
	t.Helper()
	if code, o := h.ship(t, carrier, number); code != http.StatusCreated || o["status"] != "shipped" {
		t.Fatalf("register %s %s: %d %v", carrier, number, code, o)
	}
}

// wantParcelStatus checks the parcel's status as GET /v1/orders/{id} shows it, and the
// event's timeline entry.
func (h *scenarioHarness) wantParcelStatus(t *testing.T, e signedEvent, number, status, providerStatus, sub string) map[string]any {
	t.Helper()
	o := h.order(t, "ORD-5001")
	sh := parcelOf(t, o, number)
	if sh["status"] != status || sh["provider_status"] != providerStatus || sh["sub_status"] != sub {
		t.Fatalf("parcel %s = %v; want %s (%s %s)", number, sh, status, providerStatus, sub)
	}
	got := entry(t, o, e.id)
	if got["kind"] != "tracking_update" || got["applied"] != true || got["shipment_status"] != status || got["sub_status"] != sub {
		t.Fatalf("timeline entry %s = %v; want applied %s %s", e.id, got, status, sub)
	}
	return o
}

// parcelScenarios: carrier sub-statuses through the routes. EasyPost's failure/delayed (a
// missed attempt) is attempt_failed, with the attempt message and no exception message;
// AfterShip's and 17TRACK's "returning to sender" stays exception, and only "returned" is
// returned; a carrier event for a number no order has registered is listed unfiled and filed
// when the parcel is registered.
func parcelScenarios() []scenario {
	// The AfterShip fixture's RR987654324CN has a wrong S10 check digit (orderwire refuses to
	// register it): its number is made RR987654326CN.
	const usps, afterShipNumber, seventeenNumber = "9400110898825022579516", "RR987654326CN", "LZ987654326CN"
	return []scenario{
		{"carrier/easypost_failure_delayed", func(t *testing.T, h *scenarioHarness) {
			h.paidOrder(t)
			h.wantShipped(t, "usps", usps)
			e := h.easypost(t, "tracker_updated_failure_delayed.json")
			h.post(t, e)
			o := h.wantParcelStatus(t, e, usps, "attempt_failed", "failure", "delayed")
			if o["status"] != "shipped" {
				t.Fatalf("order status %v after a missed attempt, want shipped", o["status"])
			}
			n := h.notes(t, "ORD-5001")
			if n["shipment_attempt_failed"] != 1 || n["shipment_exception"] != 0 || n["shipment_shipped"] != 1 {
				t.Fatalf("outbox rows %v; want one shipment_attempt_failed, no shipment_exception", n)
			}
		}},
		{"carrier/aftership_returning_then_returned", func(t *testing.T, h *scenarioHarness) {
			h.paidOrder(t)
			h.wantShipped(t, "china-post", afterShipNumber)
			returning := h.aftership(t, "tracking_update_returning.json", "RR987654324CN", afterShipNumber)
			h.post(t, returning)
			h.wantParcelStatus(t, returning, afterShipNumber, "exception", "Exception", "Exception_010")
			// Two days later the parcel is back: a new event, its latest scan sub-tag
			// Exception_011 "Returned to sender" (a status edit: no fixture has it).
			returned := h.aftership(t, "tracking_update_returning.json",
				"RR987654324CN", afterShipNumber, "9c1e7a52-2d4b-4f6e-a8c0-5e3b7d9f1a24", "9c1e7a52-2d4b-4f6e-a8c0-5e3b7d9f1a25",
				"Exception_010", "Exception_011", "Returning to sender", "Returned to sender",
				`"checkpoint_time": "2026-03-04T09:03:00+01:00"`, `"checkpoint_time": "2026-03-06T09:03:00+01:00"`,
				`"ts": 1772611971`, `"ts": 1772784771`)
			h.post(t, returned)
			h.wantParcelStatus(t, returned, afterShipNumber, "returned", "Exception", "Exception_011")
			if n := h.notes(t, "ORD-5001"); n["shipment_exception"] != 1 {
				t.Fatalf("outbox rows %v; want one shipment_exception", n)
			}
		}},
		{"carrier/17track_returning_then_returned", func(t *testing.T, h *scenarioHarness) {
			h.paidOrder(t)
			h.wantShipped(t, "correos", seventeenNumber)
			returning := h.seventeenTrack(t, "tracking_updated_returning.json")
			h.post(t, returning)
			h.wantParcelStatus(t, returning, seventeenNumber, "exception", "Exception", "Exception_Returning")
			// Two days later: Exception_Returned (a status edit: no fixture has it).
			returned := h.seventeenTrack(t, "tracking_updated_returning.json", "Exception_Returning", "Exception_Returned",
				"2026-03-03T10:20:00+01:00", "2026-03-05T10:20:00+01:00", "2026-03-03T09:20:00Z", "2026-03-05T09:20:00Z",
				`"date": "2026-03-03"`, `"date": "2026-03-05"`)
			if returned.id == returning.id {
				t.Fatalf("17TRACK's derived event id %s did not change with the scan", returned.id)
			}
			h.post(t, returned)
			h.wantParcelStatus(t, returned, seventeenNumber, "returned", "Exception", "Exception_Returned")
		}},
		// One number under two carriers (allowed), on two orders; AfterShip reports it as
		// china-post: neither claim fits, so it is unfiled until the seller assigns it, by the
		// provider name and event id the listing shows.
		{"carrier/ambiguous_number_assigned_by_hand", func(t *testing.T, h *scenarioHarness) {
			h.paidOrder(t)
			h.wantShipped(t, "dhl", afterShipNumber)
			h.register(t, "ORD-5002", 1999, "USD")
			h.post(t, h.standard(t, "msg_sc_paid2", "payment.succeeded.json", "ORD-5001", "ORD-5002", "pay_8f3k2", "pay_8f3k9"))
			if rec := h.do("POST", "/v1/orders/ORD-5002/shipments", `{"carrier":"ups","tracking_number":"`+afterShipNumber+
				`","service":"postal","shipped_at":"2026-02-10T09:00:00Z"}`); rec.Code != http.StatusCreated {
				t.Fatalf("register on ORD-5002: %d %s", rec.Code, rec.Body)
			}
			e := h.aftership(t, "tracking_update_returning.json", "RR987654324CN", afterShipNumber)
			h.post(t, e)
			if got := h.wantUnfiled(t, e, "tracking_ambiguous"); got["channel"] != "carrier" {
				t.Fatalf("unfiled entry %v; want channel carrier", got)
			}
			h.register(t, "ORD-5003", 1999, "USD") // an order without the parcel
			assign := func(id string) (int, string) {
				rec := h.do("POST", "/v1/events/aftership/"+e.id+"/assign", `{"order_id":"`+id+`"}`)
				return rec.Code, rec.Body.String()
			}
			if code, body := assign("ORD-5003"); code != http.StatusConflict {
				t.Fatalf("assign to an order without the parcel: %d %s; want 409", code, body)
			}
			if code, body := assign("ORD-5002"); code != http.StatusOK {
				t.Fatalf("assign: %d %s", code, body)
			}
			h.wantNoneUnfiled(t)
			o := h.order(t, "ORD-5002")
			if sh := parcelOf(t, o, afterShipNumber); sh["status"] != "exception" || sh["sub_status"] != "Exception_010" {
				t.Fatalf("ORD-5002's parcel %v; want exception Exception_010", sh)
			}
			if got := entry(t, o, e.id); got["applied"] != true {
				t.Fatalf("entry %v; want applied", got)
			}
			if sh := parcelOf(t, h.order(t, "ORD-5001"), afterShipNumber); sh["status"] == "exception" {
				t.Fatalf("ORD-5001's parcel %v changed too", sh)
			}
		}},
		{"carrier/unregistered_tracking_number", func(t *testing.T, h *scenarioHarness) {
			h.paidOrder(t)
			e := h.easypost(t, "tracker_updated_failure_delayed.json")
			h.post(t, e)
			got := h.wantUnfiled(t, e, "tracking_not_registered")
			if got["channel"] != "carrier" || got["names"].(map[string]any)["tracking_number"] != usps {
				t.Fatalf("unfiled entry %v; want the carrier event naming %s", got, usps)
			}
			code, o := h.ship(t, "usps", usps)
			if sh := parcelOf(t, o, usps); code != http.StatusCreated || sh["status"] != "attempt_failed" {
				t.Fatalf("registration answer %d, parcel %v; want 201 with the parked event applied", code, sh)
			}
			h.wantNoneUnfiled(t)
			h.wantParcelStatus(t, e, usps, "attempt_failed", "failure", "delayed")
			if n := h.notes(t, "ORD-5001"); n["shipment_attempt_failed"] != 1 || n["shipment_exception"] != 0 {
				t.Fatalf("outbox rows %v; want one shipment_attempt_failed, no shipment_exception", n)
			}
		}},
	}
}
