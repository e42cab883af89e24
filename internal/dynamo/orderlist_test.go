package dynamo_test

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	awsmiddleware "github.com/aws/aws-sdk-go-v2/aws/middleware"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/smithy-go/middleware"

	"github.com/orderwire/orderwire/internal/dynamo"
	"github.com/orderwire/orderwire/internal/order"
	"github.com/orderwire/orderwire/internal/store"
	"github.com/orderwire/orderwire/internal/store/storetest"
	"github.com/orderwire/orderwire/internal/testservice"
)

// listCounter counts, with SDK middleware, the requests the SDK sends (retries included)
// and the items the Queries among them read (ScannedCount: what DynamoDB charges for).
type listCounter struct {
	calls, queries, scanned atomic.Int64
	other                   atomic.Int64 // requests that are not a Query
}

func (c *listCounter) addTo(stack *middleware.Stack) error {
	err := stack.Finalize.Add(middleware.FinalizeMiddlewareFunc("countListCalls",
		func(ctx context.Context, in middleware.FinalizeInput, next middleware.FinalizeHandler) (middleware.FinalizeOutput, middleware.Metadata, error) {
			c.calls.Add(1)
			if awsmiddleware.GetOperationName(ctx) == "Query" {
				c.queries.Add(1)
			} else {
				c.other.Add(1)
			}
			return next.HandleFinalize(ctx, in)
		}), middleware.After)
	if err != nil {
		return err
	}
	return stack.Initialize.Add(middleware.InitializeMiddlewareFunc("countScanned",
		func(ctx context.Context, in middleware.InitializeInput, next middleware.InitializeHandler) (middleware.InitializeOutput, middleware.Metadata, error) {
			out, md, err := next.HandleInitialize(ctx, in)
			if q, ok := out.Result.(*dynamodb.QueryOutput); ok {
				c.scanned.Add(int64(q.ScannedCount))
			}
			return out, md, err
		}), middleware.After)
}

func (c *listCounter) reset() {
	c.calls.Store(0)
	c.queries.Store(0)
	c.scanned.Store(0)
	c.other.Store(0)
}

// listFixture is a DynamoDB Local table holding n orders (every seventh paid long ago, so
// unshipped), and a store on it whose requests counter counts.
func listFixture(tb testing.TB, n int) (*dynamo.Store, *listCounter) {
	tb.Helper()
	client := testservice.DynamoDB(tb)
	table := testservice.NewTable(tb, client)
	plain := dynamo.New(client, table)
	base := time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)
	var wg sync.WaitGroup
	errs := make(chan error, 8)
	for w := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := w; i < n; i += 8 {
				b := storetest.Buyer(fmt.Sprintf("buyer-%03d", i%100))
				o := storetest.Order(tb, fmt.Sprintf("o-%05d", i), b)
				o.UpdatedAt = base.Add(time.Duration(i) * time.Second)
				if i%7 == 0 {
					o.Status, o.PaymentStatus, o.PaidMinor = order.StatusAwaitingShipment, order.PaymentPaid, o.AmountMinor
				}
				if err := plain.SaveOrder(context.Background(), o, b); err != nil {
					errs <- err
					return
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		tb.Fatal(err)
	}
	calls := &listCounter{}
	counted := dynamodb.New(client.Options(), func(o *dynamodb.Options) { o.APIOptions = append(o.APIOptions, calls.addTo) })
	return dynamo.New(counted, table), calls
}

// TestListOrdersReadsOnePage pins the cost of the order list on DynamoDB: the unfiltered
// list, and a list by status, is one Query per page that reads the page and one item more
// (which says whether a next page exists), and nothing else: no Scan, no further read.
func TestListOrdersReadsOnePage(t *testing.T) {
	const n, limit = 120, 50
	s, calls := listFixture(t, n)
	ctx := context.Background()
	for _, q := range []store.OrderQuery{{Limit: limit}, {Limit: limit, Status: order.StatusPendingPayment}} {
		seen, pages := 0, 0
		for {
			calls.reset()
			page, err := s.ListOrders(ctx, q)
			if err != nil {
				t.Fatal(err)
			}
			pages++
			seen += len(page.Orders)
			if calls.calls.Load() != 1 || calls.queries.Load() != 1 {
				t.Fatalf("%+v page %d: %d requests (%d Queries), want one Query", q, pages, calls.calls.Load(), calls.queries.Load())
			}
			if got, most := calls.scanned.Load(), int64(len(page.Orders)+1); got > most {
				t.Fatalf("%+v page %d: read %d items for %d orders", q, pages, got, len(page.Orders))
			}
			if page.Next == "" {
				break
			}
			q.Cursor = page.Next
		}
		want := n
		if q.Status != "" {
			want = n - (n+6)/7
		}
		if seen != want {
			t.Fatalf("%+v: listed %d orders over %d pages, want %d", q, seen, pages, want)
		}
	}
}

// BenchmarkListOrdersDynamoDBLocal reports what one page of 50 costs on DynamoDB Local with
// 2,000 orders: requests and items read, for the plain list, a status, a payment status and
// every attention kind at once.
func BenchmarkListOrdersDynamoDBLocal(b *testing.B) {
	s, calls := listFixture(b, 2000)
	now := time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)
	for _, bc := range []struct {
		name string
		q    store.OrderQuery
	}{
		{"all", store.OrderQuery{Limit: 50}},
		{"status", store.OrderQuery{Limit: 50, Status: order.StatusPendingPayment}},
		{"payment_status", store.OrderQuery{Limit: 50, PaymentStatus: order.PaymentPaid}},
		{"attention_any", store.OrderQuery{Limit: 50, Attention: "any", Now: now}},
	} {
		b.Run(bc.name, func(b *testing.B) {
			calls.reset()
			for b.Loop() {
				if _, err := s.ListOrders(context.Background(), bc.q); err != nil {
					b.Fatal(err)
				}
			}
			n := float64(b.N)
			b.ReportMetric(float64(calls.calls.Load())/n, "requests/page")
			b.ReportMetric(float64(calls.queries.Load())/n, "queries/page")
			b.ReportMetric(float64(calls.scanned.Load())/n, "items-read/page")
		})
	}
}
