package smtpmail

import (
	"context"
	"errors"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/orderwire/orderwire/internal/message"
)

func TestSendEmailToFakeServer(t *testing.T) {
	f := startFakeSMTP(t, nil)
	s, err := New(f.url())
	if err != nil {
		t.Fatal(err)
	}
	sent, err := s.SendEmail(context.Background(), testEmail())
	if err != nil {
		t.Fatalf("SendEmail: %v", err)
	}
	got := f.received()
	if len(got) != 1 {
		t.Fatalf("server got %d messages, want 1", len(got))
	}
	if !strings.Contains(got[0], "Message-ID:") || !strings.Contains(strings.Join(strings.Fields(got[0]), " "), "Message-ID: "+sent.MessageID) {
		t.Errorf("Message-ID %q not in the message:\n%s", sent.MessageID, got[0])
	}
}

func TestSendEmailReplyCodes(t *testing.T) {
	cases := []struct {
		name      string
		setup     func(f *fakeSMTP)
		temporary bool
		reason    string
	}{
		{"RCPT 450", func(f *fakeSMTP) {
			f.replies["RCPT"] = "450 4.2.1 <" + buyer + ">: Mailbox temporarily unavailable"
		}, true, "SMTP 450 4.2.1 at RCPT TO"},
		{"RCPT 550", func(f *fakeSMTP) {
			f.replies["RCPT"] = "550 5.1.1 <" + buyer + ">: Recipient address rejected: User unknown"
		}, false, "SMTP 550 5.1.1 at RCPT TO"},
		{"MAIL 451", func(f *fakeSMTP) {
			f.replies["MAIL"] = "451 4.3.0 Try again later"
		}, true, "SMTP 451 4.3.0 at MAIL FROM"},
		{"after data 552", func(f *fakeSMTP) {
			f.replies["END"] = "552 5.3.4 Message size exceeds fixed limit"
		}, false, "SMTP 552 5.3.4 at DATA"},
		{"after data 421", func(f *fakeSMTP) {
			f.replies["END"] = "421 4.4.2 Timeout, closing"
		}, true, "SMTP 421 4.4.2 at DATA"},
		{"greeting 421", func(f *fakeSMTP) {
			f.greeting = "421 4.3.2 Too many connections"
		}, true, "SMTP 421 4.3.2"},
		{"greeting 554", func(f *fakeSMTP) {
			f.greeting = "554 5.7.1 No SMTP service here"
		}, false, "SMTP 554 5.7.1"},
		{"hang up at RCPT", func(f *fakeSMTP) { f.hangUpAt = "RCPT" }, true, ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			f := startFakeSMTP(t, c.setup)
			s, err := New(f.url())
			if err != nil {
				t.Fatal(err)
			}
			ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
			defer cancel()
			_, err = s.SendEmail(ctx, testEmail())
			var ne *message.Error
			if !errors.As(err, &ne) {
				t.Fatalf("err = %v (%T), want *message.Error", err, err)
			}
			if ne.Temporary != c.temporary || ne.Uncertain {
				t.Errorf("temporary = %v, want %v; uncertain %v: %v", ne.Temporary, c.temporary, ne.Uncertain, err)
			}
			if c.reason != "" && ne.Reason != c.reason {
				t.Errorf("Reason = %q, want %q", ne.Reason, c.reason)
			}
			if strings.Contains(err.Error(), "example.com") {
				t.Errorf("error names the buyer: %v", err)
			}
			if strings.Contains(err.Error(), "affected message ID") && !strings.Contains(err.Error(), "<ord_1.payment_reminder.1.email.") {
				t.Errorf("the Message-ID was redacted: %v", err)
			}
			if len(f.received()) != 0 {
				t.Errorf("the server stored the message")
			}
		})
	}
}

// TestSendEmailUnreachable: a closed loopback port fails fast and is worth retrying.
func TestSendEmailUnreachable(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	if err := l.Close(); err != nil { // nothing listens there now: connection refused
		t.Fatal(err)
	}

	s, err := New("smtp://" + addr)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	start := time.Now()
	_, err = s.SendEmail(ctx, testEmail())
	if time.Since(start) > 4*time.Second {
		t.Errorf("took %v", time.Since(start))
	}
	if err == nil || !message.IsTemporary(err) {
		t.Fatalf("err = %v, want temporary", err)
	}
	if message.Reason(err) != "connection failed" {
		t.Errorf("Reason = %q, want connection failed", message.Reason(err))
	}
	var oe *net.OpError
	if !errors.As(err, &oe) {
		t.Errorf("dial error not reachable: %v", err)
	}
	if strings.Contains(err.Error(), "example.com") {
		t.Errorf("error names the buyer: %v", err)
	}
}

func TestSendEmailContextDone(t *testing.T) {
	f := startFakeSMTP(t, nil)
	s, _ := New(f.url())
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err := s.SendEmail(ctx, testEmail())
	if err == nil || !message.IsTemporary(err) {
		t.Errorf("err = %v, want temporary", err)
	}
}

func TestSendEmailBadInputIsPermanent(t *testing.T) {
	s, _ := New("smtp://127.0.0.1:1?starttls=none") // never dialled
	m := testEmail()
	m.To = "not an address " + buyer
	_, err := s.SendEmail(context.Background(), m)
	if err == nil || message.IsTemporary(err) || message.Reason(err) != "invalid recipient address" {
		t.Errorf("err = %v, want permanent invalid recipient address", err)
	}
	if strings.Contains(err.Error(), "example.com") {
		t.Errorf("error names the buyer: %v", err)
	}
}

// TestHangUpAfterDataIsUncertain: the message went out and the verdict never came back, so
// the server may have accepted it: uncertain (recorded unknown), not retried.
func TestHangUpAfterDataIsUncertain(t *testing.T) {
	f := startFakeSMTP(t, func(f *fakeSMTP) { f.hangUpAt = "END" })
	s, err := New(f.url())
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	_, err = s.SendEmail(ctx, testEmail())
	if !message.IsUncertain(err) || message.IsTemporary(err) || strings.Contains(err.Error(), "example.com") {
		t.Fatalf("err = %v: want uncertain, not temporary, without the address", err)
	}
}
