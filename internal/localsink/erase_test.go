package localsink

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"testing"
)

func TestErase(t *testing.T) {
	path := filepath.Join(t.TempDir(), "outbox.jsonl")
	s := open(t, path)
	ctx := context.Background()
	other := testEmail()
	other.OrderID, other.To, other.Subject, other.Text, other.HTML = "ord_2", "someone.else@example.org", "s", "kept text", "<p>kept</p>"
	for _, send := range []func() error{
		func() error { _, err := s.SendEmail(ctx, testEmail()); return err },
		func() error { _, err := s.SendSMS(ctx, testSMS()); return err },
		func() error { _, err := s.SendEmail(ctx, other); return err },
	} {
		if err := send(); err != nil {
			t.Fatal(err)
		}
	}
	n, err := s.Erase(map[string]bool{"ord_1": true})
	if err != nil || n != 2 {
		t.Fatalf("Erase = %d, %v; want 2", n, err)
	}
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	for _, gone := range []string{"buyer@example.com", "+15555550100", "Заказ", "Your order shipped"} {
		if bytes.Contains(raw, []byte(gone)) {
			t.Fatalf("the file still holds %q:\n%s", gone, raw)
		}
	}
	if !bytes.Contains(raw, []byte("someone.else@example.org")) || !bytes.Contains(raw, []byte("kept text")) {
		t.Fatalf("another order's entry was erased:\n%s", raw)
	}
	list, err := s.List()
	if err != nil || len(list) != 3 || !list[0].Erased || !list[1].Erased || list[2].Erased ||
		list[0].ID != "local-1" || list[0].Kind != "payment_reminder" || list[2].To != other.To {
		t.Fatalf("entries after erase = %+v, %v", list, err)
	}
	// Appends continue after the rewrite, numbered after the kept lines.
	sent, err := s.SendSMS(ctx, testSMS())
	if err != nil || sent.MessageID != "local-4" {
		t.Fatalf("send after erase = %+v, %v", sent, err)
	}
	if n, err := s.Erase(map[string]bool{"ord_2": true}); err != nil || n != 1 {
		t.Fatalf("second Erase = %d, %v; want 1 (erased entries are not counted again)", n, err)
	}
	if list, _ := s.List(); len(list) != 4 || list[3].To != "+15555550100" || list[3].Erased {
		t.Fatalf("entries after the second erase = %+v", list)
	}
	if st, err := os.Stat(path); err != nil || st.Mode().Perm() != 0o600 {
		t.Fatalf("file mode after erase = %v, %v", st.Mode(), err)
	}
}
