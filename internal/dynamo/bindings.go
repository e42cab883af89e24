package dynamo

import (
	"sync"

	"github.com/orderwire/orderwire/internal/order"
	"github.com/orderwire/orderwire/internal/store"
)

// bindingCache remembers which order a payment reference is bound to. A binding never
// changes once written, so a remembered one is never stale; it only saves the read that
// finds the order of an event naming nothing but references. Bounded: it starts over when
// full.
type bindingCache struct {
	mu sync.Mutex
	m  map[string]string
}

const bindingCacheSize = 100_000

func (c *bindingCache) target(ev order.Event) string {
	if order.ValidID(ev.OrderID) {
		return ev.OrderID
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, r := range store.EventRefs(ev) {
		if id, ok := c.m[ev.Source+"#"+r]; ok {
			return id
		}
	}
	return ""
}

func (c *bindingCache) remember(source string, refs []string, orderID string) {
	if orderID == "" || len(refs) == 0 {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.m == nil || len(c.m)+len(refs) > bindingCacheSize {
		c.m = map[string]string{}
	}
	for _, r := range refs {
		c.m[source+"#"+r] = orderID
	}
}
