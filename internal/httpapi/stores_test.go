package httpapi_test

import (
	"testing"

	"github.com/orderwire/orderwire/internal/dynamo"
	"github.com/orderwire/orderwire/internal/embedded"
	"github.com/orderwire/orderwire/internal/store"
	"github.com/orderwire/orderwire/internal/testservice"
)

// onBothStores runs check as subtests "embedded" (a fresh bbolt store) and "dynamodb-local"
// (a fresh table; it skips, or fails under make test, without the service).
func onBothStores(t *testing.T, check func(t *testing.T, st store.Store)) {
	t.Helper()
	t.Run("embedded", func(t *testing.T) {
		st, err := embedded.Open(t.TempDir(), embedded.Options{})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { _ = st.Close() })
		check(t, st)
	})
	t.Run("dynamodb-local", func(t *testing.T) {
		client := testservice.DynamoDB(t)
		check(t, dynamo.New(client, testservice.NewTable(t, client)))
	})
}
