package main

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/orderwire/orderwire/internal/order"
)

// stormParcel is one registered parcel of a carrier order and the sender that reports it.
type stormParcel struct {
	number  string // normalised tracking number, unique in the storm
	carrier string // the seller's carrier slug
	sender  string // "aftership", "17track", "easypost" or "standard"
}

// parcelEvent is one carrier update the storm sends, as intended.
type parcelEvent struct {
	o      *stormOrder
	p      stormParcel
	seq    int
	status order.ShipmentStatus
	scan   int // the how-manieth scan of this status, for the wording of repeated in_transit scans
	at     time.Time
}

// words is how each sender words the statuses the storm uses: status or tag, sub-status,
// and the latest scan's message. The storm keeps to in_transit, out_for_delivery and
// delivered, whose mapping every sender documents without a sub-status refinement.
var words = map[string]map[order.ShipmentStatus][3]string{
	"aftership": {
		order.ShipmentInTransit:      {"InTransit", "InTransit_003", "Arrivée sur la plateforme de distribution"},
		order.ShipmentOutForDelivery: {"OutForDelivery", "OutForDelivery_001", "Colis en cours de livraison"},
		order.ShipmentDelivered:      {"Delivered", "Delivered_001", "Votre colis a été livré"}},
	"17track": {
		order.ShipmentInTransit:      {"InTransit", "InTransit_Arrival", "Llegada al centro de tratamiento"},
		order.ShipmentOutForDelivery: {"OutForDelivery", "OutForDelivery_Other", "En proceso de entrega"},
		order.ShipmentDelivered:      {"Delivered", "Delivered_Other", "Entregado"}},
	"easypost": {
		order.ShipmentInTransit:      {"in_transit", "arrived_at_facility", "Arrived at USPS Regional Destination Facility"},
		order.ShipmentOutForDelivery: {"out_for_delivery", "out_for_delivery", "Out for Delivery, Expected Delivery by 8:00pm"},
		order.ShipmentDelivered:      {"delivered", "arrived_at_destination", "Delivered, In/At Mailbox"}},
	"standard": {
		order.ShipmentInTransit:      {"in_transit", "arrived_destination_hub", "Arrived at the destination hub"},
		order.ShipmentOutForDelivery: {"out_for_delivery", "with_local_courier", "With local courier for delivery"},
		order.ShipmentDelivered:      {"delivered", "handed_to_buyer", "Delivered to the buyer"}},
}

// inTransitWords are further in_transit scans' words (a parcel is scanned at each hub),
// with 17TRACK's stage for each.
var inTransitWords = map[string][][3]string{
	"aftership": {{"InTransit", "InTransit_007", "Départ du centre de tri"}, {"InTransit", "InTransit_004", "Arrivé dans le pays de destination"}},
	"17track":   {{"InTransit", "InTransit_PickedUp", "Admitido"}, {"InTransit", "InTransit_Departure", "Salida del centro internacional"}},
	"easypost":  {{"in_transit", "departed_facility", "Departed USPS Regional Facility"}, {"in_transit", "in_transit", "In Transit to Next Facility"}},
	"standard":  {{"in_transit", "departed_origin_hub", "Departed the origin hub"}, {"in_transit", "customs_cleared", "Customs cleared"}},
}

// wordsFor is how sender words the scan-th scan of status.
func wordsFor(sender string, status order.ShipmentStatus, scan int) [3]string {
	if status == order.ShipmentInTransit && scan > 0 {
		list := inTransitWords[sender]
		return list[(scan-1)%len(list)]
	}
	return words[sender][status]
}

// stage17 is 17TRACK's event stage for a sub-status (its milestone key_stage).
func stage17(sub string) string {
	_, stage, ok := strings.Cut(sub, "_")
	if !ok || strings.HasPrefix(sub, "OutForDelivery") || stage == "Other" {
		stage, _, _ = strings.Cut(sub, "_")
	}
	return stage
}

var cet = time.FixedZone("CET", 60*60) // the European carriers write local times

// carrierBuilders build each sender's update from its delivered-parcel fixture: the parcel's
// number, the status words, and the latest scan's time (the time orderwire reads: the
// newest checkpoint) set to the event's time; older scans stay as in the fixture. eventID
// is the sender's own id ("" for 17TRACK, which sends none).
var carrierBuilders = map[string]func(t testing.TB, e parcelEvent) (body []byte, eventID string){
	"aftership": func(t testing.TB, e parcelEvent) ([]byte, string) {
		w := wordsFor("aftership", e.status, e.scan)
		id := fmt.Sprintf("5d1c2e7a-0b4f-4e8a-9c3d-%012d", e.seq)
		j := loadJSON(t, "tracking", "aftership", "tracking_update_delivered.json")
		j.set("event_id", id, "ts", num(e.at.Unix()), "msg.tracking_number", e.p.number, "msg.order_id", e.o.id, "msg.title", e.o.id,
			"msg.tag", w[0], "msg.subtag", w[1], "msg.subtag_message", w[2],
			"msg.courier_tracking_link", "https://track.aftership.com/china-post/"+e.p.number,
			"msg.checkpoints.-1.tag", w[0], "msg.checkpoints.-1.subtag", w[1], "msg.checkpoints.-1.message", w[2],
			"msg.checkpoints.-1.checkpoint_time", e.at.In(cet).Format(time.RFC3339),
			"msg.checkpoints.-1.created_at", e.at.UTC().Format(time.RFC3339))
		if e.status != order.ShipmentDelivered {
			j.set("msg.shipment_delivery_date", nil, "msg.signed_by", nil, "msg.active", true)
		}
		return j.bytes(), id
	},
	"17track": func(t testing.TB, e parcelEvent) ([]byte, string) {
		w := wordsFor("17track", e.status, e.scan)
		iso, utc := e.at.In(cet).Format(time.RFC3339), e.at.UTC().Format(time.RFC3339)
		j := loadJSON(t, "tracking", "17track", "tracking_updated_delivered.json")
		j.set("data.number", e.p.number, "data.tag", e.o.id, "data.track_info.misc_info.local_number", e.p.number,
			"data.track_info.latest_status.status", w[0], "data.track_info.latest_status.sub_status", w[1])
		for _, ev := range []string{"data.track_info.latest_event", "data.track_info.tracking.providers.0.events.0"} {
			j.set(ev+".time_iso", iso, ev+".time_utc", utc, ev+".stage", stage17(w[1]), ev+".sub_status", w[1], ev+".description", w[2])
		}
		for i := range j.length("data.track_info.milestone") {
			m := fmt.Sprintf("data.track_info.milestone.%d", i)
			if stage := j.get(m, []string{"data", "track_info", "milestone", fmt.Sprint(i), "key_stage"}); stage == "Delivered" {
				if e.status == order.ShipmentDelivered {
					j.set(m+".time_iso", iso, m+".time_utc", utc)
				} else {
					j.set(m+".time_iso", nil, m+".time_utc", nil)
				}
			}
		}
		return j.bytes(), ""
	},
	"easypost": func(t testing.TB, e parcelEvent) ([]byte, string) {
		w := wordsFor("easypost", e.status, e.scan)
		id := fmt.Sprintf("evt_storm%024d", e.seq)
		at := e.at.UTC().Format(time.RFC3339)
		j := loadJSON(t, "tracking", "easypost", "tracker_updated.json")
		j.set("id", id, "created_at", at, "updated_at", at, "result.tracking_code", e.p.number,
			"result.id", "trk_storm"+e.p.number, "result.status", w[0], "result.status_detail", w[1], "result.updated_at", at,
			"result.tracking_details.-1.status", w[0], "result.tracking_details.-1.status_detail", w[1],
			"result.tracking_details.-1.message", w[2], "result.tracking_details.-1.datetime", at,
			"result.finalized", e.status == order.ShipmentDelivered)
		return j.bytes(), id
	},
	"standard": func(t testing.TB, e parcelEvent) ([]byte, string) {
		w := wordsFor("standard", e.status, e.scan)
		at := e.at.UTC().Format(time.RFC3339)
		j := loadJSON(t, "tracking", "standard", "shipment_updated.json")
		j.set("timestamp", at, "data.tracking_number", e.p.number, "data.status", w[0], "data.sub_status", w[1],
			"data.checkpoints.0.at", at, "data.checkpoints.0.status", w[0], "data.checkpoints.0.message", w[2])
		return j.bytes(), fmt.Sprintf("msg_storm_parcel_%d", e.seq)
	},
}
