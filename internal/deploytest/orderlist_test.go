package deploytest

import (
	"reflect"
	"slices"
	"testing"

	"github.com/orderwire/orderwire/internal/store"
)

// orderListerGrants is what store.OrderLister needs on DynamoDB: a Query of each order list
// index (GSI1 ORDERS, GSI3 status, GSI4 payment status, GSI5 disputes, GSI6 the other
// attention kinds), a Query of the table (the buyer's order index, an order's outbox rows)
// and BatchGetItem (the buyer's orders, the orders of outbox rows). A function that wires
// ListOrders (the seller API's GET /v1/orders) is granted these through
// TestFunctionsGrantWhatTheyCall, which derives them the same way.
var orderListerGrants = []string{
	"dynamodb:BatchGetItem on table",
	"dynamodb:Query on index/GSI1", "dynamodb:Query on index/GSI3", "dynamodb:Query on index/GSI4",
	"dynamodb:Query on index/GSI5", "dynamodb:Query on index/GSI6",
	"dynamodb:Query on table",
}

// TestOrderListerNeeds: ListOrders, driven through every plan (store.RunListOrders) on the
// scenario's tables, reads with Queries and BatchGetItem only (dynamo.API has no Scan at
// all), each on the resource above, and writes nothing.
func TestOrderListerNeeds(t *testing.T) {
	var got []string
	for c := range storeCalls(t, reflect.TypeFor[store.OrderLister]()) {
		got = append(got, grantOf(t, "seller-api", c))
	}
	slices.Sort(got)
	got = slices.Compact(got)
	if !slices.Equal(got, orderListerGrants) {
		t.Fatalf("ListOrders needs\n  %v\nwant\n  %v", got, orderListerGrants)
	}
}
