package ses

import (
	"context"
	"encoding/json"
	"net/http"
	"net/mail"
	"strings"
	"testing"
	"time"

	"github.com/orderwire/orderwire/internal/testservice"
)

// storedEmail is one message as aws-ses-v2-local returns it at GET /store.
type storedEmail struct {
	MessageID   string `json:"messageId"`
	From        string `json:"from"`
	Destination struct {
		To []string `json:"to"`
	} `json:"destination"`
	Subject string `json:"subject"`
	Body    struct {
		Text string `json:"text"`
		HTML string `json:"html"`
	} `json:"body"`
	Headers []struct {
		Name  string `json:"name"`
		Value string `json:"value"`
	} `json:"headers"`
}

// TestSendEmailToEmulator sends through the real SDK to aws-ses-v2-local and reads the
// message back from the emulator's store.
func TestSendEmailToEmulator(t *testing.T) {
	endpoint := testservice.Endpoint(t, "ORDERWIRE_TEST_SES_ENDPOINT")
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()

	s := New(NewClient(testservice.AWSConfig(), endpoint))
	m := testEmail()
	m.To = "buyer-" + time.Now().UTC().Format("150405.000000") + "@example.com"
	sent, err := s.SendEmail(ctx, m)
	if err != nil {
		t.Fatalf("SendEmail: %v", err)
	}
	if sent.MessageID == "" {
		t.Fatal("empty MessageID")
	}

	got := findStored(ctx, t, endpoint, sent.MessageID)
	if len(got.Destination.To) != 1 || got.Destination.To[0] != m.To {
		t.Errorf("to = %q, want [%s]", got.Destination.To, m.To)
	}
	from, err := mail.ParseAddress(got.From)
	if err != nil || from.Name != "Магазин Ромашка" || from.Address != "orders@seller.example" {
		t.Errorf("from = %q (parsed %+v, %v)", got.From, from, err)
	}
	if got.Subject != m.Subject {
		t.Errorf("subject = %q, want %q", got.Subject, m.Subject)
	}
	if got.Body.Text != m.Text {
		t.Errorf("text = %q, want %q", got.Body.Text, m.Text)
	}
	if got.Body.HTML != m.HTML {
		t.Errorf("html = %q, want %q", got.Body.HTML, m.HTML)
	}
	headers := map[string]string{}
	for _, h := range got.Headers {
		headers[h.Name] = h.Value
	}
	for name, want := range m.Headers {
		if headers[name] != want {
			t.Errorf("header %s = %q, want %q (stored headers %v)", name, headers[name], want, headers)
		}
	}
}

// findStored returns the stored message with the given id.
func findStored(ctx context.Context, t *testing.T, endpoint, id string) storedEmail {
	t.Helper()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, strings.TrimRight(endpoint, "/")+"/store", nil)
	if err != nil {
		t.Fatal(err)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("GET /store: %v", err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("GET /store: %s", resp.Status)
	}
	var store struct {
		Emails []storedEmail `json:"emails"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&store); err != nil {
		t.Fatalf("decode /store: %v", err)
	}
	for _, e := range store.Emails {
		if e.MessageID == id {
			return e
		}
	}
	t.Fatalf("message %s not in the store (%d messages)", id, len(store.Emails))
	return storedEmail{}
}

// TestSendInConfigurationSetToEmulator: a send naming a configuration set and carrying the
// message tags is accepted and stored by aws-ses-v2-local (which keeps neither the set nor
// the tags, so only the request's acceptance is checked here; the tags themselves are
// TestConfigurationSetAndTags').
func TestSendInConfigurationSetToEmulator(t *testing.T) {
	endpoint := testservice.Endpoint(t, "ORDERWIRE_TEST_SES_ENDPOINT")
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	m := testEmail()
	m.BuyerID = "buyer-1"
	m.To = "tagged-" + time.Now().UTC().Format("150405.000000") + "@example.com"
	sent, err := New(NewClient(testservice.AWSConfig(), endpoint)).WithConfigurationSet("orderwire-events").SendEmail(ctx, m)
	if err != nil {
		t.Fatalf("SendEmail in a configuration set: %v", err)
	}
	if got := findStored(ctx, t, endpoint, sent.MessageID); len(got.Destination.To) != 1 || got.Destination.To[0] != m.To {
		t.Errorf("stored to = %q, want [%s]", got.Destination.To, m.To)
	}
}
