package httpapi_test

import (
	"bytes"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/orderwire/orderwire/internal/order"
	"github.com/orderwire/orderwire/internal/tracking"
	"golang.org/x/text/unicode/norm"
)

// The carrier secrets: orderwire is configured with first and second (a rotation); the third
// is a stranger's. The Standard Webhooks sender shares standardSecrets with the payment route
// (one sender, one setting: tracking.SettingStandardSecrets). The EasyPost secrets hold a
// precomposed é and the ﬁ ligature, which NFKD changes: easypost-go signs with the NFKD form.
var (
	afterShipSecrets   = [3]string{"aftership-e2e-secret-2026", "aftership-e2e-secret-2027", "aftership-e2e-unknown"}
	seventeenTrackKeys = [3]string{"9F3A1C7E5B2D4F6081A3C5E7092B4D6F", "6D4B2E0A9C7F5D3B1A8E6C4F2D0B9A7C", "0A1B2C3D4E5F60718293A4B5C6D7E8F9"}
	easyPostSecrets    = [3]string{"sécret-ﬁle-e2e-2026", "sécret-ﬁle-e2e-2027", "easypost-e2e-unknown"}
)

func carrierConfig() tracking.Config {
	return tracking.Config{AfterShipSecrets: afterShipSecrets[:2], SeventeenTrackKeys: seventeenTrackKeys[:2],
		EasyPostSecrets: easyPostSecrets[:2], StandardSecrets: standardSecrets[:2]}
}

// When the scenarios' scans happen: later than every other scan of the fixtures, before
// provNow (the handler's clock). Carriers write local times; cet is Lyon's and Valencia's.
var (
	inTransitAt = time.Date(2026, 3, 1, 8, 20, 0, 0, time.UTC)
	deliveredAt = time.Date(2026, 3, 1, 9, 40, 0, 0, time.UTC)
	cet         = time.FixedZone("CET", 60*60)
)

// parcelEvent is what one carrier webhook says about one parcel.
type parcelEvent struct {
	id     string // the sender's event id; "" for 17TRACK, which sends none (orderwire derives one)
	number string
	status order.ShipmentStatus // in_transit or delivered
	at     time.Time            // when the latest scan happened
}

// scanWords are how a sender words a status: its status or tag, its sub-status, and the
// message of the latest scan.
type scanWords struct{ tag, sub, message string }

// carrierSigner builds one sender's webhooks from its fixture and signs them as it does.
type carrierSigner struct {
	name      string
	eventType string // the sender's type of a tracking update
	idPrefix  string // of the event ids the sender gives; "" when it gives none
	timed     bool   // the signed timestamp must be within 5 minutes of now (standard only)
	words     map[order.ShipmentStatus]scanWords
	location  string // the latest scan's location, as orderwire shows it
	scans     int    // checkpoints in the body
	body      func(t *testing.T, e parcelEvent, w scanWords) []byte
	sign      func(t *testing.T, body []byte, id string, k keyChoice, at time.Time) delivery
}

func carrierSigners() []carrierSigner {
	type words = map[order.ShipmentStatus]scanWords
	return []carrierSigner{
		{name: "aftership", eventType: "tracking_update", idPrefix: "5d1c2e7a-0b4f-4e8a-9c3d-", location: "LYON 02", scans: 6,
			body: afterShipBody, sign: signAfterShip, words: words{
				order.ShipmentInTransit: {"InTransit", "InTransit_003", "Arrivée sur la plateforme de distribution"},
				order.ShipmentDelivered: {"Delivered", "Delivered_001", "Votre colis a été livré"}}},
		{name: "17track", eventType: "TRACKING_UPDATED", location: "Valencia", scans: 6,
			body: seventeenTrackBody, sign: signSeventeenTrack, words: words{
				order.ShipmentInTransit: {"InTransit", "InTransit_Arrival", "Llegada al centro de tratamiento"},
				order.ShipmentDelivered: {"Delivered", "Delivered_Other", "Entregado"}}},
		{name: "easypost", eventType: "tracker.updated", idPrefix: "evt_e2e", location: "PORTLAND, OR, 97209", scans: 5,
			body: easyPostBody, sign: signEasyPost, words: words{
				order.ShipmentInTransit: {"in_transit", "arrived_at_facility", "Arrived at USPS Regional Destination Facility"},
				order.ShipmentDelivered: {"delivered", "arrived_at_destination", "Delivered, In/At Mailbox"}}},
		{name: "standard", eventType: "shipment.updated", idPrefix: "msg_e2e_", timed: true, location: "Valencia, ES", scans: 3,
			body: standardShipmentBody, sign: signStandardShipment, words: words{
				order.ShipmentInTransit: {"in_transit", "arrived_destination_hub", "Arrived at the destination hub"},
				order.ShipmentDelivered: {"delivered", "handed_to_buyer", "Delivered to the buyer"}}},
	}
}

// event is the sender's webhook about parcel number reaching status at.
func (s carrierSigner) event(tag, number string, status order.ShipmentStatus, at time.Time) parcelEvent {
	e := parcelEvent{number: number, status: status, at: at}
	if s.idPrefix != "" {
		e.id = s.idPrefix + tag
	}
	return e
}

// signed is e as the sender sends it, signed with secret k at time at.
func (s carrierSigner) signed(t *testing.T, e parcelEvent, k keyChoice, at time.Time) delivery {
	t.Helper()
	return s.sign(t, s.body(t, e, s.words[e.status]), e.id, k, at)
}

// trackingFixture reads the tracking package's fixture and applies old→new edits; every old
// text must be there (all its occurrences are replaced), so a changed fixture fails loudly.
func trackingFixture(t *testing.T, provider, file string, edits ...string) []byte {
	t.Helper()
	body, err := os.ReadFile(filepath.Join("..", "tracking", "testdata", provider, file))
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i+1 < len(edits); i += 2 {
		if !bytes.Contains(body, []byte(edits[i])) {
			t.Fatalf("%s/%s: %q not found", provider, file, edits[i])
		}
		body = bytes.ReplaceAll(body, []byte(edits[i]), []byte(edits[i+1]))
	}
	return bytes.TrimRight(body, "\n")
}

// afterShipBody edits a tracking_update: the tag and sub-tag of the tracking and of its
// latest checkpoint, that checkpoint's message and local time, and the send time ts.
func afterShipBody(t *testing.T, e parcelEvent, w scanWords) []byte {
	return trackingFixture(t, "aftership", "tracking_update_delivered.json",
		"3f645f5e-530b-4062-8695-db6a64420af8", e.id,
		"RR123456785CN", e.number, // msg.tracking_number and the tracking link
		`"tag": "Delivered"`, `"tag": "`+w.tag+`"`,
		`"subtag": "Delivered_001"`, `"subtag": "`+w.sub+`"`,
		"Votre colis a été livré", w.message,
		`"checkpoint_time": "2026-03-01T10:41:00+01:00"`, `"checkpoint_time": "`+e.at.In(cet).Format(time.RFC3339)+`"`,
		`"ts": 1772359111`, `"ts": `+strconv.FormatInt(e.at.Unix(), 10))
}

// seventeenTrackBody edits a TRACKING_UPDATED push: latest status, latest event and the
// destination carrier's newest scan (stage, sub-status, description, times), and the
// Delivered milestone (null until delivered).
func seventeenTrackBody(t *testing.T, e parcelEvent, w scanWords) []byte {
	iso, utc := e.at.In(cet).Format(time.RFC3339), e.at.UTC().Format(time.RFC3339)
	stage, milestone := "Arrival", `"time_iso": null, "time_utc": null`
	if e.status == order.ShipmentDelivered {
		stage, milestone = "Delivered", `"time_iso": "`+iso+`", "time_utc": "`+utc+`"`
	}
	return trackingFixture(t, "17track", "tracking_updated_delivered.json",
		`{"key_stage": "Delivered", "time_iso": "2026-02-28T12:04:00+01:00", "time_utc": "2026-02-28T11:04:00Z"}`,
		`{"key_stage": "Delivered", `+milestone+`}`,
		"LZ987654326CN", e.number, // data.number and misc_info.local_number
		`"status": "Delivered"`, `"status": "`+w.tag+`"`,
		`"sub_status": "Delivered_Other"`, `"sub_status": "`+w.sub+`"`,
		`"stage": "Delivered"`, `"stage": "`+stage+`"`,
		`"description": "Entregado"`, `"description": "`+w.message+`"`,
		`"time_iso": "2026-02-28T12:04:00+01:00"`, `"time_iso": "`+iso+`"`,
		`"time_utc": "2026-02-28T11:04:00Z"`, `"time_utc": "`+utc+`"`)
}

// easyPostBody edits a tracker.updated Event: the tracker's status and detail and those of
// its latest tracking detail, that detail's message and time, and the updated_at times.
func easyPostBody(t *testing.T, e parcelEvent, w scanWords) []byte {
	at := e.at.UTC().Format(time.RFC3339)
	return trackingFixture(t, "easypost", "tracker_updated.json",
		"evt_8a1e6f9c4b2d11f0a7c3b5e2d4f6a8c0", e.id,
		"9400 1108 9882 5022 5794 93", e.number,
		`"status": "delivered"`, `"status": "`+w.tag+`"`,
		`"status_detail": "arrived_at_destination"`, `"status_detail": "`+w.sub+`"`,
		`"message": "Delivered, In/At Mailbox"`, `"message": "`+w.message+`"`,
		`"datetime": "2026-03-01T09:47:00Z"`, `"datetime": "`+at+`"`,
		`"updated_at": "2026-03-01T09:59:10Z"`, `"updated_at": "`+at+`"`, // the tracker's
		"2026-03-01T09:59:12Z", at) // the Event's created_at and updated_at
}

// standardShipmentBody edits orderwire's generic shipment.updated body.
func standardShipmentBody(t *testing.T, e parcelEvent, w scanWords) []byte {
	at := e.at.UTC().Format(time.RFC3339)
	return trackingFixture(t, "standard", "shipment_updated.json",
		"cp123456785cn", e.number,
		`"status": "out_for_delivery"`, `"status": "`+w.tag+`"`, // data's and the latest scan's
		`"sub_status": "with_local_courier"`, `"sub_status": "`+w.sub+`"`,
		"With local courier for delivery", w.message,
		`"at": "2026-03-01T07:30:00Z"`, `"at": "`+at+`"`,
		`"timestamp": "2026-03-01T09:55:00Z"`, `"timestamp": "`+at+`"`)
}

// signAfterShip: aftership-hmac-sha256 is the base64 HMAC-SHA256 of the body.
func signAfterShip(_ *testing.T, body []byte, _ string, k keyChoice, _ time.Time) delivery {
	mac := hmac.New(sha256.New, []byte(afterShipSecrets[k]))
	mac.Write(body)
	return carrierDelivery("aftership", body, "aftership-hmac-sha256", base64.StdEncoding.EncodeToString(mac.Sum(nil)))
}

// signSeventeenTrack: sign is the hex SHA-256 (a plain hash) of "<body>/<key>".
func signSeventeenTrack(_ *testing.T, body []byte, _ string, k keyChoice, _ time.Time) delivery {
	sum := sha256.Sum256([]byte(string(body) + "/" + seventeenTrackKeys[k]))
	return carrierDelivery("17track", body, "sign", hex.EncodeToString(sum[:]))
}

// signEasyPost: X-Hmac-Signature is "hmac-sha256-hex=" and the hex HMAC-SHA256 of the body
// keyed with the NFKD form of the secret.
func signEasyPost(_ *testing.T, body []byte, _ string, k keyChoice, _ time.Time) delivery {
	mac := hmac.New(sha256.New, []byte(norm.NFKD.String(easyPostSecrets[k])))
	mac.Write(body)
	return carrierDelivery("easypost", body, "X-Hmac-Signature", "hmac-sha256-hex="+hex.EncodeToString(mac.Sum(nil)))
}

// signStandardShipment signs as any Standard Webhooks sender (signStandard), to the carrier route.
func signStandardShipment(t *testing.T, body []byte, id string, k keyChoice, at time.Time) delivery {
	d := signStandard(t, event{id: id, body: body}, k, at)
	d.path = "/webhooks/carriers/standard"
	return d
}

func carrierDelivery(name string, body []byte, header, value string) delivery {
	return delivery{path: "/webhooks/carriers/" + name, body: body,
		header: http.Header{http.CanonicalHeaderKey(header): {value}, "Content-Type": {"application/json"}}}
}
