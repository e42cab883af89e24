package order

import (
	"fmt"
	"math/rand"
	"reflect"
	"sort"
	"testing"
	"time"
)

// randomEvents returns n distinct payment events about one order (amount 5000 USD): payments
// (right, short, in another currency), failures, pendings, cancels, refunds (single amounts
// and Stripe running totals), disputes (two ids; opened, updated, closed; most carrying one
// of the five statuses, a reason and a deadline, some none as older events did), fraud warnings
// and ignored types, at a few times only (so equal times and sequences are common).
//
// Every valid payment is for the amount due: with two valid payments of different amounts
// the paid sum depends on which happened first, and a final status (refunded) reached on the
// way cannot be left, so only the facts, not Status, would be arrival-independent.
func randomEvents(r *rand.Rand, n int) []Event {
	var events []Event
	for i := 0; i < n; i++ {
		e := Event{Source: []string{"stripe", "paypal"}[r.Intn(2)], EventID: fmt.Sprintf("e%02d", i), OrderID: "o-1",
			OccurredAt: t0.Add(time.Duration(r.Intn(4)) * time.Minute), Sequence: int64(r.Intn(2)),
			ReceivedAt: t0.Add(time.Hour), Currency: "USD"}
		switch r.Intn(12) {
		case 0, 1:
			e.Kind, e.AmountMinor = KindPaymentSucceeded, 5000
			if r.Intn(4) == 0 {
				e.AmountMinor = 4000 // short: an anomaly
			} else if r.Intn(4) == 0 {
				e.Currency = "EUR" // wrong currency: an anomaly
			}
		case 2:
			e.Kind = KindPaymentFailed
		case 3:
			e.Kind = KindPaymentPending
		case 4:
			e.Kind = KindPaymentCanceled
		case 5, 6:
			e.Kind, e.AmountMinor = KindRefunded, int64(1+r.Intn(3))*1000
			e.RefundIsTotal = r.Intn(2) == 0
		case 7:
			e.Kind = KindDisputeOpened
		case 8:
			e.Kind = KindDisputeUpdated
		case 9:
			e.Kind, e.DisputeOutcome = KindDisputeClosed, []string{DisputeWon, DisputeLost}[r.Intn(2)]
		case 10:
			e.Kind = KindFraudWarning
		default:
			e.Kind, e.Type = KindIgnored, "customer.created"
		}
		if e.Kind == KindDisputeOpened || e.Kind == KindDisputeUpdated || e.Kind == KindDisputeClosed {
			e.DisputeID, e.AmountMinor = []string{"dp_1", "dp_2"}[r.Intn(2)], 5000
			if r.Intn(4) > 0 {
				open := []string{DisputeNeedsResponse, DisputeUnderReview}
				ended := []string{DisputeWon, DisputeLost, DisputeClosed}
				if e.Kind == KindDisputeClosed {
					e.DisputeStatus = ended[r.Intn(3)]
				} else {
					e.DisputeStatus = append(open, ended...)[r.Intn(5)]
				}
				e.DisputeReason = []string{"", "fraudulent", "product_not_received"}[r.Intn(3)]
				if r.Intn(2) == 0 {
					e.RespondBy = t0.Add(time.Duration(24+r.Intn(3)) * time.Hour)
				}
			}
		}
		events = append(events, e)
	}
	return events
}

// outcome is what the property compares: the final facts and status, the buyer counters
// added (as a sorted list) and the messages queued.
type outcome struct {
	alerts int // seller alert rows
	facts  PaymentFacts
	status Status
	stats  []string
	notes  []NotificationKind
}

func run(o Order, arrivals []Event) outcome {
	var res outcome
	for _, e := range arrivals {
		c := PaymentChange(o, e, t0.Add(2*time.Hour))
		if c.Changed != (c.Order.Version == o.Version+1) || (!c.Changed && !reflect.DeepEqual(c.Order, o)) {
			panic(fmt.Sprintf("change %s: Changed %v but version %d -> %d", e.EventID, c.Changed, o.Version, c.Order.Version))
		}
		o = c.Order
		res.stats = append(res.stats, c.BuyerStats...)
		for _, n := range c.Notify {
			if n.Kind.ForSeller() {
				res.alerts++
				continue
			}
			res.notes = append(res.notes, n.Kind)
		}
	}
	sort.Strings(res.stats)
	res.facts, res.status = o.PaymentFacts(), o.Status
	return res
}

// checkArrival compares one arrival order's outcome with the reference fold's.
func checkArrival(t *testing.T, events, arrivals []Event, want outcome) {
	t.Helper()
	got := run(pendingOrder(), arrivals)
	if !got.facts.Equal(want.facts) || got.status != want.status || !reflect.DeepEqual(got.stats, want.stats) {
		t.Fatalf("events %+v\narrived as %v:\n got %+v\nwant %+v", events, ids(arrivals), got, want)
	}
	// Seller alerts come from the events the ledger takes, each event once.
	if distinct := len(distinctIDs(arrivals)); got.alerts > distinct {
		t.Fatalf("events %+v\narrived as %v: %d seller alerts for %d events", events, ids(arrivals), got.alerts, distinct)
	}
	// payment_received: at most once; none when unpaid; exactly once when the final refunds do
	// not cover the payment (when they do, it depends on whether the payment arrived first).
	covered := got.facts.RefundedMinor >= got.facts.PaidMinor
	if len(got.notes) > 1 || (got.facts.PaidMinor == 0 && len(got.notes) != 0) || (!covered && len(got.notes) != 1) {
		t.Fatalf("events %+v\narrived as %v: messages %v for facts %+v", events, ids(arrivals), got.notes, got.facts)
	}
}

func ids(events []Event) []string {
	var out []string
	for _, e := range events {
		out = append(out, e.EventID)
	}
	return out
}

// permute calls fn with every permutation of events.
func permute(events []Event, k int, fn func([]Event)) {
	if k == len(events) {
		fn(events)
		return
	}
	for i := k; i < len(events); i++ {
		events[k], events[i] = events[i], events[k]
		permute(events, k+1, fn)
		events[k], events[i] = events[i], events[k]
	}
}

// TestEveryArrivalOrderFoldsTheSame is the fold's invariant: whatever order the same events
// arrive in, and however often each is delivered, the order ends with the facts, status and
// buyer counters of FoldEvents (the events applied in event order), and payment_received is
// queued at most once.
func TestEveryArrivalOrderFoldsTheSame(t *testing.T) {
	r := rand.New(rand.NewSource(10))
	for set := 0; set < 150; set++ {
		events := randomEvents(r, 2+r.Intn(5)) // up to 6 events: every permutation (720)
		want := run(pendingOrder(), sortedCopy(events))
		if ref := FoldEvents(pendingOrder(), events, t0); !ref.PaymentFacts().Equal(want.facts) || ref.Status != want.status {
			t.Fatalf("FoldEvents = %+v, the sorted arrival gives %+v", ref.PaymentFacts(), want.facts)
		}
		permute(append([]Event(nil), events...), 0, func(arrivals []Event) { checkArrival(t, events, arrivals, want) })
	}
	for set := 0; set < 400; set++ {
		events := randomEvents(r, 7+r.Intn(10))
		want := run(pendingOrder(), sortedCopy(events))
		for shuffle := 0; shuffle < 20; shuffle++ {
			arrivals := append([]Event(nil), events...)
			for _, e := range events { // ~30 % duplicates, redelivered anywhere
				if r.Intn(10) < 3 {
					dup := e
					dup.ReceivedAt = dup.ReceivedAt.Add(time.Minute)
					arrivals = append(arrivals, dup)
				}
			}
			r.Shuffle(len(arrivals), func(i, j int) { arrivals[i], arrivals[j] = arrivals[j], arrivals[i] })
			checkArrival(t, events, arrivals, want)
		}
	}
}

func sortedCopy(events []Event) []Event {
	out := append([]Event(nil), events...)
	SortEvents(out)
	return out
}

func distinctIDs(events []Event) map[string]bool {
	out := map[string]bool{}
	for _, e := range events {
		out[e.Source+"/"+e.EventID] = true
	}
	return out
}
