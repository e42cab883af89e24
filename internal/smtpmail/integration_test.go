package smtpmail

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/orderwire/orderwire/internal/testservice"
)

// maildevEmail is the part of a maildev 3 message (GET /api/email) the test reads.
//
// maildev's parsed headers cannot show List-Unsubscribe: mailparser folds every List-*
// field into one object under headers["list"], and @maildev/smtp then keeps only
// string-valued headers, so the object is dropped. The test reads those fields from the
// message source (GET /api/email/:id/source) instead.
type maildevEmail struct {
	ID      string `json:"id"`
	Subject string `json:"subject"`
	To      []struct {
		Address string `json:"address"`
	} `json:"to"`
	Text    string `json:"text"`
	HTML    string `json:"html"`
	Headers struct {
		MessageID string `json:"message-id"`
	} `json:"headers"`
}

// TestSendEmailToMaildev sends to maildev over SMTP and reads the message back from its API.
func TestSendEmailToMaildev(t *testing.T) {
	addr := testservice.Endpoint(t, "ORDERWIRE_TEST_SMTP_ADDR")
	api := strings.TrimRight(testservice.Endpoint(t, "ORDERWIRE_TEST_MAILDEV_URL"), "/")
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()

	// maildev offers no STARTTLS; the default (opportunistic) policy must cope with that.
	s, err := New("smtp://" + addr)
	if err != nil {
		t.Fatal(err)
	}
	m := testEmail()
	m.To = "buyer-" + time.Now().UTC().Format("150405.000000") + "@example.com"
	sent, err := s.SendEmail(ctx, m)
	if err != nil {
		t.Fatalf("SendEmail: %v", err)
	}

	got := findMaildev(ctx, t, api, sent.MessageID)
	if got.Subject != m.Subject {
		t.Errorf("subject = %q, want %q", got.Subject, m.Subject)
	}
	if len(got.To) != 1 || got.To[0].Address != m.To {
		t.Errorf("to = %+v, want %s", got.To, m.To)
	}
	if strings.TrimRight(got.Text, "\n") != m.Text {
		t.Errorf("text = %q, want %q", got.Text, m.Text)
	}
	if got.HTML != m.HTML {
		t.Errorf("html = %q, want %q", got.HTML, m.HTML)
	}

	// The source maildev received carries the extra header fields exactly (once unfolded).
	source := get(ctx, t, api+"/api/email/"+got.ID+"/source")
	unfolded := strings.ReplaceAll(strings.ReplaceAll(source, "\r\n ", " "), "\r\n\t", " ")
	for name, value := range m.Headers {
		if !strings.Contains(unfolded, "\r\n"+name+": "+value+"\r\n") {
			t.Errorf("source lacks %s: %s\n%s", name, value, source)
		}
	}
}

// findMaildev returns the message with the given Message-ID.
func findMaildev(ctx context.Context, t *testing.T, api, messageID string) maildevEmail {
	t.Helper()
	var emails []maildevEmail
	if err := json.Unmarshal([]byte(get(ctx, t, api+"/api/email")), &emails); err != nil {
		t.Fatalf("decode /api/email: %v", err)
	}
	for _, e := range emails {
		if e.Headers.MessageID == messageID {
			return e
		}
	}
	t.Fatalf("message %s not in maildev (%d messages)", messageID, len(emails))
	return maildevEmail{}
}

func get(ctx context.Context, t *testing.T, url string) string {
	t.Helper()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		t.Fatal(err)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("GET %s: %v", url, err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("GET %s: %s %v", url, resp.Status, err)
	}
	return string(body)
}
