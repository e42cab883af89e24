package notifier_test

import (
	"context"
	"fmt"
	"slices"
	"sort"
	"sync"
	"time"

	"github.com/orderwire/orderwire/internal/notify"
	"github.com/orderwire/orderwire/internal/notify/templates"
	"github.com/orderwire/orderwire/internal/order"
	"github.com/orderwire/orderwire/internal/store"
)

// memStore is an in-memory store that keeps the store.Outbox contract: every transition is
// conditional and happens under one mutex, as one conditional write would.
type memStore struct {
	mu     sync.Mutex
	orders map[string]order.Order
	buyers map[string]order.Buyer
	rows   map[order.NotificationRef]order.Notification
}

func newMemStore() *memStore {
	return &memStore{orders: map[string]order.Order{}, buyers: map[string]order.Buyer{},
		rows: map[order.NotificationRef]order.Notification{}}
}

// add stores an order, its buyer and outbox rows as given.
func (s *memStore) add(o order.Order, b order.Buyer, rows ...order.Notification) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.orders[o.ID] = o
	s.buyers[b.ID] = b
	for _, n := range rows {
		s.rows[n.Ref()] = cloneRow(n)
	}
}

// row returns the stored row ref.
func (s *memStore) row(ref order.NotificationRef) order.Notification {
	s.mu.Lock()
	defer s.mu.Unlock()
	return cloneRow(s.rows[ref])
}

// all returns every stored row.
func (s *memStore) all() []order.Notification {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []order.Notification
	for _, n := range s.rows {
		out = append(out, cloneRow(n))
	}
	return out
}

func cloneRow(n order.Notification) order.Notification {
	n.Deliveries = slices.Clone(n.Deliveries)
	return n
}

func (s *memStore) GetOrder(_ context.Context, id string) (order.Order, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	o, ok := s.orders[id]
	if !ok {
		return order.Order{}, order.Errorf(order.CodeNotFound, "mem.GetOrder", "no order %s", id)
	}
	return o, nil
}

func (s *memStore) GetBuyer(_ context.Context, id string) (order.Buyer, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	b, ok := s.buyers[id]
	if !ok {
		return order.Buyer{}, order.Errorf(order.CodeNotFound, "mem.GetBuyer", "no buyer %s", id)
	}
	return b, nil
}

func (s *memStore) ClaimNotification(_ context.Context, ref order.NotificationRef, owner string, now time.Time, lease time.Duration) (order.Notification, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	n, ok := s.rows[ref]
	if !ok {
		return order.Notification{}, order.Errorf(order.CodeNotFound, "mem.Claim", "no row %s", ref)
	}
	if n.Status != order.NotificationPending || n.DueAt().After(now) {
		return order.Notification{}, order.Errorf(order.CodeConflict, "mem.Claim", "row %s is %s", ref, n.Status)
	}
	n.Status, n.Owner, n.LeaseUntil, n.UpdatedAt = order.NotificationSending, owner, now.Add(lease), now
	n.Attempts++
	s.rows[ref] = n
	return cloneRow(n), nil
}

func (s *memStore) FinishNotification(_ context.Context, n order.Notification) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	cur, ok := s.rows[n.Ref()]
	if !ok {
		return order.Errorf(order.CodeNotFound, "mem.Finish", "no row %s", n.Ref())
	}
	switch n.Status {
	case order.NotificationSent, order.NotificationSkipped, order.NotificationFailed, order.NotificationUnknown:
	case order.NotificationPending:
		if !n.NotBefore.After(cur.UpdatedAt) {
			return order.Errorf(order.CodeInvalid, "mem.Finish", "pending again without a later NotBefore")
		}
	default:
		return order.Errorf(order.CodeInvalid, "mem.Finish", "cannot finish as %q", n.Status)
	}
	held := n.Owner != "" && cur.Owner == n.Owner &&
		(cur.Status == order.NotificationSending || cur.Status == order.NotificationUnknown)
	if !held {
		return order.Errorf(order.CodeConflict, "mem.Finish", "row %s is %s held by %q", n.Ref(), cur.Status, cur.Owner)
	}
	before := cur
	cur.Status, cur.Reason, cur.NotBefore, cur.UpdatedAt = n.Status, n.Reason, n.NotBefore, n.UpdatedAt
	cur.Deliveries = slices.Clone(n.Deliveries)
	cur.LeaseUntil = time.Time{}
	s.rows[n.Ref()] = cur
	s.alertUnknown(before, cur)
	return nil
}

func (s *memStore) ExpireNotification(_ context.Context, ref order.NotificationRef, now time.Time, reason string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	cur, ok := s.rows[ref]
	if !ok {
		return order.Errorf(order.CodeNotFound, "mem.Expire", "no row %s", ref)
	}
	if cur.Status != order.NotificationSending || cur.LeaseUntil.After(now) {
		return order.Errorf(order.CodeConflict, "mem.Expire", "row %s is %s", ref, cur.Status)
	}
	before := cur
	cur.Status, cur.Reason, cur.UpdatedAt = order.NotificationUnknown, reason, now
	s.rows[ref] = cur
	s.alertUnknown(before, cur)
	return nil
}

// alertUnknown writes the message_unknown alert of a row that became unknown, as the real
// stores do (store.UnknownAlert), if it is not there yet. s.mu is held.
func (s *memStore) alertUnknown(cur, next order.Notification) {
	if a, ok := store.UnknownAlert(cur, next, next.UpdatedAt); ok {
		if _, exists := s.rows[a.Ref()]; !exists {
			s.rows[a.Ref()] = a
		}
	}
}

func (s *memStore) DueNotifications(_ context.Context, now time.Time, limit int) ([]order.Notification, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	var due []order.Notification
	for _, n := range s.rows {
		if at := n.DueAt(); !at.IsZero() && !at.After(now) {
			due = append(due, cloneRow(n))
		}
	}
	sort.Slice(due, func(i, j int) bool {
		if a, b := due[i].DueAt(), due[j].DueAt(); !a.Equal(b) {
			return a.Before(b)
		}
		return due[i].Ref().String() < due[j].Ref().String()
	})
	if len(due) > limit {
		due = due[:limit]
	}
	return due, nil
}

// sender records every message a provider accepted, by message id, and answers each call
// from a script (one error per call; nil sends) or, past the script, from fail.
type sender struct {
	mu       sync.Mutex
	calls    int
	accepted map[string]int // message id → times accepted
	script   []error
	fail     func(id string) (accepted bool, err error)
	optedOut bool // SMS: every number opted out
	checkErr error
	emails   []notify.Email
	texts    []notify.SMS
	// during runs inside a send, before its outcome is returned (a slow provider).
	during func()
}

func newSender() *sender { return &sender{accepted: map[string]int{}} }

func (s *sender) send(id string) (notify.Sent, error) {
	s.mu.Lock()
	s.calls++
	var err error
	accepted := true
	switch {
	case len(s.script) > 0:
		err, s.script = s.script[0], s.script[1:]
		accepted = err == nil || notify.IsUncertain(err)
	case s.fail != nil:
		accepted, err = s.fail(id)
	}
	if accepted {
		s.accepted[id]++
	}
	during := s.during
	s.mu.Unlock()
	if during != nil {
		during()
	}
	if err != nil {
		return notify.Sent{}, err
	}
	return notify.Sent{MessageID: "msg-" + id}, nil
}

func (s *sender) SendEmail(_ context.Context, m notify.Email) (notify.Sent, error) {
	s.mu.Lock()
	s.emails = append(s.emails, m)
	s.mu.Unlock()
	return s.send(m.ID)
}

func (s *sender) SendSMS(_ context.Context, m notify.SMS) (notify.Sent, error) {
	s.mu.Lock()
	s.texts = append(s.texts, m)
	s.mu.Unlock()
	return s.send(m.ID)
}

func (s *sender) OptedOut(context.Context, string) (bool, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.optedOut, s.checkErr
}

// Suppressed makes a sender its own suppression list, with the same switch.
func (s *sender) Suppressed(ctx context.Context, address string) (bool, error) {
	return s.OptedOut(ctx, address)
}

func (s *sender) total() (calls, accepted int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, n := range s.accepted {
		accepted += n
	}
	return s.calls, accepted
}

// renderer is a fake templates.Render that counts its calls and keeps the last data.
type renderer struct {
	mu    sync.Mutex
	calls int
	last  templates.Data
	err   error
}

func (r *renderer) Render(d templates.Data) (templates.Message, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.calls++
	r.last = d
	if r.err != nil {
		return templates.Message{}, r.err
	}
	return templates.Message{Locale: d.Locale, Subject: fmt.Sprintf("%s %s", d.Kind, d.OrderID),
		Text: "text " + d.OrderID, HTML: "<p>" + d.OrderID + "</p>", SMS: "sms " + d.OrderID}, nil
}

// clock is a fake clock safe for concurrent use.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *clock) Set(t time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = t
}

func (c *clock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}
