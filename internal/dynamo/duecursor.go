package dynamo

import (
	"sync"
	"time"

	"github.com/orderwire/orderwire/internal/store"
)

// dueCursor remembers, per due index (DueOrders uses one for DUE#), where the last queryDue
// stopped: the instant it read up to and the first shard it did not read to the end. A
// caller draining the index calls again and again with the same instant (the reminder
// sweep, batch after batch); the next call resumes there instead of querying, once more,
// shards already read to their end, which would cost an empty Query each (billed on AWS).
//
// A pass over the shards ends when a call reads the last shard to its end; the next call
// starts again at shard 0, so an order that fell due in an already read shard meanwhile is
// read by the next pass (the next sweep), as the store port allows.
type dueCursor struct {
	mu sync.Mutex
	at map[string]dueResume
}

type dueResume struct {
	now   time.Time
	shard int
}

// start is the shard a call for prefix at now begins with; 0 for a nil cursor.
func (c *dueCursor) start(prefix string, now time.Time) int {
	if c == nil {
		return 0
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	r, ok := c.at[prefix]
	if !ok || !r.now.Equal(now) || r.shard >= store.DueShards {
		return 0
	}
	return r.shard
}

// stop records that the call for prefix at now has read every shard before shard to its
// end (store.DueShards: all of them). A nil cursor remembers nothing.
func (c *dueCursor) stop(prefix string, now time.Time, shard int) {
	if c == nil {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.at == nil {
		c.at = map[string]dueResume{}
	}
	c.at[prefix] = dueResume{now: now, shard: shard}
}
