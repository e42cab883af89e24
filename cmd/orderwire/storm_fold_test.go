package main

import (
	"cmp"
	"context"
	"fmt"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/orderwire/orderwire/internal/order"
	"github.com/orderwire/orderwire/internal/payment"
	"github.com/orderwire/orderwire/internal/tracking"
)

// stormParsers are the providers as the server configures them from the same settings: the
// test reads each body it builds with them, so that the reference fold sees the events the
// server sees, and checks that each reads as intended (a builder or fixture mistake fails
// here, not as a state mismatch).
type stormParsers struct {
	payments map[string]payment.Provider
	carriers map[string]tracking.Provider
}

func newStormParsers(t testing.TB, k *stormKeys) *stormParsers {
	t.Helper()
	env := map[string]string{}
	for _, kv := range k.env(t) {
		name, value, _ := strings.Cut(kv, "=")
		env[name] = value
	}
	get := func(name string) string { return env[name] }
	cfg, err := payment.ConfigFrom(get, os.ReadFile)
	if err != nil {
		t.Fatal(err)
	}
	p := &stormParsers{}
	if p.payments, err = payment.Providers(cfg); err != nil {
		t.Fatal(err)
	}
	if p.carriers, err = tracking.Providers(tracking.ConfigFrom(get)); err != nil {
		t.Fatal(err)
	}
	return p
}

func (p *stormParsers) payment(t testing.TB, s signed, e payEvent) *order.Event {
	t.Helper()
	prov := p.payments[e.o.provider]
	req := payment.Request{Method: "POST", Path: s.Path, Header: s.Header, Body: s.Body}
	if err := prov.Verify(context.Background(), req, time.Now()); err != nil {
		t.Fatalf("storm builder: %s %s does not verify: %v", e.o.provider, e.kind, err)
	}
	ev, err := prov.Parse(req)
	if err != nil {
		t.Fatalf("storm builder: %s %s does not parse: %v", e.o.provider, e.kind, err)
	}
	if ev.Kind != e.kind || !ev.OccurredAt.Equal(e.at) || (e.kind == order.KindDisputeClosed && ev.DisputeOutcome != e.outcome) {
		t.Fatalf("storm builder: %s reads as %s %s at %v, built as %s %s at %v", e.o.provider, ev.Kind, ev.DisputeOutcome,
			ev.OccurredAt, e.kind, e.outcome, e.at)
	}
	return &ev
}

func (p *stormParsers) tracking(t testing.TB, s signed, e parcelEvent) *order.TrackingEvent {
	t.Helper()
	prov := p.carriers[e.p.sender]
	req := tracking.Request{Method: "POST", Path: s.Path, Header: s.Header, Body: s.Body}
	if err := prov.Verify(context.Background(), req, time.Now()); err != nil {
		t.Fatalf("storm builder: %s does not verify: %v", e.p.sender, err)
	}
	ev, err := prov.Parse(req)
	if err != nil {
		t.Fatalf("storm builder: %s does not parse: %v", e.p.sender, err)
	}
	if ev.Status != e.status || !ev.OccurredAt.Equal(e.at) || ev.TrackingNumber != e.p.number {
		t.Fatalf("storm builder: %s reads as %s %s at %v, built as %s %s at %v", e.p.sender, ev.TrackingNumber, ev.Status,
			ev.OccurredAt, e.p.number, e.status, e.at)
	}
	return &ev
}

// The storm's buyers: one per order, with an email address and no phone (one message per
// notification), in a locale and zone the notifier renders.
func stormTerms(o *stormOrder, created time.Time) order.Terms {
	return order.Terms{Buyer: order.Buyer{ID: "buyer-" + o.id, Name: "Storm Buyer", Email: "storm-" + strings.ToLower(squash(o.id)) + "@example.com",
		Locale: "en-US", TimeZone: "America/New_York", Country: "US"},
		AmountMinor: o.amount, Currency: o.currency, PaymentDueAt: created.Add(7 * 24 * time.Hour), CreatedAt: created}
}

// orderBodyFor is the seller API body that registers o with stormTerms.
func orderBodyFor(o *stormOrder, created time.Time) string {
	b := stormTerms(o, created).Buyer
	return fmt.Sprintf(`{"buyer":{"id":%q,"name":%q,"email":%q,"locale":%q,"timezone":%q,"country":%q},"amount_minor":%d,"currency":%q,"payment_due_at":%q,"created_at":%q}`,
		b.ID, b.Name, b.Email, b.Locale, b.TimeZone, b.Country, o.amount, o.currency,
		created.Add(7*24*time.Hour).UTC().Format(time.RFC3339), created.UTC().Format(time.RFC3339))
}

// referenceFold is what the issue requires order o to end as: a fresh order.New, its setup
// payment and parcels (carrier orders), then its unique events in the order they happened
// (occurred-at, then the provider's sequence), each through the domain's own public apply
// function. It knows nothing of arrival order, duplicates or how the server stores things.
func referenceFold(t testing.TB, plan *stormPlan, o *stormOrder, created, shippedAt time.Time) order.Order {
	t.Helper()
	cur, err := order.New(o.id, stormTerms(o, created), created)
	if err != nil {
		t.Fatal(err)
	}
	if setup := plan.setup[o.id]; setup != nil {
		cur, _ = order.ApplyEvent(cur, *setup.pay, created)
		for _, p := range o.parcels {
			sh, err := order.NewShipment(p.carrier, p.number, order.ServicePostal, shippedAt, created)
			if err != nil {
				t.Fatal(err)
			}
			change, err := cur.AddShipment(sh, false, created)
			if err != nil {
				t.Fatalf("reference fold: %s: %v", o.id, err)
			}
			cur = change.Order
		}
	}
	var mine []*stormDelivery
	for _, d := range plan.events {
		if d.orderID == o.id {
			mine = append(mine, d)
		}
	}
	slices.SortStableFunc(mine, func(a, b *stormDelivery) int {
		return cmp.Or(a.occurredAt().Compare(b.occurredAt()), cmp.Compare(a.sequence(), b.sequence()))
	})
	for _, d := range mine {
		if d.pay != nil {
			cur, _ = order.ApplyEvent(cur, *d.pay, d.occurredAt())
		} else {
			cur, _ = order.ApplyTracking(cur, *d.track, d.occurredAt())
		}
	}
	return cur
}

func (d *stormDelivery) occurredAt() time.Time {
	if d.pay != nil {
		return d.pay.OccurredAt
	}
	return d.track.OccurredAt
}

func (d *stormDelivery) sequence() int64 {
	if d.pay != nil {
		return d.pay.Sequence
	}
	return 0
}

// orderState is the part of an order the storm compares, as GET /v1/orders/{id} shows it.
type orderState struct {
	Status, PaymentStatus string
	Paid, Refunded        int64
	Dispute               string
	Fraud                 bool
	Parcels               string // "<number>:<status>" for each parcel, in order
}

func stateOf(o order.Order) orderState {
	s := orderState{Status: string(o.Status), PaymentStatus: string(o.PaymentStatus), Paid: o.PaidMinor,
		Refunded: o.RefundedMinor, Dispute: o.Dispute, Fraud: o.FraudWarning}
	var parcels []string
	for _, sh := range o.Shipments {
		parcels = append(parcels, sh.TrackingNumber+":"+string(sh.Status))
	}
	s.Parcels = strings.Join(parcels, ",")
	return s
}

// apiOrder is GET /v1/orders/{id}'s answer, the fields the storm reads.
type apiOrder struct {
	Status        string  `json:"status"`
	PaymentStatus string  `json:"payment_status"`
	PaidMinor     int64   `json:"paid_minor"`
	RefundedMinor int64   `json:"refunded_minor"`
	Dispute       *string `json:"dispute"`
	FraudWarning  bool    `json:"fraud_warning"`
	Shipments     []struct {
		TrackingNumber string `json:"tracking_number"`
		Status         string `json:"status"`
	} `json:"shipments"`
	Timeline []struct {
		EventID string `json:"provider_event_id"`
		Source  string `json:"source"`
	} `json:"timeline"`
}

func (a apiOrder) state() orderState {
	s := orderState{Status: a.Status, PaymentStatus: a.PaymentStatus, Paid: a.PaidMinor, Refunded: a.RefundedMinor,
		Fraud: a.FraudWarning}
	if a.Dispute != nil {
		s.Dispute = *a.Dispute
	}
	var parcels []string
	for _, sh := range a.Shipments {
		parcels = append(parcels, sh.TrackingNumber+":"+sh.Status)
	}
	s.Parcels = strings.Join(parcels, ",")
	return s
}

// has reports whether source's event id is on the order's timeline.
func (a apiOrder) has(source, id string) bool {
	for _, e := range a.Timeline {
		if e.EventID == id && e.Source == source {
			return true
		}
	}
	return false
}
