package smtpmail

import (
	"bufio"
	"net"
	"strings"
	"sync"
	"testing"
	"time"
)

// fakeSMTP is a minimal SMTP server on loopback for the error-path tests: it speaks enough
// of RFC 5321 for go-mail (EHLO with ENHANCEDSTATUSCODES, MAIL, RCPT, DATA, RSET, NOOP,
// QUIT) and answers a chosen command with a chosen reply, which maildev cannot be told to
// do. It records each message it accepts.
type fakeSMTP struct {
	addr     string
	greeting string            // the 220 line, or a 4xx/5xx refusal
	replies  map[string]string // verb ("MAIL", "RCPT", "DATA", "END" for after the data) → reply
	hangUpAt string            // verb at which the server drops the connection without a reply

	mu       sync.Mutex
	messages []string
}

// startFakeSMTP starts a server configured by setup (nil for the defaults: accept all).
func startFakeSMTP(t *testing.T, setup func(f *fakeSMTP)) *fakeSMTP {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	f := &fakeSMTP{addr: l.Addr().String(), greeting: "220 fake ESMTP ready", replies: map[string]string{}}
	if setup != nil {
		setup(f)
	}
	var wg sync.WaitGroup
	t.Cleanup(func() {
		if err := l.Close(); err != nil {
			t.Error(err)
		}
		wg.Wait()
	})
	wg.Add(1)
	go func() {
		defer wg.Done()
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			wg.Add(1)
			go func() { defer wg.Done(); f.serve(c) }()
		}
	}()
	return f
}

// url is the Sender URL for this server (no TLS: it offers none).
func (f *fakeSMTP) url() string { return "smtp://" + f.addr + "?starttls=none" }

func (f *fakeSMTP) received() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]string(nil), f.messages...)
}

func (f *fakeSMTP) serve(c net.Conn) {
	defer func() { _ = c.Close() }() // the session is over; the client has what it gets
	_ = c.SetDeadline(time.Now().Add(10 * time.Second))
	r := bufio.NewReader(c)
	reply := func(s string) { _, _ = c.Write([]byte(s + "\r\n")) }
	reply(f.greeting)
	if !strings.HasPrefix(f.greeting, "220") {
		return
	}
	for {
		line, err := r.ReadString('\n')
		if err != nil {
			return
		}
		verb := strings.ToUpper(strings.Fields(line + " x")[0])
		if verb == f.hangUpAt {
			return
		}
		if custom, ok := f.replies[verb]; ok {
			reply(custom)
			if verb == "DATA" && strings.HasPrefix(custom, "354") && !f.readData(r, reply) {
				return
			}
			continue
		}
		switch verb {
		case "EHLO":
			reply("250-fake.example\r\n250-8BITMIME\r\n250 ENHANCEDSTATUSCODES")
		case "HELO":
			reply("250 fake.example")
		case "MAIL", "RCPT", "RSET", "NOOP":
			reply("250 2.0.0 OK")
		case "DATA":
			reply("354 End data with <CR><LF>.<CR><LF>")
			if !f.readData(r, reply) {
				return
			}
		case "QUIT":
			reply("221 2.0.0 Bye")
			return
		default:
			reply("502 5.5.2 Command not recognised")
		}
	}
}

// readData reads a message up to the lone dot and answers it; false means hang up.
func (f *fakeSMTP) readData(r *bufio.Reader, reply func(string)) bool {
	var b strings.Builder
	for {
		line, err := r.ReadString('\n')
		if err != nil {
			return false
		}
		if line == ".\r\n" {
			break
		}
		b.WriteString(strings.TrimPrefix(line, "."))
	}
	if f.hangUpAt == "END" {
		return false // the connection closes before the reply
	}
	if custom, ok := f.replies["END"]; ok {
		reply(custom)
		return true
	}
	f.mu.Lock()
	f.messages = append(f.messages, b.String())
	f.mu.Unlock()
	reply("250 2.0.0 Ok: queued as FAKE1")
	return true
}
