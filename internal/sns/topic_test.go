package sns_test

import (
	"context"
	"encoding/json"
	"testing"
	"time"

	"github.com/orderwire/orderwire/internal/message"
	"github.com/orderwire/orderwire/internal/sns"
	"github.com/orderwire/orderwire/internal/sns/snstest"
)

// TestTopicPublisherOnFauxqs publishes one alert to a topic on the fauxqs emulator and reads
// it back from a subscribed SQS queue: the JSON body, the subject, and the kind and order_id
// attributes subscribers filter on.
func TestTopicPublisherOnFauxqs(t *testing.T) {
	topic := snstest.NewTopic(t)
	p := sns.NewTopicPublisher(topic.Client, topic.ARN)
	a := message.Alert{ID: "A-1042/seller_dispute_opened/3", Kind: "dispute_opened", OrderID: "A-1042",
		Source: "stripe", EventID: "evt_1", Detail: "dispute du_1; respond by 2026-12-10T23:59:59Z",
		CreatedAt: time.Date(2026, 12, 1, 10, 0, 0, 0, time.UTC)}
	sent, err := p.SendAlert(context.Background(), a)
	if err != nil || sent.MessageID == "" {
		t.Fatalf("SendAlert = %+v, %v", sent, err)
	}
	got := topic.Receive(t, 1, 10*time.Second)
	if len(got) != 1 {
		t.Fatalf("%d messages in the queue, want 1", len(got))
	}
	env := got[0]
	var back message.Alert
	if err := json.Unmarshal([]byte(env.Message), &back); err != nil || back != a {
		t.Fatalf("message = %s (%v), want %+v", env.Message, err, a)
	}
	if env.Subject != a.Subject() || env.TopicArn != topic.ARN || env.MessageID != sent.MessageID {
		t.Errorf("subject %q topic %q id %q", env.Subject, env.TopicArn, env.MessageID)
	}
	if k, o := env.MessageAttributes[sns.AttrKind], env.MessageAttributes[sns.AttrOrderID]; k.Value != "dispute_opened" || o.Value != "A-1042" {
		t.Errorf("attributes = %+v", env.MessageAttributes)
	}
}
