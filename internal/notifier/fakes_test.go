package notifier_test

// The notifier's collaborators other than the store: recording senders, a counting
// renderer and a fake clock. The store is always a real one (internal/memstore, or the
// embedded and DynamoDB adapters in the concurrency tests), seeded through its own writes
// (seed, in world_test.go).

import (
	"context"
	"fmt"
	"sync"
	"time"

	"github.com/orderwire/orderwire/internal/message"
	"github.com/orderwire/orderwire/internal/message/templates"
)

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
	emails   []message.Email
	texts    []message.SMS
	// during runs inside a send, before its outcome is returned (a slow provider).
	during func()
}

func newSender() *sender { return &sender{accepted: map[string]int{}} }

func (s *sender) send(id string) (message.Sent, error) {
	s.mu.Lock()
	s.calls++
	var err error
	accepted := true
	switch {
	case len(s.script) > 0:
		err, s.script = s.script[0], s.script[1:]
		accepted = err == nil || message.IsUncertain(err)
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
		return message.Sent{}, err
	}
	return message.Sent{MessageID: "msg-" + id}, nil
}

func (s *sender) SendEmail(_ context.Context, m message.Email) (message.Sent, error) {
	s.mu.Lock()
	s.emails = append(s.emails, m)
	s.mu.Unlock()
	return s.send(m.ID)
}

func (s *sender) SendSMS(_ context.Context, m message.SMS) (message.Sent, error) {
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
