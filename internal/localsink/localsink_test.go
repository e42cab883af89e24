package localsink

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/orderwire/orderwire/internal/message"
)

var fixed = time.Date(2026, 3, 1, 12, 30, 0, 0, time.FixedZone("MSK", 3*3600))

func testEmail() message.Email {
	return message.Email{
		ID: "ord_1/payment_reminder/1/email", OrderID: "ord_1", Kind: "payment_reminder",
		From: "Shop <orders@seller.example>", To: "buyer@example.com",
		Subject: "Напоминание об оплате", Text: "Заказ ждёт оплаты.", HTML: "<p>Заказ ждёт оплаты.</p>",
		Locale: "ru", Headers: map[string]string{"List-Unsubscribe": "<https://seller.example/u>"},
	}
}

func testSMS() message.SMS {
	return message.SMS{
		ID: "ord_1/shipped/2/sms", OrderID: "ord_1", Kind: "shipped",
		To: "+15555550100", Text: "Your order shipped", Locale: "en",
	}
}

func open(t *testing.T, path string) *Sink {
	t.Helper()
	s, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := s.Close(); err != nil {
			t.Error(err)
		}
	})
	s.Now = func() time.Time { return fixed }
	return s
}

func TestSendAndList(t *testing.T) {
	path := filepath.Join(t.TempDir(), "outbox.jsonl")
	s := open(t, path)
	ctx := context.Background()

	sent, err := s.SendEmail(ctx, testEmail())
	if err != nil || sent.MessageID != "local-1" {
		t.Fatalf("SendEmail = %+v, %v", sent, err)
	}
	sent, err = s.SendSMS(ctx, testSMS())
	if err != nil || sent.MessageID != "local-2" {
		t.Fatalf("SendSMS = %+v, %v", sent, err)
	}
	if out, err := s.OptedOut(ctx, "+15555550100"); out || err != nil {
		t.Errorf("OptedOut = %v, %v", out, err)
	}

	got, err := s.List()
	if err != nil {
		t.Fatal(err)
	}
	want := []Entry{
		{ID: "local-1", OrderID: "ord_1", Kind: "payment_reminder", Channel: "email", To: "buyer@example.com",
			Subject: "Напоминание об оплате", Text: "Заказ ждёт оплаты.", HTML: "<p>Заказ ждёт оплаты.</p>",
			Locale: "ru", Status: "sent", SentAt: fixed.UTC()},
		{ID: "local-2", OrderID: "ord_1", Kind: "shipped", Channel: "sms", To: "+15555550100",
			Text: "Your order shipped", Locale: "en", Status: "sent", SentAt: fixed.UTC()},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("List =\n%+v\nwant\n%+v", got, want)
	}

	st, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if st.Mode().Perm() != 0o600 {
		t.Errorf("mode %v, want 0600", st.Mode().Perm())
	}
}

// TestFileFormat pins the JSON Lines contract: exactly these fields, sent_at in RFC 3339 UTC.
func TestFileFormat(t *testing.T) {
	path := filepath.Join(t.TempDir(), "outbox.jsonl")
	s := open(t, path)
	if _, err := s.SendSMS(context.Background(), testSMS()); err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasSuffix(string(data), "}\n") || strings.Count(string(data), "\n") != 1 {
		t.Fatalf("not one JSON line: %q", data)
	}
	var fields map[string]any
	if err := json.Unmarshal(data, &fields); err != nil {
		t.Fatal(err)
	}
	var names []string
	for k := range fields {
		names = append(names, k)
	}
	sort.Strings(names)
	if got := strings.Join(names, ","); got != "channel,html,id,kind,locale,order_id,sent_at,status,subject,text,to" {
		t.Errorf("fields = %s", got)
	}
	if fields["sent_at"] != "2026-03-01T09:30:00Z" {
		t.Errorf("sent_at = %v, want 2026-03-01T09:30:00Z", fields["sent_at"])
	}
	if fields["subject"] != "" || fields["html"] != "" || fields["channel"] != "sms" || fields["status"] != "sent" {
		t.Errorf("SMS entry = %v", fields)
	}
}

func TestSurvivesReopen(t *testing.T) {
	path := filepath.Join(t.TempDir(), "outbox.jsonl")
	s := open(t, path)
	ctx := context.Background()
	for i := 0; i < 3; i++ {
		if _, err := s.SendEmail(ctx, testEmail()); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := s.SendEmail(ctx, testEmail()); err == nil || !message.IsTemporary(err) {
		t.Errorf("send after Close: err = %v, want temporary", err)
	}

	s2 := open(t, path)
	sent, err := s2.SendSMS(ctx, testSMS())
	if err != nil || sent.MessageID != "local-4" {
		t.Fatalf("after reopen: %+v, %v; want local-4", sent, err)
	}
	got, err := s2.List()
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 4 || got[0].ID != "local-1" || got[3].ID != "local-4" || got[3].Channel != message.ChannelSMS {
		t.Errorf("List after reopen = %+v", got)
	}
}

func TestConcurrentAppends(t *testing.T) {
	path := filepath.Join(t.TempDir(), "outbox.jsonl")
	s := open(t, path)
	const workers, each = 8, 50
	var wg sync.WaitGroup
	errs := make(chan error, workers*each)
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			for i := 0; i < each; i++ {
				m := testEmail()
				m.OrderID = fmt.Sprintf("ord_%d_%d", w, i)
				if _, err := s.SendEmail(context.Background(), m); err != nil {
					errs <- err
				}
			}
		}(w)
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}

	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = f.Close() }() // opened read-only: closing cannot lose anything
	sc := bufio.NewScanner(f)
	lines := 0
	for sc.Scan() {
		lines++
		if !json.Valid(sc.Bytes()) {
			t.Fatalf("line %d is not valid JSON", lines)
		}
	}
	if lines != workers*each {
		t.Errorf("%d lines, want %d", lines, workers*each)
	}

	got, err := s.List()
	if err != nil {
		t.Fatal(err)
	}
	orders := map[string]bool{}
	for i, e := range got {
		if want := fmt.Sprintf("local-%d", i+1); e.ID != want {
			t.Errorf("entry %d has id %s, want %s", i, e.ID, want)
		}
		orders[e.OrderID] = true
	}
	if len(got) != workers*each || len(orders) != workers*each {
		t.Errorf("%d entries, %d distinct orders; want %d", len(got), len(orders), workers*each)
	}
}

func TestTornLastLine(t *testing.T) {
	path := filepath.Join(t.TempDir(), "outbox.jsonl")
	s := open(t, path)
	ctx := context.Background()
	for i := 0; i < 2; i++ {
		if _, err := s.SendEmail(ctx, testEmail()); err != nil {
			t.Fatal(err)
		}
	}
	// A crash in the middle of the third append leaves half a line.
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_APPEND, 0)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.WriteString(`{"id":"local-3","order_id":"ord_1","kind":"paym`); err != nil {
		t.Fatal(err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}

	got, err := s.List()
	if err != nil || len(got) != 2 {
		t.Fatalf("List with a torn last line = %d entries, %v; want 2, nil", len(got), err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}

	// Reopening cuts the torn line off; appends continue cleanly after it.
	s2 := open(t, path)
	sent, err := s2.SendSMS(ctx, testSMS())
	if err != nil || sent.MessageID != "local-3" {
		t.Fatalf("after repair: %+v, %v; want local-3", sent, err)
	}
	got, err = s2.List()
	if err != nil || len(got) != 3 || got[2].Channel != message.ChannelSMS {
		t.Fatalf("List after repair = %+v, %v", got, err)
	}
}

func TestDamagedLines(t *testing.T) {
	path := filepath.Join(t.TempDir(), "outbox.jsonl")
	good := `{"id":"local-1","order_id":"o","kind":"k","channel":"sms","to":"+15555550100","subject":"","text":"t","html":"","locale":"en","status":"sent","sent_at":"2026-03-01T09:30:00Z"}`

	// A complete but damaged last line is ignored like a torn one.
	if err := os.WriteFile(path, []byte(good+"\n{\"id\":\"loc\x00\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	s := open(t, path)
	if got, err := s.List(); err != nil || len(got) != 1 {
		t.Errorf("damaged last line: %d entries, %v; want 1, nil", len(got), err)
	}

	// Damage in the middle is reported, without quoting the line (it holds buyer data).
	if err := os.WriteFile(path, []byte(good+"\nnot json +15555550100\n"+good+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	got, err := s.List()
	if err == nil || !strings.Contains(err.Error(), "line 2") || strings.Contains(err.Error(), "5555550100") {
		t.Errorf("damaged middle line: %d entries, %v; want an error naming line 2 only", len(got), err)
	}
}

func TestOpenMakesFilePrivate(t *testing.T) {
	path := filepath.Join(t.TempDir(), "outbox.jsonl")
	if err := os.WriteFile(path, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(path, 0o644); err != nil {
		t.Fatal(err)
	}
	open(t, path)
	st, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if st.Mode().Perm() != 0o600 {
		t.Errorf("mode %v, want 0600", st.Mode().Perm())
	}
}

func TestCanceledContext(t *testing.T) {
	s := open(t, filepath.Join(t.TempDir(), "outbox.jsonl"))
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err := s.SendEmail(ctx, testEmail())
	if !message.IsTemporary(err) || !errors.Is(err, context.Canceled) {
		t.Errorf("err = %v, want temporary canceled", err)
	}
	if got, _ := s.List(); len(got) != 0 {
		t.Errorf("a canceled send was written")
	}
}

func TestOpenFailsOnDirectory(t *testing.T) {
	if _, err := Open(t.TempDir()); err == nil {
		t.Error("Open(directory) succeeded")
	}
}
