package dynamo_test

import (
	"testing"
	"time"

	"github.com/orderwire/orderwire/internal/dynamo"
	"github.com/orderwire/orderwire/internal/store"
	"github.com/orderwire/orderwire/internal/store/storetest"
	"github.com/orderwire/orderwire/internal/testservice"
)

// TestConformance runs the store conformance suite against AWS's DynamoDB Local.
func TestConformance(t *testing.T) {
	client := testservice.DynamoDB(t)
	tables := map[store.Store]string{}
	storetest.Run(t, storetest.Harness{
		Name: "dynamodb-local",
		Open: func(tb testing.TB) store.Store {
			name := testservice.NewTable(tb, client)
			s := dynamo.New(client, name)
			tables[s] = name
			return s
		},
		Reopen: func(tb testing.TB, s store.Store) store.Store {
			if err := s.Close(); err != nil {
				tb.Fatal(err)
			}
			// A new client and store, as a new Lambda execution environment would have.
			return dynamo.New(testservice.DynamoDB(tb), tables[s])
		},
		// DynamoDB Local does not run TTL: delete what TTL would (retention_test.go).
		Expire: func(tb testing.TB, s store.Store, now time.Time) { expireTable(tb, client, tables[s], now) },
		Dump:   func(tb testing.TB, s store.Store) []byte { return dumpTable(tb, client, tables[s]) },
	})
}
