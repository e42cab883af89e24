package store

import (
	"reflect"
	"testing"
	"time"

	"github.com/orderwire/orderwire/internal/order"
)

// TestPlanFiling spells out where a payment event goes for every combination the adapters
// can read: the order it names (registered or not), its references (unknown, unbound with or
// without parked events, bound here or elsewhere).
func TestPlanFiling(t *testing.T) {
	ev := func(orderID string, refs ...string) order.Event {
		return order.Event{Source: "stripe", EventID: "evt", OrderID: orderID, Refs: refs}
	}
	bound := func(id string) RefRecord { return RefRecord{Source: "stripe", OrderID: id} }
	parked := RefRecord{Source: "stripe", Parked: 2}
	cases := []struct {
		name                    string
		ev                      order.Event
		refs                    map[string]RefRecord
		namedFound, targetFound bool
		want                    Filing
	}{
		{"registered order binds its new refs and drains the parked ones", ev("o1", "pi", "ch", "re"),
			map[string]RefRecord{"ch": parked, "re": bound("o1")}, true, true,
			Filing{OrderID: "o1", Apply: true, Bind: []string{"pi", "ch"}, Drain: []string{"ch"}}},
		{"a ref bound elsewhere is noted, never moved", ev("o1", "pi"), map[string]RefRecord{"pi": bound("o2")}, true, true,
			Filing{OrderID: "o1", Apply: true, Note: "anomaly: payment reference already bound to another order (pi → o2)"}},
		{"refs only, bound", ev("", "ch"), map[string]RefRecord{"ch": bound("o1")}, false, true,
			Filing{OrderID: "o1", Apply: true}},
		{"refs only, unbound", ev("", "ch", "pi"), nil, false, false,
			Filing{ParkRefs: []string{"ch", "pi"}, Why: WhyReferenceNotBound,
				Detail: "no event has tied its payment references (ch, pi) to an order yet"}},
		{"refs bound to two orders", ev("", "ch", "pi"), map[string]RefRecord{"ch": bound("o2"), "pi": bound("o1")}, false, false,
			Filing{Why: WhyReferenceConflict, Detail: "its payment references are bound to orders o1, o2"}},
		{"names nothing", ev(""), nil, false, false,
			Filing{Why: WhyNoReference, Detail: "it names no order and no payment reference"}},
		{"unregistered order: waits under it and its unbound refs, binds nothing", ev("INV-1", "cap"), nil, false, false,
			Filing{OrderID: "INV-1", ParkRefs: []string{"cap"}, Why: WhyOrderNotRegistered, Detail: "order INV-1 is not registered yet"}},
		{"unregistered order, ref bound: follows the ref", ev("INV-1", "cap"), map[string]RefRecord{"cap": bound("o1")}, false, true,
			Filing{OrderID: "o1", Apply: true, Note: "anomaly: it names order INV-1, which is not registered; filed through its payment reference"}},
	}
	for _, c := range cases {
		got := PlanFiling(c.ev, c.refs, c.namedFound, c.targetFound)
		if !reflect.DeepEqual(got, c.want) {
			t.Errorf("%s:\n got  %+v\n want %+v", c.name, got, c.want)
		}
	}
}

func TestEventRefsDropUnusableAndRepeated(t *testing.T) {
	long := string(make([]byte, 129))
	ev := order.Event{PaymentRef: "pi_1", Refs: []string{"ch_1", "", "pi_1", "a#b", "a b", long, "ch_1"}}
	if got := EventRefs(ev); !reflect.DeepEqual(got, []string{"ch_1", "pi_1"}) {
		t.Fatalf("EventRefs = %q", got)
	}
}

func TestUnfiledSKRoundTrip(t *testing.T) {
	sk := UnfiledSK("track-easypost", "evt#1/2", time.Date(2026, 12, 4, 10, 0, 0, 0, time.UTC))
	src, id, ok := ParseUnfiledSK(sk)
	if !ok || src != "track-easypost" || id != "evt#1/2" {
		t.Fatalf("ParseUnfiledSK(%q) = %q, %q, %v", sk, src, id, ok)
	}
	if _, _, ok := ParseUnfiledSK("2026-01-01#x"); ok {
		t.Fatal("a short key parsed")
	}
}
