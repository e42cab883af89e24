package httpapi_test

import (
	"context"
	"encoding/json"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/orderwire/orderwire/internal/httpapi"
	"github.com/orderwire/orderwire/internal/localsink"
	"github.com/orderwire/orderwire/internal/notifier"
	"github.com/orderwire/orderwire/internal/order"
	"github.com/orderwire/orderwire/internal/sns"
	"github.com/orderwire/orderwire/internal/sns/snstest"
	"github.com/orderwire/orderwire/internal/store"
	"github.com/orderwire/orderwire/internal/testservice"
)

// TestDisputeAlertReachesTheSellerOnce: a Stripe dispute that names only its charge and
// PaymentIntent (charge.dispute.created.no_metadata.json, the payment package's fixture of
// Stripe's Dispute object), posted through the webhook route on a paid order, writes one
// seller_dispute_opened row with the order's change; the notifier delivers it once to the
// local alerts file (GET /local/alerts, bearer token) and, with the fauxqs emulator, once to
// an SNS topic (read back from a subscribed SQS queue with its kind and order_id
// attributes); the buyer's channels never carry it, and no alert shows the buyer's contact
// details. On both stores.
func TestDisputeAlertReachesTheSellerOnce(t *testing.T) { onBothStores(t, checkDisputeAlert) }

func checkDisputeAlert(t *testing.T, st store.Store) {
	ctx := context.Background()
	h := newScenarioHarness(t, st)
	h.register(t, "ORD-1001", 4999, "USD")
	h.post(t, h.stripe(t, "payment_intent.succeeded.json"))
	dispute := h.stripe(t, "charge.dispute.created.no_metadata.json")
	h.post(t, dispute)
	h.post(t, dispute) // a redelivery: a duplicate, no second alert

	rows, err := st.Notifications(ctx, "ORD-1001")
	if err != nil {
		t.Fatal(err)
	}
	var alert order.Notification
	for _, r := range rows {
		if r.Kind == order.AlertDisputeOpened {
			if alert.Kind != "" {
				t.Fatalf("two dispute_opened alerts: %+v", rows)
			}
			alert = r
		}
	}
	if alert.Kind == "" || alert.BuyerID != "" || alert.CauseEventID != dispute.id || !strings.Contains(alert.Detail, "dp_1PqDisp2eZvKYlo2C0disp01") {
		t.Fatalf("dispute_opened alert = %+v (rows %+v)", alert, rows)
	}

	dir := t.TempDir()
	buyerSink, err := localsink.Open(filepath.Join(dir, "outbox.jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	alertSink, err := localsink.Open(filepath.Join(dir, "alerts.jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = buyerSink.Close(); _ = alertSink.Close() })
	sinks := []notifier.AlertSink{alertSink}
	var topic *snstest.Topic
	if os.Getenv("ORDERWIRE_TEST_SNS_ENDPOINT") != "" || testservice.Required() {
		topic = snstest.NewTopic(t)
		sinks = append(sinks, sns.NewTopicPublisher(topic.Client, topic.ARN))
	}
	n := notifier.New(notifier.Config{Store: st, Email: buyerSink, SMS: buyerSink, Alerts: sinks,
		From: "Shop <orders@shop.example>", SellerName: "Shop", SellerAddress: "1 Main St",
		Owner: "alerts-test", Now: func() time.Time { return scNow.Add(time.Minute) }})
	for i := 0; i < 2; i++ {
		if _, err := n.RunDue(ctx, 50); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := n.Deliver(ctx, alert.Ref()); err != nil { // a redelivered stream record
		t.Fatal(err)
	}

	api := httpapi.New(httpapi.Config{Tokens: []string{token},
		LocalAlerts: func() (any, error) { return alertSink.List() }})
	if rec := call(api, "GET", "/local/alerts", nil); rec.Code != http.StatusUnauthorized {
		t.Fatalf("GET /local/alerts without the token: %d", rec.Code)
	}
	rec := call(api, "GET", "/local/alerts", nil, "Authorization", "Bearer "+token)
	if rec.Code != http.StatusOK {
		t.Fatalf("GET /local/alerts: %d %s", rec.Code, rec.Body)
	}
	var listed []localsink.Entry
	if err := json.Unmarshal(rec.Body.Bytes(), &listed); err != nil {
		t.Fatal(err)
	}
	if len(listed) != 1 || listed[0].Alert == nil || listed[0].Kind != "dispute_opened" || listed[0].OrderID != "ORD-1001" ||
		listed[0].Alert.EventID != dispute.id || listed[0].To != "" {
		t.Fatalf("GET /local/alerts = %s", rec.Body)
	}
	if body := rec.Body.String(); strings.Contains(body, "camille@example.com") || strings.Contains(body, "Camille") {
		t.Fatalf("an alert shows the buyer's contact details: %s", body)
	}
	buyerMsgs, err := buyerSink.List()
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range buyerMsgs {
		if order.NotificationKind(m.Kind).ForSeller() || m.Alert != nil {
			t.Fatalf("the buyer was sent a seller alert: %+v", m)
		}
	}
	if topic != nil {
		got := topic.Receive(t, 1, 5*time.Second)
		if len(got) != 1 || got[0].MessageAttributes[sns.AttrKind].Value != "dispute_opened" ||
			got[0].MessageAttributes[sns.AttrOrderID].Value != "ORD-1001" || strings.Contains(got[0].Message, "camille@example.com") {
			t.Fatalf("SNS delivered %+v, want one dispute_opened for ORD-1001", got)
		}
	}
}
