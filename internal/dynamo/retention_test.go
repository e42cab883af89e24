package dynamo_test

import (
	"context"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/orderwire/orderwire/internal/dynamo"
	"github.com/orderwire/orderwire/internal/order"
	"github.com/orderwire/orderwire/internal/store"
	"github.com/orderwire/orderwire/internal/store/storetest"
	"github.com/orderwire/orderwire/internal/testservice"
)

// scanExpiries returns every item of the table as "PK|SK" → expires_at (0: none).
func scanExpiries(tb testing.TB, client *dynamodb.Client, table string) map[string]int64 {
	tb.Helper()
	out := map[string]int64{}
	pages := dynamodb.NewScanPaginator(client, &dynamodb.ScanInput{TableName: aws.String(table), ConsistentRead: aws.Bool(true)})
	for pages.HasMorePages() {
		page, err := pages.NextPage(context.Background())
		if err != nil {
			tb.Fatal(err)
		}
		for _, it := range page.Items {
			k := it["PK"].(*types.AttributeValueMemberS).Value + "|" + it["SK"].(*types.AttributeValueMemberS).Value
			out[k] = 0
			if n, ok := it[dynamo.TTLAttribute].(*types.AttributeValueMemberN); ok {
				v, err := strconv.ParseInt(n.Value, 10, 64)
				if err != nil {
					tb.Fatal(err)
				}
				out[k] = v
			}
		}
	}
	return out
}

// expireTable deletes every item whose expires_at is at or before now: what DynamoDB's TTL
// does (within about 48 hours of expiry) and DynamoDB Local does not.
func expireTable(tb testing.TB, client *dynamodb.Client, table string, now time.Time) {
	tb.Helper()
	for k, at := range scanExpiries(tb, client, table) {
		if at == 0 || at > now.Unix() {
			continue
		}
		pk, sk, _ := strings.Cut(k, "|")
		_, err := client.DeleteItem(context.Background(), &dynamodb.DeleteItemInput{TableName: aws.String(table),
			Key: map[string]types.AttributeValue{"PK": &types.AttributeValueMemberS{Value: pk}, "SK": &types.AttributeValueMemberS{Value: sk}}})
		if err != nil {
			tb.Fatal(err)
		}
	}
}

// TestRetentionExpiries: the expires_at values written on each item. An unfiled event's
// items expire 33 days after it was received; an order's timeline and evidence at its
// horizon (540 days after the last event, rounded up to a week step), which a later event
// moves on the older items too; an open dispute removes every expiry, and its close puts
// them back; the order, buyer and outbox rows never expire.
func TestRetentionExpiries(t *testing.T) {
	client := testservice.DynamoDB(t)
	table := testservice.NewTable(t, client)
	s := dynamo.New(client, table)
	ctx := context.Background()
	r := store.DefaultRetention()
	quant := func(at time.Time) int64 {
		step := int64(store.RetentionSlack / time.Second)
		return (r.EvidenceExpiry(at).Unix() + step - 1) / step * step
	}

	unf := storetest.Event("stripe", "evt_exp_unfiled", "o-exp-absent", order.KindPaymentSucceeded, 100, time.Minute)
	if _, err := s.RecordEvent(ctx, unf, order.Evidence{Body: []byte(`{}`)}); err != nil {
		t.Fatal(err)
	}
	want := r.UnfiledExpiry(unf.ReceivedAt).Unix()
	got := scanExpiries(t, client, table)
	n := 0
	for k, at := range got {
		if strings.HasPrefix(k, "HOOK#stripe#evt_exp_unfiled|") || strings.HasPrefix(k, "PARK#o-exp-absent|") || strings.HasPrefix(k, "ORDER#o-exp-absent|RAW#") {
			n++
			if at != want {
				t.Errorf("%s expires at %d, want %d (received + 3 d + 30 d)", k, at, want)
			}
		}
	}
	if n != 3 {
		t.Fatalf("unfiled items with an expiry: %d, want marker, parked copy, evidence: %v", n, got)
	}

	b := storetest.Buyer("buyer-exp")
	o := storetest.Order(t, "o-exp", b)
	if err := s.SaveOrder(ctx, o, b); err != nil {
		t.Fatal(err)
	}
	record := func(ev order.Event) {
		t.Helper()
		if _, err := s.RecordEvent(ctx, ev, order.Evidence{Body: []byte(`{}`)}); err != nil {
			t.Fatal(err)
		}
	}
	orderItems := func(wantAt int64) {
		t.Helper()
		m := 0
		for k, at := range scanExpiries(t, client, table) {
			switch {
			case strings.HasPrefix(k, "ORDER#o-exp|EVT#"), strings.HasPrefix(k, "ORDER#o-exp|RAW#"):
				m++
				if at != wantAt {
					t.Errorf("%s expires at %d, want %d", k, at, wantAt)
				}
			case strings.HasPrefix(k, "ORDER#o-exp|"), strings.HasPrefix(k, "BUYER#buyer-exp|"):
				if at != 0 {
					t.Errorf("%s expires at %d: the order, buyer and outbox rows must not expire", k, at)
				}
			}
		}
		if m == 0 {
			t.Fatal("no timeline or evidence items")
		}
	}
	paid := storetest.Event("stripe", "evt_exp_paid", o.ID, order.KindPaymentSucceeded, o.AmountMinor, time.Minute)
	record(paid)
	orderItems(quant(paid.ReceivedAt))
	refund := storetest.Event("stripe", "evt_exp_refund", o.ID, order.KindRefunded, 100, 60*24*time.Hour)
	record(refund)
	orderItems(quant(refund.ReceivedAt))
	dp := storetest.Event("stripe", "evt_exp_dp", o.ID, order.KindDisputeOpened, o.AmountMinor, 61*24*time.Hour)
	dp.DisputeID, dp.DisputeStatus = "dp_exp", order.DisputeNeedsResponse
	record(dp)
	orderItems(0)
	closed := storetest.Event("stripe", "evt_exp_won", o.ID, order.KindDisputeClosed, o.AmountMinor, 90*24*time.Hour)
	closed.DisputeID, closed.DisputeStatus, closed.DisputeOutcome = "dp_exp", order.DisputeWon, order.DisputeWon
	record(closed)
	orderItems(quant(closed.ReceivedAt))
}
