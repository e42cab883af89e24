// Package localsink is the sender `orderwire serve` uses when neither AWS nor SMTP is
// configured: every email and SMS is "delivered" to a local JSON Lines file, so a new user
// sees exactly what buyers would receive, and nothing leaves the machine.
//
// The file holds buyer addresses and phone numbers (that is its point), so it is created
// with mode 0600. Errors never contain them.
package localsink

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"strconv"
	"sync"
	"time"

	"github.com/orderwire/orderwire/internal/message"
)

// Entry is one delivered message, one line of the file. The JSON field names are a
// contract: tools and the UI read the file.
type Entry struct {
	ID      string          `json:"id"` // "local-<n>", n the entry's 1-based line number
	OrderID string          `json:"order_id"`
	Kind    string          `json:"kind"`
	Channel message.Channel `json:"channel"` // "email" or "sms"
	To      string          `json:"to"`
	Subject string          `json:"subject"` // empty for SMS
	Text    string          `json:"text"`
	HTML    string          `json:"html"` // empty for SMS
	Locale  string          `json:"locale"`
	Status  string          `json:"status"` // always "sent"
	SentAt  time.Time       `json:"sent_at"`
	// Alert is the seller alert of an entry of the alerts file (channel "local"); To is
	// then empty: alerts name no buyer.
	Alert *message.Alert `json:"alert,omitempty"`
	// Erased is true once the buyer was erased (Erase): To, Subject, Text and HTML are then
	// empty.
	Erased bool `json:"erased,omitempty"`
}

// StatusSent is the status of every entry: the sink never fails a message on purpose.
const StatusSent = "sent"

// Sink appends delivered messages to a JSON Lines file. It is safe for concurrent use; one
// process should own a file at a time (Open repairs a torn last line, and ids count lines).
type Sink struct {
	// Now gives the time recorded as sent_at (converted to UTC); time.Now by default.
	// Set it before the first send.
	Now func() time.Time

	path string

	mu   sync.Mutex
	f    *os.File // opened O_APPEND
	size int64    // bytes of complete lines in the file
	n    int      // entries in the file
}

// Open opens the sink file at path, creating it (mode 0600) if missing; an existing file
// readable by group or others is made private. A torn last line,
// left by a crash in the middle of an append, is cut off: its send was never reported as
// done, so the notifier will send it again. Existing complete lines are kept and counted, so
// ids continue where the file left off (after the last line's id, for a file Compact made
// shorter).
func Open(path string) (*Sink, error) {
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE|os.O_APPEND, 0o600)
	if err != nil {
		return nil, fmt.Errorf("localsink: open: %w", err)
	}
	size, n, last, err := scanComplete(f)
	if id := idNumber(last); id > n { // a compacted file: ids continue after the last one
		n = id
	}
	if err == nil {
		err = truncateTo(f, size)
	}
	if err == nil {
		err = private(f)
	}
	if err != nil {
		_ = f.Close() // err is the one to report
		return nil, fmt.Errorf("localsink: open %s: %w", path, err)
	}
	return &Sink{Now: time.Now, path: path, f: f, size: size, n: n}, nil
}

// scanComplete returns the length of the file up to and including its last newline, the
// number of lines in that part, and the last of them (without its newline).
func scanComplete(f *os.File) (size int64, lines int, last []byte, err error) {
	if _, err := f.Seek(0, io.SeekStart); err != nil {
		return 0, 0, nil, err
	}
	r := bufio.NewReader(f)
	var off int64
	var cur []byte
	for {
		chunk, err := r.ReadSlice('\n')
		off += int64(len(chunk))
		cur = append(cur, chunk...)
		if err == nil {
			size, lines = off, lines+1
			last, cur = append(last[:0], cur[:len(cur)-1]...), cur[:0]
			continue
		}
		if errors.Is(err, bufio.ErrBufferFull) {
			continue
		}
		if errors.Is(err, io.EOF) {
			return size, lines, last, nil
		}
		return 0, 0, nil, err
	}
}

// private makes f readable by its owner only, if it was not already (an older file, or one
// created under a permissive umask by something else).
func private(f *os.File) error {
	st, err := f.Stat()
	if err != nil {
		return err
	}
	if st.Mode().Perm()&0o077 == 0 {
		return nil
	}
	return f.Chmod(st.Mode().Perm() &^ 0o077)
}

// truncateTo cuts f to size if it is longer (a torn last line) and makes that durable.
func truncateTo(f *os.File, size int64) error {
	st, err := f.Stat()
	if err != nil {
		return err
	}
	if st.Size() == size {
		return nil
	}
	if err := f.Truncate(size); err != nil {
		return err
	}
	return f.Sync()
}

// Close closes the file. Sends after Close fail.
func (s *Sink) Close() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.f == nil {
		return nil
	}
	err := s.f.Close()
	s.f = nil
	return err
}

// SendEmail appends m as an email entry and returns its id once the line is on disk
// (fsync). A failure to write is temporary.
func (s *Sink) SendEmail(ctx context.Context, m message.Email) (message.Sent, error) {
	return s.append(ctx, "localsink.SendEmail", Entry{
		OrderID: m.OrderID, Kind: m.Kind, Channel: message.ChannelEmail, To: m.To,
		Subject: m.Subject, Text: m.Text, HTML: m.HTML, Locale: m.Locale,
	})
}

// SendSMS appends m as an SMS entry (subject and html empty) and returns its id once the
// line is on disk (fsync). A failure to write is temporary.
func (s *Sink) SendSMS(ctx context.Context, m message.SMS) (message.Sent, error) {
	return s.append(ctx, "localsink.SendSMS", Entry{
		OrderID: m.OrderID, Kind: m.Kind, Channel: message.ChannelSMS, To: m.To,
		Text: m.Text, Locale: m.Locale,
	})
}

// Channel is message.ChannelLocalAlerts: a Sink opened on the alerts file is a seller
// AlertSink (notifier.AlertSink).
func (s *Sink) Channel() message.Channel { return message.ChannelLocalAlerts }

// SendAlert appends a as an alert entry (subject and text from the alert, no recipient) and
// returns its id once the line is on disk (fsync). A failure to write is temporary.
func (s *Sink) SendAlert(ctx context.Context, a message.Alert) (message.Sent, error) {
	return s.append(ctx, "localsink.SendAlert", Entry{
		OrderID: a.OrderID, Kind: a.Kind, Channel: message.ChannelLocalAlerts,
		Subject: a.Subject(), Text: a.Text(), Locale: "en", Alert: &a,
	})
}

// OptedOut is always false: nobody can opt out of a local file.
func (s *Sink) OptedOut(context.Context, string) (bool, error) { return false, nil }

// append writes e as the next line: id and sent_at are filled in, the line goes out in one
// write and is fsynced before the id is returned. If the write or fsync fails, the file is
// cut back to its previous length so that no torn line stays in front of later entries.
func (s *Sink) append(ctx context.Context, op string, e Entry) (message.Sent, error) {
	if err := ctx.Err(); err != nil {
		return message.Sent{}, message.Temporary(op, "canceled", err)
	}
	now := time.Now
	if s.Now != nil {
		now = s.Now
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.f == nil {
		return message.Sent{}, message.Temporary(op, "sink closed", os.ErrClosed)
	}
	e.ID = "local-" + strconv.Itoa(s.n+1)
	e.Status = StatusSent
	e.SentAt = now().UTC()
	line, err := json.Marshal(e)
	if err != nil {
		return message.Sent{}, message.Permanent(op, "entry does not encode", nil)
	}
	line = append(line, '\n')
	if _, err := s.f.Write(line); err != nil {
		s.rollback()
		return message.Sent{}, message.Temporary(op, "write failed", err)
	}
	if err := s.f.Sync(); err != nil {
		s.rollback()
		return message.Sent{}, message.Temporary(op, "fsync failed", err)
	}
	s.size += int64(len(line))
	s.n++
	return message.Sent{MessageID: e.ID}, nil
}

// rollback cuts a failed append off the file (best effort; Open repairs what is left).
func (s *Sink) rollback() {
	_ = s.f.Truncate(s.size)
}

// List returns every entry in the file, oldest first. It reads the file afresh, so it also
// sees entries written by another Sink on the same path. A last line that is not complete
// (no newline, or not valid JSON: a crash mid-write) is ignored; a malformed line elsewhere
// is an error, naming its line number only.
func (s *Sink) List() ([]Entry, error) {
	data, err := os.ReadFile(s.path)
	if err != nil {
		return nil, fmt.Errorf("localsink: list: %w", err)
	}
	var entries []Entry
	for i := 1; len(data) > 0; i++ {
		line, rest, complete := bytes.Cut(data, []byte{'\n'})
		data = rest
		if !complete {
			break // a torn last line
		}
		var e Entry
		if err := json.Unmarshal(line, &e); err != nil {
			if len(data) == 0 {
				break // the last line, damaged: treat like a torn one
			}
			return entries, fmt.Errorf("localsink: list %s: line %d is not a valid entry", s.path, i)
		}
		entries = append(entries, e)
	}
	return entries, nil
}
