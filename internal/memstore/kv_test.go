package memstore

import (
	"errors"
	"reflect"
	"testing"

	"github.com/orderwire/orderwire/internal/embedded"
)

func put(t *testing.T, m *memKV, kvs ...string) {
	t.Helper()
	err := m.Update(func(tx embedded.KVTx) error {
		for i := 0; i < len(kvs); i += 2 {
			if err := tx.Table().Put([]byte(kvs[i]), []byte(kvs[i+1])); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

func TestFailedUpdateWritesNothing(t *testing.T) {
	m := newKV()
	put(t, m, "a", "1", "c", "3")
	before := string(m.dump())
	boom := errors.New("boom")
	err := m.Update(func(tx embedded.KVTx) error {
		b := tx.Table()
		for _, step := range []func() error{
			func() error { return b.Put([]byte("b"), []byte("2")) },  // new key
			func() error { return b.Put([]byte("a"), []byte("9")) },  // overwrite
			func() error { return b.Delete([]byte("c")) },            // delete
			func() error { return b.Put([]byte("c"), []byte("33")) }, // and write again
			func() error { return b.Delete([]byte("b")) },            // delete the new key
			func() error { return b.Put([]byte("b"), []byte("22")) },
		} {
			if err := step(); err != nil {
				return err
			}
		}
		return boom
	})
	if !errors.Is(err, boom) {
		t.Fatalf("Update = %v, want fn's error", err)
	}
	if after := string(m.dump()); after != before {
		t.Fatalf("after a failed Update:\n%q\nwant\n%q", after, before)
	}
	if !reflect.DeepEqual(m.keys, []string{"a", "c"}) {
		t.Fatalf("keys = %q", m.keys)
	}
}

func TestViewRefusesWrites(t *testing.T) {
	m := newKV()
	put(t, m, "a", "1")
	err := m.View(func(tx embedded.KVTx) error {
		if err := tx.Table().Put([]byte("b"), []byte("2")); err == nil {
			t.Error("Put in View succeeded")
		}
		if err := tx.Table().Delete([]byte("a")); err == nil {
			t.Error("Delete in View succeeded")
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if got := string(m.dump()); got != "a\n1\n" {
		t.Fatalf("dump = %q", got)
	}
}

// Deleting the key a cursor is on, as the purge loops do, must not skip the next key.
func TestCursorWalksEveryKeyOnceWhileDeleting(t *testing.T) {
	m := newKV()
	put(t, m, "k\x00b", "2", "k\x00a", "1", "j", "0", "k\x00c", "3", "l", "4")
	var seen []string
	err := m.Update(func(tx embedded.KVTx) error {
		b := tx.Table()
		c := b.Cursor()
		for k, v := c.Seek([]byte("k\x00")); k != nil && k[0] == 'k'; k, v = c.Next() {
			seen = append(seen, string(k)+"="+string(v))
			if err := b.Delete(k); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{"k\x00a=1", "k\x00b=2", "k\x00c=3"}; !reflect.DeepEqual(seen, want) {
		t.Fatalf("seen %q, want %q", seen, want)
	}
	if !reflect.DeepEqual(m.keys, []string{"j", "l"}) {
		t.Fatalf("keys left %q", m.keys)
	}
}

func TestCursorEndsAndBackwards(t *testing.T) {
	m := newKV()
	put(t, m, "b", "2", "d", "4", "a", "1")
	_ = m.View(func(tx embedded.KVTx) error {
		c := tx.Table().Cursor()
		if k, _ := c.Next(); k != nil {
			t.Errorf("Next before positioning = %q", k)
		}
		if k, _ := c.Last(); string(k) != "d" {
			t.Errorf("Last = %q", k)
		}
		if k, _ := c.Prev(); string(k) != "b" {
			t.Errorf("Prev after Last = %q", k)
		}
		if k, _ := c.Seek([]byte("c")); string(k) != "d" {
			t.Errorf("Seek(c) = %q", k)
		}
		if k, _ := c.Next(); k != nil {
			t.Errorf("Next past the end = %q", k)
		}
		if k, _ := c.Seek([]byte("e")); k != nil {
			t.Errorf("Seek past the end = %q", k)
		}
		if k, v := c.First(); string(k) != "a" || string(v) != "1" {
			t.Errorf("First = %q %q", k, v)
		}
		if k, _ := c.Prev(); k != nil {
			t.Errorf("Prev before the start = %q", k)
		}
		return nil
	})
}
