package notifier_test

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/orderwire/orderwire/internal/dynamo"
	"github.com/orderwire/orderwire/internal/embedded"
	"github.com/orderwire/orderwire/internal/memstore"
	"github.com/orderwire/orderwire/internal/message"
	"github.com/orderwire/orderwire/internal/notifier"
	"github.com/orderwire/orderwire/internal/order"
	"github.com/orderwire/orderwire/internal/store"
	"github.com/orderwire/orderwire/internal/testservice"
)

// chaosStart is 06:30 UTC: night in Lisbon, São Paulo and New York, day in Tokyo and
// Kolkata, so that some rows wait for the morning and others go out at once.
var chaosStart = time.Date(2026, 11, 23, 6, 30, 0, 0, time.UTC)

const chaosRows = 200

// fixture is one order, its buyer (with preferences) and its pending outbox row.
type fixture struct {
	order order.Order
	buyer order.Buyer
	row   order.Notification
}

// chaosFixtures are the rows of the concurrency test: every kind, five zones, buyers with
// an address, a phone, or both (default, "both" and "sms" choices).
func chaosFixtures(t *testing.T) []fixture {
	zones := []string{"Europe/Lisbon", "America/Sao_Paulo", "Asia/Tokyo", "America/New_York", "Asia/Kolkata"}
	var out []fixture
	for i := 0; i < chaosRows; i++ {
		b := order.Buyer{ID: fmt.Sprintf("buyer-%03d", i), Name: "Ana Souza", Locale: "pt-BR",
			TimeZone: zones[i%len(zones)], Country: "BR"}
		email, phone := fmt.Sprintf("ana.%03d@example.com", i), fmt.Sprintf("+551191234%04d", i)
		switch i % 4 {
		case 0:
			b.Email = email
		case 1:
			b.Phone = phone
		case 2:
			b.Email, b.Phone, b.Preferences.Default = email, phone, order.ChannelsBoth
		case 3:
			b.Email, b.Phone, b.Preferences.Default = email, phone, order.ChannelsSMS
		}
		o, err := order.New(fmt.Sprintf("order-%03d", i), order.Terms{Buyer: b, AmountMinor: 5000, Currency: "BRL",
			PaymentDueAt: chaosStart.Add(72 * time.Hour), CreatedAt: chaosStart.Add(-time.Hour)}, chaosStart)
		if err != nil {
			t.Fatal(err)
		}
		row := order.Notification{OrderID: o.ID, BuyerID: b.ID, Kind: order.NotificationKinds[i%len(order.NotificationKinds)],
			Seq: 2, Status: order.NotificationPending, CreatedAt: chaosStart, CauseSource: "test",
			CauseEventID: fmt.Sprintf("evt-%03d", i)}
		out = append(out, fixture{o, b, row})
	}
	return out
}

// chaos decides the injected faults from one seeded source, and remembers the rows they
// touched that may legitimately end unknown.
type chaos struct {
	mu       sync.Mutex
	rng      *rand.Rand
	injected map[order.NotificationRef]string
}

func (c *chaos) roll(p float64) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.rng.Float64() < p
}

func (c *chaos) mark(ref order.NotificationRef, what string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.injected[ref] = what
}

var errCrash = errors.New("injected crash")

// sendFailure is a sender's fault policy: mostly temporary failures (nothing accepted), a
// few uncertain ones after the provider accepted the message, a few permanent refusals.
func (c *chaos) sendFailure(id string) (bool, error) {
	c.mu.Lock()
	r := c.rng.Float64()
	c.mu.Unlock()
	switch {
	case r < 0.25:
		return false, message.Temporary("chaos.Send", "throttled", nil)
	case r < 0.27:
		ref, err := order.ParseNotificationRef(id[:strings.LastIndexByte(id, '/')])
		if err != nil {
			panic(err)
		}
		c.mark(ref, "uncertain send")
		return true, message.Uncertain("chaos.Send", "connection reset after the request", nil)
	case r < 0.29:
		return false, message.Permanent("chaos.Send", "rejected", nil)
	}
	return true, nil
}

// flakyStore crashes some deliveries right after their claim (nothing is sent, nothing is
// recorded) and loses some outcomes on their way to the store (half of them written, the
// answer lost; half never written).
type flakyStore struct {
	notifier.Store
	c *chaos
}

func (f flakyStore) ClaimNotification(ctx context.Context, ref order.NotificationRef, owner string, now time.Time, lease time.Duration) (order.Notification, error) {
	n, err := f.Store.ClaimNotification(ctx, ref, owner, now, lease)
	if err == nil && f.c.roll(0.03) {
		f.c.mark(ref, "crash after the claim")
		return order.Notification{}, order.Internal("flaky.ClaimNotification", errCrash)
	}
	return n, err
}

func (f flakyStore) FinishNotification(ctx context.Context, n order.Notification) error {
	if f.c.roll(0.04) {
		f.c.mark(n.Ref(), "outcome lost")
		if f.c.roll(0.5) {
			_ = f.Store.FinishNotification(ctx, n)
		}
		return order.Internal("flaky.FinishNotification", errCrash)
	}
	return f.Store.FinishNotification(ctx, n)
}

// runChaos runs three notifiers at once over every row twice (a redelivered stream), with
// RunDue loops that move the clock on, under injected crashes and send failures; then it
// moves the clock past every lease, deferral and retry and runs RunDue until nothing is
// pending or sending. rows reads every row back.
func runChaos(t *testing.T, st notifier.Store, fx []fixture, clk *clock, rows func() []order.Notification) {
	ch := &chaos{rng: rand.New(rand.NewPCG(2026, 11)), injected: map[order.NotificationRef]string{}}
	email, text := newSender(), newSender()
	email.fail, text.fail = ch.sendFailure, ch.sendFailure
	var notifiers []*notifier.Notifier
	for i := 0; i < 3; i++ {
		notifiers = append(notifiers, notifier.New(notifier.Config{Store: flakyStore{st, ch}, Email: email, SMS: text,
			Render: (&renderer{}).Render, Owner: fmt.Sprintf("notifier-%d", i), Now: clk.Now,
			Sleep: func(context.Context, time.Duration) error { return nil }}))
	}
	ctx := context.Background()
	var wg sync.WaitGroup
	var sumMu sync.Mutex
	var total notifier.Summary
	addSum := func(s notifier.Summary) {
		sumMu.Lock()
		defer sumMu.Unlock()
		total.Expired += s.Expired
		total.Deferred += s.Deferred
		total.LostClaims += s.LostClaims
	}
	for i, n := range notifiers {
		for pass := 0; pass < 2; pass++ {
			order := rand.New(rand.NewPCG(uint64(i), uint64(pass))).Perm(len(fx))
			wg.Add(1)
			go func() {
				defer wg.Done()
				for _, j := range order {
					_, _ = n.Deliver(ctx, fx[j].row.Ref()) // errors are the injected crashes
				}
			}()
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := 0; j < 12; j++ {
				clk.Advance(20 * time.Second) // leases lapse while deliveries are in flight
				sum, _ := n.RunDue(ctx, 25)
				addSum(sum)
			}
		}()
	}
	wg.Wait()

	unsettled := func() int {
		count := 0
		for _, n := range rows() {
			if n.Status == order.NotificationPending || n.Status == order.NotificationSending {
				count++
			}
		}
		return count
	}
	rounds := 0
	for ; rounds < 1000 && unsettled() > 0; rounds++ {
		clk.Advance(10 * time.Minute)
		for _, n := range notifiers {
			sum, _ := n.RunDue(ctx, 50)
			addSum(sum)
		}
	}

	// The buyer rows, and the message_unknown alerts the stores wrote as rows became unknown.
	var final, alerts []order.Notification
	for _, n := range rows() {
		if n.Kind.ForSeller() {
			alerts = append(alerts, n)
		} else {
			final = append(final, n)
		}
	}
	if len(final) != len(fx) {
		t.Fatalf("%d rows, want %d", len(final), len(fx))
	}
	alerted := map[string]bool{}
	for _, a := range alerts {
		settled := order.NotificationFinal(a.Status) || (a.Status == order.NotificationUnknown && ch.injected[a.Ref()] != "")
		if a.Kind != order.AlertMessageUnknown || !settled {
			t.Errorf("alert %s is %s", a.Ref(), a.Status)
		}
		alerted[strings.Fields(a.Detail)[1]] = true // "message <ref> (<kind>): <how>"
	}
	for _, n := range final {
		if n.Status == order.NotificationUnknown && !alerted[n.Ref().String()] {
			t.Errorf("%s is unknown without a message_unknown alert", n.Ref())
		}
	}
	sent := map[string]int{}
	for id, k := range email.accepted {
		sent[id] += k
	}
	for id, k := range text.accepted {
		sent[id] += k
	}
	for id, k := range sent {
		if k > 1 {
			t.Errorf("%s handed to the provider %d times", id, k)
		}
	}
	byStatus := map[string]int{}
	for _, n := range final {
		byStatus[n.Status]++
		switch n.Status {
		case order.NotificationSent, order.NotificationSkipped, order.NotificationFailed:
		case order.NotificationUnknown:
			if ch.injected[n.Ref()] == "" {
				t.Errorf("%s is unknown (%s) but no crash or uncertain send touched it", n.Ref(), n.Reason)
			}
		default:
			t.Errorf("%s left %s after %d quiet rounds", n.Ref(), n.Status, rounds)
		}
		recorded := map[string]bool{}
		for _, d := range n.Deliveries {
			id := n.Ref().String() + "/" + d.Channel
			if recorded[d.Channel] {
				t.Errorf("%s has two deliveries on %s", n.Ref(), d.Channel)
			}
			recorded[d.Channel] = true
			if d.Status == order.NotificationSent && (sent[id] != 1 || d.MessageID != "msg-"+id) {
				t.Errorf("%s recorded sent as %q, provider accepted it %d times", id, d.MessageID, sent[id])
			}
		}
		if n.Status == order.NotificationSent && !recorded["email"] && !recorded["sms"] {
			t.Errorf("%s is sent without a delivery", n.Ref())
		}
		for _, chn := range []string{"email", "sms"} {
			id := n.Ref().String() + "/" + chn
			if sent[id] > 0 && !recorded[chn] && n.Status != order.NotificationUnknown {
				t.Errorf("%s went out, but the row (%s) does not say so", id, n.Status)
			}
		}
	}
	if len(ch.injected) == 0 || total.Expired == 0 {
		t.Errorf("the faults did not happen: %d injected, %d expired", len(ch.injected), total.Expired)
	}
	t.Logf("rows by status %v; %d faults injected; %d messages; lapsed claims expired %d, deferrals %d, lost claims %d; %d quiet rounds",
		byStatus, len(ch.injected), len(sent), total.Expired, total.Deferred, total.LostClaims, rounds)
}

// TestConcurrentNotifiersSendAtMostOnceAndLoseNothing is the chaos over the in-memory store
// (internal/memstore), the quickest of the three.
func TestConcurrentNotifiersSendAtMostOnceAndLoseNothing(t *testing.T) {
	st, err := memstore.New(memstore.Options{})
	if err != nil {
		t.Fatal(err)
	}
	runChaosOver(t, st)
}

func TestConcurrentNotifiersOverTheEmbeddedStore(t *testing.T) {
	st, err := embedded.Open(t.TempDir()+"/db", embedded.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = st.Close() })
	runChaosOver(t, st)
}

// TestConcurrentNotifiersOverDynamoDBLocal is the same chaos over the DynamoDB adapter
// (conditional PutItems, the GSI2 outbox due index) on DynamoDB Local.
func TestConcurrentNotifiersOverDynamoDBLocal(t *testing.T) {
	client := testservice.DynamoDB(t)
	runChaosOver(t, dynamo.New(client, testservice.NewTable(t, client)))
}

// runChaosOver seeds a real store with the chaos fixtures (order, buyer preferences, one
// outbox row each, written as a reminder step writes them: seed) and runs the chaos over it.
func runChaosOver(t *testing.T, st store.Store) {
	fx := chaosFixtures(t)
	ctx := context.Background()
	for _, f := range fx {
		seed(t, st, f.order, f.buyer, f.row)
	}
	rows := func() []order.Notification {
		var out []order.Notification
		for _, f := range fx {
			ns, err := st.Notifications(ctx, f.order.ID)
			if err != nil {
				t.Fatal(err)
			}
			out = append(out, ns...)
		}
		return out
	}
	runChaos(t, st, fx, &clock{t: chaosStart}, rows)
}
