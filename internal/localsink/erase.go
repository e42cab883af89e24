package localsink

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
)

// Erase blanks the recipient and the rendered contents (to, subject, text, html) of every
// entry of the file whose order id is in orderIDs, marking it "erased": true, and returns how
// many entries it blanked now. The other fields (id, order id, kind, channel, locale,
// status, sent_at) stay, and so does every line's place, so that ids keep naming the same
// entries. The file is rewritten whole, in a temporary file that replaces it (rename) once
// synced: a crash leaves either the old file or the new one, and erasing again finishes.
func (s *Sink) Erase(orderIDs map[string]bool) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.f == nil {
		return 0, fmt.Errorf("localsink: erase: %w", os.ErrClosed)
	}
	data, err := os.ReadFile(s.path)
	if err != nil {
		return 0, fmt.Errorf("localsink: erase: %w", err)
	}
	data = data[:s.size]
	var out bytes.Buffer
	erased := 0
	for i := 1; len(data) > 0; i++ {
		line, rest, _ := bytes.Cut(data, []byte{'\n'})
		data = rest
		var e Entry
		if err := json.Unmarshal(line, &e); err != nil {
			return 0, fmt.Errorf("localsink: erase %s: line %d is not a valid entry", s.path, i)
		}
		if orderIDs[e.OrderID] && !e.Erased {
			e.To, e.Subject, e.Text, e.HTML, e.Erased = "", "", "", "", true
			if line, err = json.Marshal(e); err != nil {
				return 0, fmt.Errorf("localsink: erase: %w", err)
			}
			erased++
		}
		out.Write(line)
		out.WriteByte('\n')
	}
	if erased == 0 {
		return 0, nil
	}
	if err := s.replace(out.Bytes()); err != nil {
		return 0, fmt.Errorf("localsink: erase %s: %w", s.path, err)
	}
	return erased, nil
}
