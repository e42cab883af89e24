package notifier_test

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/orderwire/orderwire/internal/message"
	"github.com/orderwire/orderwire/internal/notifier"
	"github.com/orderwire/orderwire/internal/order"
)

// TestLogsNeverCarryContactData runs every kind of outcome with real-looking addresses and
// numbers, and senders whose errors quote them, then looks for them in the log and in the
// stored reasons.
func TestLogsNeverCarryContactData(t *testing.T) {
	w := newWorld(t, func(c *notifier.Config) { c.Suppressions = suppressions{} })
	type contact struct{ email, phone string }
	var contacts []contact
	var refs []order.NotificationRef
	calls := 0
	w.email.fail = func(string) (bool, error) {
		calls++
		addr := "maria.oliveira@gmail.com"
		switch calls % 5 {
		case 0:
			return false, message.Permanent("ses.SendEmail", "address rejected", fmt.Errorf("550 %s: no such user", addr))
		case 1:
			return false, message.Temporary("ses.SendEmail", "throttled", fmt.Errorf("throttled sending to %s", addr))
		case 2:
			return true, message.Uncertain("ses.SendEmail", "timeout", fmt.Errorf("timeout to %s", addr))
		case 3:
			return true, fmt.Errorf("weird failure for %s", addr)
		}
		return true, nil
	}
	w.sms.fail = func(id string) (bool, error) {
		if strings.Contains(id, "o-3") {
			return false, message.Permanent("sns.Publish", "invalid number", errors.New("+5511987654321 is not valid"))
		}
		return true, nil
	}
	kinds := order.NotificationKinds
	for i := 0; i < 30; i++ {
		c := contact{fmt.Sprintf("buyer.%d.silva@hotmail.com", i), fmt.Sprintf("+55119%08d", 87654321+i)}
		contacts = append(contacts, c)
		b := buyer(fmt.Sprintf("b-%d", i))
		b.Email, b.Phone = c.email, c.phone
		b.Preferences.Default = []order.ChannelChoice{order.ChannelsDefault, order.ChannelsBoth, order.ChannelsSMS}[i%3]
		refs = append(refs, w.add(fmt.Sprintf("o-%d", i), b, kinds[i%len(kinds)]))
	}
	w.clock.Set(time.Date(2026, 11, 23, 22, 0, 0, 0, time.UTC)) // quiet hours in Lisbon
	for _, ref := range refs {
		if _, err := w.n.Deliver(context.Background(), ref); err != nil {
			t.Fatal(err)
		}
	}
	for i := 0; i < 20; i++ {
		w.clock.Advance(time.Hour)
		w.runDue()
	}
	logs := w.logs.String()
	stored := ""
	for _, n := range w.rows() {
		stored += n.Reason + "\n"
		for _, d := range n.Deliveries {
			stored += d.Reason + "\n"
		}
	}
	contacts = append(contacts, contact{"maria.oliveira@gmail.com", "+5511987654321"})
	for _, c := range contacts {
		for _, secret := range []string{c.email, c.phone, strings.TrimPrefix(c.phone, "+")} {
			if strings.Contains(logs, secret) {
				t.Errorf("the log carries %s", secret)
			}
			if strings.Contains(stored, secret) {
				t.Errorf("a stored reason carries %s", secret)
			}
		}
	}
	if strings.Contains(logs, "@") {
		t.Errorf("the log carries something like an address:\n%s", logs)
	}

	// At most one line per claim of a row (and one for a lapsed claim).
	lines, perRow := 0, map[string]int{}
	sc := bufio.NewScanner(strings.NewReader(logs))
	for sc.Scan() {
		var rec map[string]any
		if err := json.Unmarshal(sc.Bytes(), &rec); err != nil {
			t.Fatalf("not JSON: %s", sc.Text())
		}
		lines++
		row, _ := rec["row"].(string)
		if row == "" || rec["status"] == nil || rec["kind"] == nil {
			t.Fatalf("line without row, kind or status: %s", sc.Text())
		}
		perRow[row]++
	}
	for _, n := range w.rows() {
		if got := perRow[n.Ref().String()]; got < 1 || got > n.Attempts {
			t.Errorf("%d lines for %s after %d claims", got, n.Ref(), n.Attempts)
		}
	}
	if lines < len(refs) {
		t.Fatalf("only %d log lines for %d rows:\n%s", lines, len(refs), logs)
	}
}
