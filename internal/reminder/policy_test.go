package reminder

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/orderwire/orderwire/internal/order"
)

func TestDefaultPolicyIsValid(t *testing.T) {
	if err := DefaultPolicy().Validate(); err != nil {
		t.Fatal(err)
	}
}

func TestLoadPolicy(t *testing.T) {
	dir := t.TempDir()
	write := func(name, body string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(body), 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	p, err := LoadPolicy(write("p.yaml", "tiers:\n  trusted: {after_created: [48h], final_notice_before_due: 12h, max_reminders: 1}\n  standard: {after_created: [2h, 24h], final_notice_before_due: 24h, max_reminders: 2}\n  watch: {after_created: [15m], final_notice_before_due: 72h, max_reminders: 1}\nquiet_start_hour: 22\n"))
	if err != nil || time.Duration(p.Tiers[TierTrusted].AfterCreated[0]) != 48*time.Hour || p.QuietStart != 22 || p.QuietEnd != 8 {
		t.Fatalf("YAML policy = %+v, %v", p, err)
	}
	if _, err := LoadPolicy(write("p.json", `{"quiet_end_hour": 9}`)); err != nil {
		t.Fatalf("JSON policy changing one key: %v", err)
	}
	for name, body := range map[string]string{
		"unknown key":   "quiet_hours: 3\n",
		"bad duration":  "tiers:\n  watch: {after_created: [soon]}\n",
		"unsorted":      "tiers:\n  watch: {after_created: [24h, 1h], max_reminders: 2}\n",
		"unknown tier":  "tiers:\n  vip: {after_created: [1h]}\n",
		"bad quiet end": "quiet_end_hour: 25\n",
	} {
		if _, err := LoadPolicy(write(strings.ReplaceAll(name, " ", "_")+".yaml", body)); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
}

func TestRate(t *testing.T) {
	cases := []struct {
		stats  order.BuyerStats
		tier   Tier
		code   ReasonCode
		reason string
	}{
		{order.BuyerStats{}, TierStandard, ReasonNewBuyer, "new buyer"},
		{order.BuyerStats{PaidBeforeReminder: 3}, TierTrusted, ReasonPaidEarly, "3 orders paid before any reminder"},
		{order.BuyerStats{PaidBeforeReminder: 3, NeverPaid: 1}, TierStandard, ReasonPaymentRecord, "3 paid (0 after reminders), 1 never paid"},
		{order.BuyerStats{PaidBeforeReminder: 9, DisputesLost: 1}, TierWatch, ReasonDisputesLost, "1 dispute(s) lost"},
		{order.BuyerStats{NeverPaid: 2, PaidAfterReminders: 5}, TierWatch, ReasonNeverPaid, "2 orders never paid"},
		{order.BuyerStats{NeverPaid: 1}, TierWatch, ReasonMoreUnpaid, "1 orders never paid, 0 paid"},
		{order.BuyerStats{PaidAfterReminders: 4}, TierStandard, ReasonPaymentRecord, "4 paid (4 after reminders), 0 never paid"},
	}
	seen := map[ReasonCode]bool{}
	for _, c := range cases {
		if r := Rate(c.stats); r.Tier != c.tier || r.Code != c.code || r.Reason != c.reason {
			t.Errorf("Rate(%+v) = %+v, want %s, %s, %q", c.stats, r, c.tier, c.code, c.reason)
		}
		seen[c.code] = true
	}
	if len(seen) != len(ReasonCodes) {
		t.Errorf("the cases cover %d of %d reason codes", len(seen), len(ReasonCodes))
	}
}

func TestQuietHours(t *testing.T) {
	p := DefaultPolicy()
	lisbon, _ := time.LoadLocation("Europe/Lisbon")
	at := func(h, m int) time.Time { return time.Date(2026, 11, 23, h, m, 0, 0, lisbon) }
	for _, c := range []struct {
		t     time.Time
		quiet bool
		until time.Time
	}{
		{at(7, 59), true, at(8, 0)}, {at(8, 0), false, time.Time{}}, {at(20, 59), false, time.Time{}},
		{at(21, 0), true, at(8, 0).AddDate(0, 0, 1)}, {at(23, 30), true, at(8, 0).AddDate(0, 0, 1)},
	} {
		quiet, until := p.Quiet(c.t, lisbon)
		if quiet != c.quiet || (quiet && !until.Equal(c.until)) {
			t.Errorf("Quiet(%s) = %v %s, want %v %s", c.t.Format("15:04"), quiet, until, c.quiet, c.until)
		}
	}
}

func TestLateSweepSendsOneReminderNotABurst(t *testing.T) {
	p := DefaultPolicy()
	o := order.Order{ID: "o", Status: order.StatusPendingPayment, CreatedAt: time.Date(2026, 11, 23, 10, 0, 0, 0, time.UTC),
		DunningTier: string(TierStandard), BuyerTimeZone: "UTC", Version: 1}
	o.PaymentDueAt = o.CreatedAt.Add(7 * 24 * time.Hour)
	// The sweep was down for four days: three reminders are late.
	ch, ok := p.Decide(o, o.CreatedAt.Add(4*24*time.Hour))
	if !ok || len(ch.Notify) != 1 || ch.Order.RemindersSent != 3 {
		t.Fatalf("late sweep: %+v", ch)
	}
	if next := p.Next(ch.Order); next.Kind != StepFinalNotice {
		t.Fatalf("next step after catching up = %+v", next)
	}
}

func TestVeryLateSweepTerminatesWithoutStaleMessages(t *testing.T) {
	p := DefaultPolicy()
	o := order.Order{ID: "o", Status: order.StatusPendingPayment, CreatedAt: time.Date(2026, 11, 23, 10, 0, 0, 0, time.UTC),
		DunningTier: string(TierStandard), BuyerTimeZone: "UTC", Version: 1}
	o.PaymentDueAt = o.CreatedAt.Add(7 * 24 * time.Hour)
	if ch, ok := p.Decide(o, o.PaymentDueAt.Add(time.Hour)); !ok || ch.Order.Status != order.StatusTerminated {
		t.Fatalf("past the due date: %+v", ch)
	}
	if ch, ok := p.Decide(o, o.PaymentDueAt.Add(-time.Hour)); !ok || ch.Notify[0].Kind != order.NotifyPaymentFinalNotice {
		t.Fatalf("past the final-notice time: %+v", ch)
	}
}
