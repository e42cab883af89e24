package loadgen

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/netip"
	"strconv"
	"syscall"
	"time"
)

// loopbackDialer connects to loopback addresses only, checked on the address actually
// dialled (after name resolution).
var loopbackDialer = &net.Dialer{Timeout: 5 * time.Second, Control: func(_, address string, _ syscall.RawConn) error {
	ap, err := netip.ParseAddrPort(address)
	if err != nil || !ap.Addr().Unmap().IsLoopback() {
		return fmt.Errorf("loadgen: refusing to connect to %s: not a loopback address", address)
	}
	return nil
}}

// conn is one load client: a keep-alive HTTP/1.1 connection on which it writes each
// delivery's request itself and reads the answer with net/http's parser. It spends a
// fraction of the CPU of an http.Client round trip (no per-request goroutine handoffs),
// which matters when the clients share the server's cores.
type conn struct {
	host string // host:port, the Host header and the dial address
	c    net.Conn
	r    *bufio.Reader
	buf  []byte
}

// do sends d and reads the whole answer, returning its status; on any error the
// connection is closed (the next do dials again) and the status is 0.
func (c *conn) do(ctx context.Context, d Delivery) (int, error) {
	if c.c == nil {
		nc, err := loopbackDialer.DialContext(ctx, "tcp", c.host)
		if err != nil {
			return 0, err
		}
		c.c, c.r = nc, bufio.NewReaderSize(nc, 16<<10)
	}
	b := append(c.buf[:0], "POST "...)
	b = append(b, d.Path...)
	b = append(b, " HTTP/1.1\r\nHost: "...)
	b = append(b, c.host...)
	b = append(b, "\r\nUser-Agent: orderwire-loadgen\r\nContent-Length: "...)
	b = strconv.AppendInt(b, int64(len(d.Body)), 10)
	b = append(b, "\r\n"...)
	for name, values := range d.Header {
		for _, v := range values {
			b = append(append(append(append(b, name...), ": "...), v...), "\r\n"...)
		}
	}
	b = append(append(b, "\r\n"...), d.Body...)
	c.buf = b
	_ = c.c.SetDeadline(time.Now().Add(30 * time.Second))
	if _, err := c.c.Write(b); err != nil {
		c.close()
		return 0, err
	}
	resp, err := http.ReadResponse(c.r, nil)
	if err != nil {
		c.close()
		return 0, err
	}
	_, err = io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	if err != nil || resp.Close {
		c.close()
	}
	return resp.StatusCode, err
}

func (c *conn) close() {
	if c.c != nil {
		_ = c.c.Close()
		c.c, c.r = nil, nil
	}
}
