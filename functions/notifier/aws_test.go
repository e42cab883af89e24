package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/events"

	"github.com/orderwire/orderwire/internal/dynamo"
	"github.com/orderwire/orderwire/internal/notifier"
	"github.com/orderwire/orderwire/internal/order"
	"github.com/orderwire/orderwire/internal/ses"
	"github.com/orderwire/orderwire/internal/store"
	"github.com/orderwire/orderwire/internal/store/storetest"
	"github.com/orderwire/orderwire/internal/testservice"
	"github.com/orderwire/orderwire/internal/unsubscribe"
)

// sesStored is one message as aws-ses-v2-local returns it at GET /store.
type sesStored struct {
	MessageID   string `json:"messageId"`
	Destination struct {
		To []string `json:"to"`
	} `json:"destination"`
	Subject string `json:"subject"`
	Body    struct {
		Text string `json:"text"`
	} `json:"body"`
	Headers []struct {
		Name  string `json:"name"`
		Value string `json:"value"`
	} `json:"headers"`
}

// TestStreamToSESEndToEnd is the AWS path with real parts: a payment recorded on DynamoDB
// Local writes an outbox row; the stream record announcing it (a real events.DynamoDBEvent,
// keys only) goes through this function's handler to the real notifier, which claims the
// row, renders it in German and sends it through SES v2 to aws-ses-v2-local, where it is
// read back with its List-Unsubscribe headers. The record delivered again sends nothing.
func TestStreamToSESEndToEnd(t *testing.T) {
	sesEndpoint := testservice.Endpoint(t, "ORDERWIRE_TEST_SES_ENDPOINT")
	client := testservice.DynamoDB(t)
	st := dynamo.New(client, testservice.NewTable(t, client))
	ctx := context.Background()

	b := storetest.Buyer("buyer-e2e")
	b.Email = fmt.Sprintf("lena-%d@example.com", time.Now().UnixNano())
	b.Locale, b.TimeZone, b.Country = "de-DE", "Europe/Berlin", "DE"
	o := storetest.Order(t, "o-e2e", b)
	if err := st.SaveOrder(ctx, o, b); err != nil {
		t.Fatal(err)
	}
	pay := storetest.Event("stripe", "evt_e2e", o.ID, order.KindPaymentSucceeded, o.AmountMinor, time.Minute)
	if _, err := st.RecordEvent(ctx, pay, order.Evidence{Body: []byte(`{"id":"evt_e2e"}`)}); err != nil {
		t.Fatal(err)
	}
	rows, err := st.Notifications(ctx, o.ID)
	if err != nil || len(rows) != 1 {
		t.Fatalf("outbox = %+v, %v", rows, err)
	}
	row := rows[0]

	signer, err := unsubscribe.New([]string{strings.Repeat("k", 32)}, 0)
	if err != nil {
		t.Fatal(err)
	}
	n := notifier.New(notifier.Config{Store: st, Email: ses.New(ses.NewClient(testservice.AWSConfig(), sesEndpoint)),
		From: "Laden <orders@laden.example>", SellerName: "Laden", SellerAddress: "Hauptstraße 1, Berlin",
		UnsubscribeURL: func(buyerID string, now time.Time) string {
			return unsubscribe.URL("https://api.laden.example", signer.Token(buyerID, now))
		},
		Owner: "notifier-e2e", Now: func() time.Time { return pay.ReceivedAt.Add(time.Minute) }})
	h := &handler{Deliverer: n, Due: n, Logger: slog.New(slog.DiscardHandler)}

	batch, err := json.Marshal(events.DynamoDBEvent{Records: []events.DynamoDBEventRecord{{
		EventID: "1", EventName: "INSERT", EventVersion: "1.1", EventSource: "aws:dynamodb", AWSRegion: "us-east-1",
		EventSourceArn: "arn:aws:dynamodb:us-east-1:123456789012:table/t/stream/2026-11-22T00:00:00.000",
		Change: events.DynamoDBStreamRecord{
			Keys: map[string]events.DynamoDBAttributeValue{
				"PK": events.NewStringAttribute(store.OrderPK(row.OrderID)),
				"SK": events.NewStringAttribute(store.OutboxSK(row)),
			},
			SequenceNumber: "100", SizeBytes: 80, StreamViewType: "KEYS_ONLY",
		},
	}}})
	if err != nil {
		t.Fatal(err)
	}
	for round := 1; round <= 2; round++ { // the second round is Lambda delivering the record again
		out, err := h.Handle(ctx, batch)
		resp, ok := out.(events.DynamoDBEventResponse)
		if err != nil || !ok || len(resp.BatchItemFailures) != 0 {
			t.Fatalf("round %d: Handle = %#v, %v", round, out, err)
		}
	}

	var sent []sesStored
	for _, m := range sesStore(t, sesEndpoint) {
		if len(m.Destination.To) == 1 && m.Destination.To[0] == b.Email {
			sent = append(sent, m)
		}
	}
	if len(sent) != 1 {
		t.Fatalf("SES received %d messages for the buyer, want exactly 1", len(sent))
	}
	m := sent[0]
	if !strings.Contains(m.Subject, o.ID) || !strings.Contains(m.Body.Text, "129,90") || !strings.Contains(m.Body.Text, "Guten Tag") {
		t.Errorf("message is not the German payment confirmation: %q\n%s", m.Subject, m.Body.Text)
	}
	var unsub string
	for _, hd := range m.Headers {
		if hd.Name == "List-Unsubscribe" {
			unsub = strings.Trim(hd.Value, "<>")
		}
	}
	token := strings.TrimPrefix(unsub, "https://api.laden.example/unsubscribe?token=")
	if id, err := signer.Verify(token, pay.ReceivedAt.Add(time.Hour)); err != nil || id != b.ID {
		t.Errorf("List-Unsubscribe %q: buyer %q, %v", unsub, id, err)
	}
	after, err := st.Notifications(ctx, o.ID)
	if err != nil || len(after) != 1 || after[0].Status != order.NotificationSent || len(after[0].Deliveries) != 1 ||
		after[0].Deliveries[0].MessageID != m.MessageID {
		t.Fatalf("row after delivery = %+v, %v (SES message %s)", after, err, m.MessageID)
	}
}

func sesStore(t *testing.T, endpoint string) []sesStored {
	t.Helper()
	resp, err := http.Get(strings.TrimRight(endpoint, "/") + "/store")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	var s struct {
		Emails []sesStored `json:"emails"`
	}
	if err := json.Unmarshal(raw, &s); err != nil {
		t.Fatalf("GET /store: %v: %s", err, raw)
	}
	return s.Emails
}
