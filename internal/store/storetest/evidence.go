package storetest

import (
	"bytes"
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"reflect"
	"testing"
	"time"

	"github.com/orderwire/orderwire/internal/order"
	"github.com/orderwire/orderwire/internal/store"
)

func runEvidence(t *testing.T, h Harness) {
	t.Run("EachEvidenceStreamsWhatEvidenceReturns", func(t *testing.T) { testEachEvidence(t, h) })
	t.Run("EachEvidenceStopsOnError", func(t *testing.T) { testEachEvidenceStops(t, h) })
}

// testEachEvidence records more payment events than one page holds (40), a 1 MiB
// incompressible body (several DynamoDB items, across a Query page), a compressible one and
// two carrier events, and checks that EachEvidence yields exactly what Evidence returns,
// byte for byte, grouped as the contract says: the order's own first, oldest received
// first, then the parcel's.
func testEachEvidence(t *testing.T, h Harness) {
	s := h.Open(t)
	ctx := context.Background()
	paidOrderIn(t, s, "o-each")
	big := make([]byte, 1<<20)
	if _, err := rand.Read(big); err != nil {
		t.Fatal(err)
	}
	for i := range 40 {
		ev := Event("standard", fmt.Sprintf("msg_each_%02d", i), "o-each", order.KindIgnored, 0, time.Duration(i+10)*time.Minute)
		evidence := evidenceFor(ev)
		switch i {
		case 5:
			evidence.Body = big
		case 6:
			evidence.Body = bytes.Repeat([]byte(`{"a":"b"},`), 50_000)
		}
		if _, err := s.RecordEvent(ctx, ev, evidence); err != nil {
			t.Fatal(err)
		}
	}
	if err := Ship(t, s, "o-each", "cainiao", "RR123456785CN"); err != nil {
		t.Fatal(err)
	}
	mustTrack(t, s, Track("aftership", "trk_each_1", "RR123456785CN", "cainiao", order.ShipmentInTransit, 2*time.Hour))
	mustTrack(t, s, Track("aftership", "trk_each_2", "RR123456785CN", "cainiao", order.ShipmentDelivered, 3*time.Hour))

	want, err := s.Evidence(ctx, "o-each")
	if err != nil {
		t.Fatal(err)
	}
	var got []store.StoredEvidence
	if err := s.EachEvidence(ctx, "o-each", func(ev store.StoredEvidence) error {
		got = append(got, ev)
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	if len(got) != len(want) || len(got) != 43 {
		t.Fatalf("EachEvidence yielded %d, Evidence returned %d, want 43", len(got), len(want))
	}
	byID := map[string]store.StoredEvidence{}
	for _, ev := range want {
		byID[ev.Source+"/"+ev.EventID] = ev
	}
	carrierSeen := false
	for i, ev := range got {
		w, ok := byID[ev.Source+"/"+ev.EventID]
		if !ok || !bytes.Equal(ev.Body, w.Body) || !reflect.DeepEqual(ev.Headers, w.Headers) || !ev.ReceivedAt.Equal(w.ReceivedAt) {
			t.Fatalf("EachEvidence #%d (%s/%s, %d bytes) differs from Evidence's", i, ev.Source, ev.EventID, len(ev.Body))
		}
		delete(byID, ev.Source+"/"+ev.EventID)
		if ev.Source == "aftership" {
			carrierSeen = true
		} else if carrierSeen {
			t.Fatalf("order evidence %s after the parcel's", ev.EventID)
		}
		if i > 0 && got[i-1].Source == ev.Source && ev.ReceivedAt.Before(got[i-1].ReceivedAt) {
			t.Fatalf("EachEvidence #%d received before #%d within its group", i, i-1)
		}
	}
	if !bytes.Equal(got[6].Body, big) {
		t.Fatal("the 1 MiB body is not the 7th (received-at order)")
	}
	// An unknown order has nothing.
	calls := 0
	if err := s.EachEvidence(ctx, "o-unknown", func(store.StoredEvidence) error { calls++; return nil }); err != nil || calls != 0 {
		t.Fatalf("unknown order: %d calls, %v", calls, err)
	}
}

func testEachEvidenceStops(t *testing.T, h Harness) {
	s := h.Open(t)
	o := newPendingOrder(t, s, "o-stop")
	for i := range 5 {
		mustRecord(t, s, Event("standard", fmt.Sprintf("msg_stop_%d", i), o.ID, order.KindIgnored, 0, time.Duration(i+1)*time.Minute))
	}
	stop := errors.New("client went away")
	calls := 0
	err := s.EachEvidence(context.Background(), o.ID, func(store.StoredEvidence) error {
		calls++
		if calls == 3 {
			return stop
		}
		return nil
	})
	if !errors.Is(err, stop) || calls != 3 {
		t.Fatalf("EachEvidence after fn failed: %d calls, %v; want 3 calls and fn's error", calls, err)
	}
}
