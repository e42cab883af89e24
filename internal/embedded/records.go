package embedded

import (
	"encoding/json"
	"fmt"

	"github.com/orderwire/orderwire/internal/store"
)

// Keys mirror the DynamoDB table's PK and SK, joined by a NUL byte (ids never contain one).
func key(pk, sk string) []byte { return []byte(pk + "\x00" + sk) }

func orderKey(id string) []byte { return key(store.OrderPK(id), store.MetaSK) }
func buyerKey(id string) []byte { return key(store.BuyerPK(id), store.ProfileSK) }

// read decodes the JSON value at k into v and reports whether it existed.
func read(b KVBucket, k []byte, v any) (bool, error) {
	raw := b.Get(k)
	if raw == nil {
		return false, nil
	}
	if err := json.Unmarshal(raw, v); err != nil {
		return true, fmt.Errorf("decode %q: %w", k, err)
	}
	return true, nil
}

func write(b KVBucket, k []byte, v any) error {
	raw, err := json.Marshal(v)
	if err != nil {
		return fmt.Errorf("encode %q: %w", k, err)
	}
	return b.Put(k, raw)
}
