package tracking

import (
	"context"
	"testing"
	"time"

	"github.com/orderwire/orderwire/internal/order"
	"github.com/orderwire/orderwire/internal/order/ordertest"
)

// documented is one sub-status as its provider documents it, and what orderwire makes of it.
type documented struct {
	status, sub string
	want        order.ShipmentStatus
}

// afterShipDocumented lists every sub-tag of AfterShip's "Delivery Sub-statuses"
// (aftership.com/docs/tracking/2025-04/enum/delivery-sub-statuses; Delivered_005 from the
// 2026-07 version of that page; Exception_016..021 from the help-center article "Learn About
// Delivery Sub-Status", new on 2026-03-27), under its tag.
var afterShipDocumented = []documented{
	{"Pending", "Pending_001", order.ShipmentPending},
	{"Pending", "Pending_006", order.ShipmentPending},
	{"InfoReceived", "InfoReceived_001", order.ShipmentInfoReceived},
	{"InTransit", "InTransit_001", order.ShipmentInTransit},
	{"InTransit", "InTransit_002", order.ShipmentInTransit}, // acceptance scan
	{"InTransit", "InTransit_003", order.ShipmentInTransit}, // arrival scan
	{"InTransit", "InTransit_004", order.ShipmentInTransit}, // arrived at destination country
	{"InTransit", "InTransit_005", order.ShipmentInTransit}, // customs clearance completed
	{"InTransit", "InTransit_006", order.ShipmentInTransit}, // customs clearance started
	{"InTransit", "InTransit_007", order.ShipmentInTransit}, // departure scan
	{"InTransit", "InTransit_008", order.ShipmentInTransit}, // problem resolved
	{"InTransit", "InTransit_009", order.ShipmentInTransit}, // forwarded to a different address
	{"OutForDelivery", "OutForDelivery_001", order.ShipmentOutForDelivery},
	{"OutForDelivery", "OutForDelivery_003", order.ShipmentOutForDelivery}, // customer contacted
	{"OutForDelivery", "OutForDelivery_004", order.ShipmentOutForDelivery}, // delivery appointment scheduled
	{"AttemptFail", "AttemptFail_001", order.ShipmentAttemptFailed},
	{"AttemptFail", "AttemptFail_002", order.ShipmentAttemptFailed}, // addressee not available
	{"AttemptFail", "AttemptFail_003", order.ShipmentAttemptFailed}, // business closed
	{"Delivered", "Delivered_001", order.ShipmentDelivered},
	{"Delivered", "Delivered_002", order.ShipmentDelivered}, // picked up by the customer
	{"Delivered", "Delivered_003", order.ShipmentDelivered}, // signed by the customer
	{"Delivered", "Delivered_004", order.ShipmentDelivered}, // cash on delivery collected
	{"Delivered", "Delivered_005", order.ShipmentDelivered}, // delivered to a neighbour
	{"AvailableForPickup", "AvailableForPickup_001", order.ShipmentAvailableForPickup},
	{"Exception", "Exception_001", order.ShipmentException},
	{"Exception", "Exception_002", order.ShipmentException}, // customer moved
	{"Exception", "Exception_003", order.ShipmentException}, // customer refused delivery
	{"Exception", "Exception_004", order.ShipmentInTransit}, // delayed (customs clearance)
	{"Exception", "Exception_005", order.ShipmentInTransit}, // delayed (external factors)
	{"Exception", "Exception_006", order.ShipmentException}, // held for payment
	{"Exception", "Exception_007", order.ShipmentException}, // incorrect address
	{"Exception", "Exception_008", order.ShipmentException}, // pick up missed
	{"Exception", "Exception_009", order.ShipmentException}, // rejected by carrier
	{"Exception", "Exception_010", order.ShipmentException}, // returning to sender: not back yet
	{"Exception", "Exception_011", order.ShipmentReturned},  // returned to sender
	{"Exception", "Exception_012", order.ShipmentException}, // shipment damaged
	{"Exception", "Exception_013", order.ShipmentException}, // shipment lost
	{"Exception", "Exception_016", order.ShipmentInTransit}, // delayed (processing issue)
	{"Exception", "Exception_017", order.ShipmentInTransit}, // delayed (extreme weather)
	{"Exception", "Exception_018", order.ShipmentException}, // incorrect / missing documents
	{"Exception", "Exception_019", order.ShipmentInTransit}, // delayed (late flight)
	{"Exception", "Exception_020", order.ShipmentException}, // shipment cancelled
	{"Exception", "Exception_021", order.ShipmentException}, // shipment disposed
	{"Expired", "Expired_001", order.ShipmentExpired},
}

// seventeenTrackDocumented lists 17TRACK's 30 sub-statuses ("Understanding Tracking Status
// (Main Status & Substatus)", help.17track.net/hc/en-us/articles/37471096573337), under
// their main status.
var seventeenTrackDocumented = []documented{
	{"NotFound", "NotFound_Other", order.ShipmentPending},
	{"NotFound", "NotFound_InvalidCode", order.ShipmentPending},
	{"InfoReceived", "InfoReceived", order.ShipmentInfoReceived},
	{"InTransit", "InTransit_PickedUp", order.ShipmentInTransit},
	{"InTransit", "InTransit_Other", order.ShipmentInTransit},
	{"InTransit", "InTransit_Departure", order.ShipmentInTransit},
	{"InTransit", "InTransit_Arrival", order.ShipmentInTransit},
	{"InTransit", "InTransit_CustomsProcessing", order.ShipmentInTransit},
	{"InTransit", "InTransit_CustomsReleased", order.ShipmentInTransit},
	{"InTransit", "InTransit_CustomsRequiringInformation", order.ShipmentInTransit},
	{"Expired", "Expired_Other", order.ShipmentExpired},
	{"AvailableForPickup", "AvailableForPickup_Other", order.ShipmentAvailableForPickup},
	{"OutForDelivery", "OutForDelivery_Other", order.ShipmentOutForDelivery},
	{"DeliveryFailure", "DeliveryFailure_Other", order.ShipmentAttemptFailed},
	{"DeliveryFailure", "DeliveryFailure_NoBody", order.ShipmentAttemptFailed},
	{"DeliveryFailure", "DeliveryFailure_Security", order.ShipmentAttemptFailed},
	{"DeliveryFailure", "DeliveryFailure_Rejected", order.ShipmentAttemptFailed},
	{"DeliveryFailure", "DeliveryFailure_InvalidAddress", order.ShipmentAttemptFailed},
	{"Delivered", "Delivered_Other", order.ShipmentDelivered},
	{"Exception", "Exception_Other", order.ShipmentException},
	{"Exception", "Exception_Returning", order.ShipmentException}, // on its way back: not returned yet
	{"Exception", "Exception_Returned", order.ShipmentReturned},
	{"Exception", "Exception_NoBody", order.ShipmentException},
	{"Exception", "Exception_Security", order.ShipmentException},
	{"Exception", "Exception_Damage", order.ShipmentException},
	{"Exception", "Exception_Rejected", order.ShipmentException},
	{"Exception", "Exception_Delayed", order.ShipmentInTransit}, // a delay, not a problem with the parcel
	{"Exception", "Exception_Lost", order.ShipmentException},
	{"Exception", "Exception_Destroyed", order.ShipmentException},
	{"Exception", "Exception_Cancel", order.ShipmentException},
}

// easyPostDocumented lists Tracker status and status_detail pairs. The statuses and the
// details address_correction, arrived_at_destination and arrived_at_facility are in the
// stored copy of EasyPost's "Tracker" page (docs.easypost.com/docs/trackers); status_update,
// label_created, departed_facility, out_for_delivery and unknown are in the responses of
// EasyPost/easypost-go's cassettes and EasyPost/examples; delayed under failure is the missed
// attempt issue 10 reports. The other details (weather_delay, lost, damaged, refused,
// return, arrived_at_pickup_location, cancelled) are named as EasyPost's page lists them but
// the stored copy was cut short before them: not confirmed here.
var easyPostDocumented = []documented{
	{"unknown", "unknown", order.ShipmentPending},
	{"pre_transit", "status_update", order.ShipmentInfoReceived},
	{"pre_transit", "label_created", order.ShipmentInfoReceived},
	{"in_transit", "arrived_at_facility", order.ShipmentInTransit},
	{"in_transit", "departed_facility", order.ShipmentInTransit},
	{"in_transit", "status_update", order.ShipmentInTransit},
	{"in_transit", "delayed", order.ShipmentInTransit},       // a delay while moving
	{"in_transit", "weather_delay", order.ShipmentInTransit}, // likewise
	{"out_for_delivery", "out_for_delivery", order.ShipmentOutForDelivery},
	{"delivered", "arrived_at_destination", order.ShipmentDelivered},
	{"available_for_pickup", "arrived_at_pickup_location", order.ShipmentAvailableForPickup},
	{"failure", "delayed", order.ShipmentAttemptFailed}, // issue 10: a missed delivery attempt
	{"failure", "weather_delay", order.ShipmentAttemptFailed},
	{"failure", "address_correction", order.ShipmentAttemptFailed},
	{"failure", "lost", order.ShipmentException},
	{"failure", "damaged", order.ShipmentException},
	{"failure", "refused", order.ShipmentException},
	{"failure", "", order.ShipmentException},
	{"return_to_sender", "return", order.ShipmentException}, // on its way back: not returned yet
	{"return_to_sender", "status_update", order.ShipmentException},
	{"return_to_sender", "arrived_at_destination", order.ShipmentReturned},
	{"cancelled", "cancelled", order.ShipmentException},
	{"error", "unknown", ""}, // EasyPost could not track the code: not the parcel's state
}

func TestAfterShipDocumentedSubtags(t *testing.T) {
	p := mustProvider(t, Config{AfterShipSecrets: []string{afterShipSecret}}, NameAfterShip)
	body := fixture(t, "aftership", "tracking_update_delivered.json")
	for _, d := range afterShipDocumented {
		r := afterShipRequest(edit(t, body, map[string]any{"msg.tag": d.status, "msg.subtag": d.sub}), afterShipSecret)
		checkDocumented(t, p, r, d)
	}
}

func TestSeventeenTrackDocumentedSubStatuses(t *testing.T) {
	p := mustProvider(t, Config{SeventeenTrackKeys: []string{seventeenKey}}, NameSeventeenTrack)
	body := fixture(t, "17track", "tracking_updated_delivered.json")
	if len(seventeenTrackDocumented) != 30 {
		t.Fatalf("17TRACK documents 30 sub-statuses; the list has %d", len(seventeenTrackDocumented))
	}
	for _, d := range seventeenTrackDocumented {
		r := seventeenRequest(edit(t, body, map[string]any{
			"data.track_info.latest_status.status": d.status, "data.track_info.latest_status.sub_status": d.sub,
		}), seventeenKey)
		checkDocumented(t, p, r, d)
	}
}

func TestEasyPostDocumentedDetails(t *testing.T) {
	p := mustProvider(t, Config{EasyPostSecrets: []string{easyPostSecret}}, NameEasyPost)
	body := fixture(t, "easypost", "tracker_updated.json")
	for _, d := range easyPostDocumented {
		r := easyPostRequest(edit(t, body, map[string]any{"result.status": d.status, "result.status_detail": d.sub}), easyPostSecret)
		checkDocumented(t, p, r, d)
	}
}

// checkDocumented verifies and parses r and checks the normalised status, and that the
// provider's status and sub-status are kept verbatim.
func checkDocumented(t *testing.T, p Provider, r Request, d documented) {
	t.Helper()
	ordertest.WantCode(t, p.Verify(context.Background(), r, testNow), "")
	ev, err := p.Parse(r)
	if err != nil || ev.Status != d.want || ev.ProviderStatus != d.status || ev.SubStatus != d.sub {
		t.Errorf("%s %s/%s: status %q (kept %q/%q), %v; want %q", p.Name(), d.status, d.sub, ev.Status,
			ev.ProviderStatus, ev.SubStatus, err, d.want)
	}
}

// TestSubStatusFixtures parses the fixtures of the refined cases, each following its
// provider's documents (see their _source): a missed EasyPost delivery attempt, a return on
// its way (AfterShip, 17TRACK) and a 17TRACK delay.
func TestSubStatusFixtures(t *testing.T) {
	ps, err := Providers(Config{AfterShipSecrets: []string{afterShipSecret}, SeventeenTrackKeys: []string{seventeenKey},
		EasyPostSecrets: []string{easyPostSecret}})
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		provider, dir string
		sign          func([]byte, string) Request
		key           string
		want          eventWant
	}{
		{NameEasyPost, "easypost", easyPostRequest, easyPostSecret, eventWant{file: "tracker_updated_failure_delayed.json",
			typ: "tracker.updated", eventID: "evt_3b9d5f7a1c2e4a6b8d0f2e4c6a8b0d2f", number: "9400110898825022579516", carrier: "usps",
			status: order.ShipmentAttemptFailed, provider: "failure", sub: "delayed",
			occurredAt: time.Date(2026, 3, 2, 18, 51, 0, 0, time.UTC), checkpoints: 3,
			first: order.Checkpoint{At: time.Date(2026, 2, 26, 17, 40, 0, 0, time.UTC), Location: "ONTARIO, CA, 91761",
				Message: "USPS picked up item", Status: "in_transit"},
			last: order.Checkpoint{At: time.Date(2026, 3, 2, 18, 51, 0, 0, time.UTC), Location: "PORTLAND, OR, 97209",
				Message: "Notice Left (No Authorized Recipient Available)", Status: "failure"}}},
		{NameAfterShip, "aftership", afterShipRequest, afterShipSecret, eventWant{file: "tracking_update_returning.json",
			typ: "tracking_update", eventID: "9c1e7a52-2d4b-4f6e-a8c0-5e3b7d9f1a24", number: "RR987654324CN", carrier: "china-post",
			status: order.ShipmentException, provider: "Exception", sub: "Exception_010",
			occurredAt: time.Date(2026, 3, 4, 8, 3, 0, 0, time.UTC), checkpoints: 2,
			first: order.Checkpoint{At: time.Date(2026, 2, 12, 6, 20, 0, 0, time.UTC), Location: "Shenzhen, Guangdong, China",
				Message: "Posting/Collection", Status: "InTransit_002"},
			last: order.Checkpoint{At: time.Date(2026, 3, 4, 8, 3, 0, 0, time.UTC), Location: "Frankfurt, Germany",
				Message: "Zustellung nicht möglich, Empfänger verzogen; Rücksendung an Absender", Status: "Exception_010"}}},
		{NameSeventeenTrack, "17track", seventeenRequest, seventeenKey, eventWant{file: "tracking_updated_returning.json",
			typ: "TRACKING_UPDATED", number: "LZ987654326CN", carrier: "3011",
			status: order.ShipmentException, provider: "Exception", sub: "Exception_Returning",
			occurredAt: time.Date(2026, 3, 3, 9, 20, 0, 0, time.UTC), checkpoints: 6,
			first: order.Checkpoint{At: time.Date(2026, 2, 10, 10, 22, 0, 0, time.UTC), Location: "CN",
				Message: "Electronic information received", Status: "InfoReceived"},
			last: order.Checkpoint{At: time.Date(2026, 3, 3, 9, 20, 0, 0, time.UTC), Location: "Valencia",
				Message: "Devuelto al remitente: destinatario ausente", Status: "Exception_Returning"}}},
		{NameSeventeenTrack, "17track", seventeenRequest, seventeenKey, eventWant{file: "tracking_updated_delayed.json",
			typ: "TRACKING_UPDATED", number: "LZ987654326CN", carrier: "3011",
			status: order.ShipmentInTransit, provider: "Exception", sub: "Exception_Delayed",
			occurredAt: time.Date(2026, 3, 1, 10, 0, 0, 0, time.UTC), checkpoints: 6,
			first: order.Checkpoint{At: time.Date(2026, 2, 10, 10, 22, 0, 0, time.UTC), Location: "CN",
				Message: "Electronic information received", Status: "InfoReceived"},
			last: order.Checkpoint{At: time.Date(2026, 3, 1, 10, 0, 0, 0, time.UTC), Location: "Valencia",
				Message: "Envío retrasado por causas ajenas", Status: "Exception_Delayed"}}},
	}
	for _, c := range cases {
		r := c.sign(fixture(t, c.dir, c.want.file), c.key)
		p := ps[c.provider]
		ordertest.WantCode(t, p.Verify(context.Background(), r, testNow), "")
		ev, err := p.Parse(r)
		if err != nil {
			t.Fatalf("%s: %v", c.want.file, err)
		}
		c.want.check(t, c.provider, ev)
	}
}
