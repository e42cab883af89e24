package main

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"
	"time"

	"github.com/orderwire/orderwire/internal/order"
)

// stormDelivery is one unique signed event of the storm and what the test knows about it.
type stormDelivery struct {
	req     signed
	orderID string // the order it belongs to (the truth, whatever the body names)
	source  string
	// direct is true when the body names the order itself; false when it names only the
	// payment's references (bound to the order by an earlier event of the same payment).
	direct bool
	// Exactly one of pay and track is set: the event as the provider's parser reads it.
	pay   *order.Event
	track *order.TrackingEvent
}

// eventID is the id orderwire files the delivery under (its parser's).
func (d *stormDelivery) eventID() string {
	if d.pay != nil {
		return d.pay.EventID
	}
	return d.track.EventID
}

// stormPlan is a storm: its orders, the setup (carrier orders are paid and shipped before
// the storm), the unique events, and the order in which deliveries are sent (indexes into
// events; a repeated index is a provider's retry).
type stormPlan struct {
	orders []*stormOrder
	setup  map[string]*stormDelivery // carrier order id -> its payment, sent before the storm
	events []*stormDelivery
	sends  []int
}

// The storm's shape: payment orders per provider, carrier orders (at least; more until the
// unique events make minDeliveries with the repeats), and the share of deliveries that
// repeat one already in the plan.
const (
	payOrdersPerProvider = 30
	minCarrierOrders     = 50
	minDeliveries        = 2100
	duplicateShare       = 0.30
)

var (
	payProviders   = []string{"stripe", "paypal", "antom", "alipay", "standard"}
	carrierSenders = []string{"aftership", "17track", "easypost", "standard"}
)

// newStormPlan builds the storm's orders and events; every event happened between start and
// start+5h, each order's events at distinct minutes. Each body is parsed by the provider's
// own parser (the test's copy of the server's configuration) and must read as intended.
func newStormPlan(t testing.TB, prefix string, k *stormKeys, rng *rand.Rand, start time.Time) *stormPlan {
	t.Helper()
	parse := newStormParsers(t, k)
	plan := &stormPlan{setup: map[string]*stormDelivery{}}
	signAt := time.Now()
	for pi, provider := range payProviders {
		for n := range payOrdersPerProvider {
			o := newStormOrder(fmt.Sprintf("%s-%s-%03d", prefix, provider, n), provider, rng)
			plan.orders = append(plan.orders, o)
			for seq, e := range paymentScenario(o, rng, start.Add(time.Duration(pi*n%60)*time.Minute)) {
				e.seq = seq
				body, refOnly := payBuilders[provider](t, e)
				id := fmt.Sprintf("msg_storm_%s_%d", squash(o.id), seq)
				d := &stormDelivery{req: k.signPayment(t, provider, id, body, signAt), orderID: o.id, source: provider, direct: !refOnly}
				d.pay = parse.payment(t, d.req, e)
				plan.events = append(plan.events, d)
			}
		}
	}
	parcelSeq := 0
	for n := 0; n < minCarrierOrders || float64(len(plan.events)) < minDeliveries*(1-duplicateShare); n++ {
		o := newStormOrder(fmt.Sprintf("%s-parcels-%03d", prefix, n), "standard", rng)
		plan.orders = append(plan.orders, o)
		paid := payEvent{o: o, seq: 0, kind: order.KindPaymentSucceeded, at: start.Add(-3 * time.Hour), amount: o.amount}
		body, _ := standardBody(t, paid)
		d := &stormDelivery{req: k.signPayment(t, "standard", "msg_storm_setup_"+squash(o.id), body, signAt), orderID: o.id, source: "standard", direct: true}
		d.pay = parse.payment(t, d.req, paid)
		plan.setup[o.id] = d
		for p := range 1 + rng.IntN(4) {
			parcelSeq++
			parcel := stormParcel{number: fmt.Sprintf("STORM%s%06d", prefix, parcelSeq), carrier: "yunexpress",
				sender: carrierSenders[(n+p)%len(carrierSenders)]}
			o.parcels = append(o.parcels, parcel)
			at := start.Add(time.Duration(rng.IntN(60)) * time.Minute)
			for scan, status := range parcelScenario(rng) {
				parcelSeq++
				at = at.Add(time.Duration(1+rng.IntN(40)) * time.Minute)
				e := parcelEvent{o: o, p: parcel, seq: parcelSeq, status: status, scan: scan, at: at}
				body, id := carrierBuilders[parcel.sender](t, e)
				d := &stormDelivery{req: k.signCarrier(parcel.sender, id, body, signAt), orderID: o.id, source: parcel.sender, direct: true}
				d.track = parse.tracking(t, d.req, e)
				plan.events = append(plan.events, d)
			}
		}
	}
	// Every unique event once, then repeats until they are duplicateShare of all sends.
	for i := range plan.events {
		plan.sends = append(plan.sends, i)
	}
	for float64(len(plan.sends)-len(plan.events)) < duplicateShare*float64(len(plan.sends)) {
		plan.sends = append(plan.sends, rng.IntN(len(plan.events)))
	}
	rng.Shuffle(len(plan.sends), func(i, j int) { plan.sends[i], plan.sends[j] = plan.sends[j], plan.sends[i] })
	return plan
}

// newStormOrder is an order of provider's currency with its provider ids.
func newStormOrder(id, provider string, rng *rand.Rand) *stormOrder {
	s := squash(id)
	o := &stormOrder{id: id, provider: provider, currency: payCurrency[provider], amount: int64(1000 + rng.IntN(40000))}
	switch provider {
	case "stripe":
		o.paymentRef, o.chargeRef, o.disputeRef = "pi_storm"+s, "ch_storm"+s, "dp_storm"+s
	case "paypal": // capture id, PayPal order id, dispute id
		o.paymentRef, o.chargeRef, o.disputeRef = fmt.Sprintf("%017X", rng.Uint64()), fmt.Sprintf("%017X", rng.Uint64()), "PP-D-"+s
	case "antom":
		o.paymentRef, o.disputeRef = fmt.Sprintf("2026%031d", rng.Uint64()), fmt.Sprintf("2026%028dC", rng.Uint64())
	case "alipay":
		o.paymentRef = fmt.Sprintf("2026%024d", rng.Uint64())
	default:
		o.paymentRef = "pay_storm" + s
	}
	return o
}

// paymentScenario is what happens to one payment, in the order it happens, at distinct
// minutes from start: attempts that wait or fail, then (mostly) the payment, then in any
// order a fraud warning, refunds (running totals for the providers that send them) and a
// dispute that opens and may close, as far as the provider sends such events.
func paymentScenario(o *stormOrder, rng *rand.Rand, start time.Time) []payEvent {
	can := payKinds[o.provider]
	at := start
	next := func() time.Time { at = at.Add(time.Duration(1+rng.IntN(15)) * time.Minute); return at }
	var out []payEvent
	add := func(kind order.EventKind) { out = append(out, payEvent{o: o, kind: kind, at: next()}) }
	switch o.provider {
	case "stripe", "standard": // a PaymentIntent (or a generic payment) retried after failures
		for range rng.IntN(9) {
			add([]order.EventKind{order.KindPaymentPending, order.KindPaymentFailed}[rng.IntN(2)])
		}
	case "paypal", "antom": // one capture or payment: pending, then its result
		if rng.IntN(10) < 7 {
			add(order.KindPaymentPending)
		}
		if rng.IntN(10) < 2 {
			add(order.KindPaymentFailed)
			return out
		}
	case "alipay": // the trade waits for the buyer once
		if rng.IntN(10) < 6 {
			add(order.KindPaymentPending)
		}
	}
	if rng.IntN(10) == 0 {
		return out // never paid
	}
	out = append(out, payEvent{o: o, kind: order.KindPaymentSucceeded, at: next(), amount: o.amount})
	var later []payEvent
	if can[order.KindFraudWarning] && rng.IntN(10) < 3 {
		later = append(later, payEvent{o: o, kind: order.KindFraudWarning})
	}
	if can[order.KindRefunded] && rng.IntN(10) < 7 {
		sum := o.amount
		if rng.IntN(10) < 6 {
			sum = 1 + rng.Int64N(o.amount-1)
		}
		parts := 1 + rng.IntN(5)
		for i := range parts {
			amount := sum / int64(parts)
			if i == parts-1 {
				amount = sum - amount*int64(parts-1)
			}
			if amount > 0 {
				later = append(later, payEvent{o: o, kind: order.KindRefunded, amount: amount})
			}
		}
	}
	if can[order.KindDisputeOpened] && rng.IntN(10) < 4 {
		later = append(later, payEvent{o: o, kind: order.KindDisputeOpened, amount: o.amount})
		if rng.IntN(4) < 3 {
			later = append(later, payEvent{o: o, kind: order.KindDisputeClosed, amount: o.amount,
				outcome: []string{order.DisputeWon, order.DisputeLost}[rng.IntN(2)]})
		}
	}
	rng.Shuffle(len(later), func(i, j int) { later[i], later[j] = later[j], later[i] })
	// A dispute closes after it opens.
	opened := slices.IndexFunc(later, func(e payEvent) bool { return e.kind == order.KindDisputeOpened })
	closed := slices.IndexFunc(later, func(e payEvent) bool { return e.kind == order.KindDisputeClosed })
	if closed >= 0 && closed < opened {
		later[opened], later[closed] = later[closed], later[opened]
	}
	total := int64(0)
	for _, e := range later {
		e.at = next()
		if e.kind == order.KindRefunded {
			total += e.amount
			e.total = total
		}
		out = append(out, e)
	}
	return out
}

// parcelScenario is what one parcel's carrier reports, in the order it happens: a scan at
// each hub, then (mostly) out for delivery and delivered.
func parcelScenario(rng *rand.Rand) []order.ShipmentStatus {
	var out []order.ShipmentStatus
	for range 2 + rng.IntN(6) {
		out = append(out, order.ShipmentInTransit)
	}
	if rng.IntN(10) < 8 {
		out = append(out, order.ShipmentOutForDelivery)
		if rng.IntN(10) < 7 {
			out = append(out, order.ShipmentDelivered)
		}
	}
	return out
}
