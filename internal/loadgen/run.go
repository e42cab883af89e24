package loadgen

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// The hard limits of one run, whatever a caller asks for.
const (
	MaxClients    = 512
	MaxDeliveries = 1_000_000
	MaxDuration   = 4 * time.Minute // inside the providers' 5-minute signature tolerance
)

// Bounds are one run's limits: it stops after Deliveries sends or after Duration, whichever
// comes first (requests in flight at the deadline are waited for, each at most 30 s).
type Bounds struct {
	Clients    int // concurrent keep-alive connections, each sending one delivery at a time
	Deliveries int
	Duration   time.Duration
}

// Validate refuses bounds that are missing or over the hard limits.
func (b Bounds) Validate() error {
	switch {
	case b.Clients < 1 || b.Clients > MaxClients:
		return fmt.Errorf("loadgen: clients %d: want 1..%d", b.Clients, MaxClients)
	case b.Deliveries < 1 || b.Deliveries > MaxDeliveries:
		return fmt.Errorf("loadgen: deliveries %d: want 1..%d", b.Deliveries, MaxDeliveries)
	case b.Duration <= 0 || b.Duration > MaxDuration:
		return fmt.Errorf("loadgen: duration %v: want more than 0 and at most %v", b.Duration, MaxDuration)
	}
	return nil
}

// Result is what one run's sends got. Latency is one delivery's request to its whole
// answer, as the client sees it.
type Result struct {
	Clients  int
	Sent     int           // deliveries sent (answered or not)
	Non2xx   int           // answered with a status outside 2xx
	NoAnswer int           // transport errors: no status at all
	ByStatus map[int]int   // every status answered, with its count
	Elapsed  time.Duration // first send to last answer
	P50, P99 time.Duration // over the answered sends
}

// PerSecond is the answered deliveries per second of elapsed time.
func (r Result) PerSecond() float64 {
	if r.Elapsed <= 0 {
		return 0
	}
	return float64(r.Sent-r.NoAnswer) / r.Elapsed.Seconds()
}

// String is the result on one line.
func (r Result) String() string {
	return fmt.Sprintf("clients %d: %d deliveries in %v: %.0f deliveries/s, p50 %v, p99 %v, %d not 2xx, %d unanswered",
		r.Clients, r.Sent, r.Elapsed.Round(time.Millisecond), r.PerSecond(), r.P50.Round(10*time.Microsecond),
		r.P99.Round(10*time.Microsecond), r.Non2xx, r.NoAnswer)
}

// Run sends deliveries, in order, to the server at base from b.Clients concurrent clients
// until b.Deliveries are sent, every delivery is, b.Duration has passed or ctx ends. base
// must pass Check; connections are made to loopback addresses only.
func Run(ctx context.Context, base string, deliveries []Delivery, b Bounds) (Result, error) {
	if err := b.Validate(); err != nil {
		return Result{}, err
	}
	base, err := Check(ctx, base)
	if err != nil {
		return Result{}, err
	}
	host := strings.TrimPrefix(base, "http://")
	n := min(len(deliveries), b.Deliveries)
	status := make([]int, n)
	latency := make([]time.Duration, n)
	var next atomic.Int64
	var wg sync.WaitGroup
	began := time.Now()
	deadline := began.Add(b.Duration)
	for range b.Clients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			c := &conn{host: host}
			defer c.close()
			for ctx.Err() == nil && time.Now().Before(deadline) {
				i := int(next.Add(1) - 1)
				if i >= n {
					return
				}
				began := time.Now()
				status[i], _ = c.do(ctx, deliveries[i])
				latency[i] = time.Since(began)
			}
		}()
	}
	wg.Wait()
	r := Result{Clients: b.Clients, Elapsed: time.Since(began), ByStatus: map[int]int{}}
	r.Sent = min(int(next.Load()), n)
	var answered []time.Duration
	for i := range r.Sent {
		switch code := status[i]; code {
		case 0:
			r.NoAnswer++
		default:
			r.ByStatus[code]++
			if code < 200 || code > 299 {
				r.Non2xx++
			}
			answered = append(answered, latency[i])
		}
	}
	if len(answered) > 0 {
		slices.Sort(answered)
		r.P50, r.P99 = answered[len(answered)*50/100], answered[min(len(answered)-1, len(answered)*99/100)]
	}
	return r, nil
}

// Register creates the plan's orders through the seller API (PUT /v1/orders/{id} with the
// bearer token) from clients concurrent clients; an order that exists already is an error.
func Register(ctx context.Context, base, token string, orders []Order, clients int) error {
	base, err := Check(ctx, base)
	if err != nil {
		return err
	}
	client := loopbackClient(clients)
	defer client.CloseIdleConnections()
	var next atomic.Int64
	var failed atomic.Bool
	errs := make([]error, len(orders))
	var wg sync.WaitGroup
	for range clients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := int(next.Add(1) - 1); i < len(orders) && !failed.Load(); i = int(next.Add(1) - 1) {
				if errs[i] = register(ctx, client, base, token, orders[i]); errs[i] != nil {
					failed.Store(true)
				}
			}
		}()
	}
	wg.Wait()
	return errors.Join(errs...)
}

func register(ctx context.Context, client *http.Client, base, token string, o Order) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodPut, base+"/v1/orders/"+o.ID, strings.NewReader(o.Body))
	if err != nil {
		return fmt.Errorf("loadgen: %w", err)
	}
	req.Header.Set("Authorization", "Bearer "+token)
	req.Header.Set("Content-Type", "application/json")
	resp, err := client.Do(req)
	if err != nil {
		return fmt.Errorf("loadgen: PUT /v1/orders/%s: %w", o.ID, err)
	}
	msg, _ := io.ReadAll(io.LimitReader(resp.Body, 64<<10)) // read whole, the connection is reused
	resp.Body.Close()
	if resp.StatusCode != http.StatusCreated {
		return fmt.Errorf("loadgen: PUT /v1/orders/%s: %d %.512s", o.ID, resp.StatusCode, msg)
	}
	return nil
}
