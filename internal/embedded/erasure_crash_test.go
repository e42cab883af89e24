package embedded_test

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/orderwire/orderwire/internal/embedded"
	"github.com/orderwire/orderwire/internal/order"
	"github.com/orderwire/orderwire/internal/store"
	"github.com/orderwire/orderwire/internal/store/storetest"
)

const eraseDirEnv = "ORDERWIRE_CRASH_ERASER_DIR"

const (
	crashOrders = 5000
	crashBuyer  = "buyer-5000"
	crashEmail  = "five.thousand.orders@example.net"
)

var crashStart = time.Date(2025, 1, 10, 9, 0, 0, 0, time.UTC)

// TestErasureSurvivesKill erases a buyer with 5,000 orders (each with evidence naming the
// buyer) in a child process (this test binary, re-executed), kills it with SIGKILL once
// part of the orders are done, then reopens the file and erases again: everything is
// erased, and the buyer's email is nowhere in the database file's bytes.
func TestErasureSurvivesKill(t *testing.T) {
	if dir := os.Getenv(eraseDirEnv); dir != "" {
		runEraser(dir)
		return
	}
	if testing.Short() {
		t.Skip("5,000 orders")
	}
	dir := t.TempDir()
	fillBuyer(t, dir)

	cmd := exec.Command(os.Args[0], "-test.run=^TestErasureSurvivesKill$")
	cmd.Env = append(os.Environ(), eraseDirEnv+"="+dir)
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	lines := bufio.NewScanner(out)
	left := crashOrders
	for left > crashOrders/2 && lines.Scan() {
		if n, ok := strings.CutPrefix(lines.Text(), "left "); ok {
			left, _ = strconv.Atoi(n)
		}
	}
	if err := cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	_ = cmd.Wait()

	s := mustOpenDir(t, dir)
	ctx := context.Background()
	ids, err := s.BuyerOrders(ctx, crashBuyer, "", crashOrders)
	if err != nil {
		t.Fatal(err)
	}
	if len(ids) == 0 || len(ids) == crashOrders {
		t.Fatalf("the kill did not land in the middle: %d of %d orders left", len(ids), crashOrders)
	}
	_, err = s.GetBuyer(ctx, crashBuyer)
	if order.ErrorCode(err) != order.CodeNotFound {
		t.Fatalf("GetBuyer during an interrupted erasure = %v, want not found", err)
	}
	res, err := s.EraseBuyer(ctx, crashBuyer, crashStart.Add(400*24*time.Hour), store.DefaultDisputeWindow, 100)
	if err != nil {
		t.Fatal(err)
	}
	if res.OrdersTouched != len(ids) || res.EvidenceDeleted != len(ids) || len(res.EvidenceHeld) != 0 {
		t.Fatalf("second erasure = %+v, want the %d orders left", res, len(ids))
	}
	if left, _ := s.BuyerOrders(ctx, crashBuyer, "", 1); len(left) != 0 {
		t.Fatalf("orders still indexed after the second erasure: %v", left)
	}
	raw, err := os.ReadFile(filepath.Join(dir, embedded.FileName))
	if err != nil {
		t.Fatal(err)
	}
	if n := storetest.CountLeaks(raw, crashEmail); n != 0 {
		t.Fatalf("the database file still holds the email %d times", n)
	}
	t.Logf("killed with %d of %d orders left; the second erasure finished them", len(ids), crashOrders)
}

// fillBuyer stores the buyer's 5,000 paid orders, each payment's evidence naming the
// buyer, from 8 goroutines (bbolt groups their commits).
func fillBuyer(t testing.TB, dir string) {
	s, err := embedded.Open(dir, embedded.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer func() {
		if err := s.Close(); err != nil {
			t.Error(err)
		}
	}()
	b := storetest.Buyer(crashBuyer)
	b.Email = crashEmail
	var wg sync.WaitGroup
	errs := make(chan error, 8)
	for w := 0; w < 8; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := w; i < crashOrders; i += 8 {
				id := fmt.Sprintf("o-%05d", i)
				o, err := order.New(id, order.Terms{Buyer: b, AmountMinor: 100, Currency: "EUR",
					PaymentDueAt: crashStart.Add(time.Hour), CreatedAt: crashStart}, crashStart)
				if err == nil {
					err = s.SaveOrder(context.Background(), o, b)
				}
				if err == nil {
					ev := order.Event{Source: "stripe", EventID: "evt_" + id, Type: "payment_intent.succeeded",
						Kind: order.KindPaymentSucceeded, OrderID: id, OccurredAt: crashStart.Add(time.Minute),
						ReceivedAt: crashStart.Add(2 * time.Minute), AmountMinor: 100, Currency: "EUR"}
					_, err = s.RecordEvent(context.Background(), ev, order.Evidence{Body: []byte(`{"receipt_email":"` + crashEmail + `"}`)})
				}
				if err != nil {
					errs <- err
					return
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
}

// runEraser erases the buyer 10 orders per step, printing "left <n>" as the index shrinks.
// The parent kills it part-way.
func runEraser(dir string) {
	s, err := embedded.Open(dir, embedded.Options{})
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
	go func() {
		for {
			ids, err := s.BuyerOrders(context.Background(), crashBuyer, "", crashOrders)
			if err == nil {
				fmt.Fprintf(os.Stdout, "left %d\n", len(ids))
			}
			time.Sleep(2 * time.Millisecond)
		}
	}()
	_, err = s.EraseBuyer(context.Background(), crashBuyer, crashStart.Add(400*24*time.Hour), store.DefaultDisputeWindow, 10)
	fmt.Fprintln(os.Stderr, "eraser finished before it was killed:", err)
	os.Exit(4)
}

// BenchmarkEraseBuyer5000 erases a buyer with 5,000 paid orders (one evidence each, past
// the dispute window), 100 orders per transaction, then scrubs the free pages.
func BenchmarkEraseBuyer5000(b *testing.B) {
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		dir := b.TempDir()
		fillBuyer(b, dir)
		s := mustOpenDir(b, dir)
		b.StartTimer()
		res, err := s.EraseBuyer(context.Background(), crashBuyer, crashStart.Add(400*24*time.Hour), store.DefaultDisputeWindow, 100)
		if err != nil || res.OrdersTouched != crashOrders {
			b.Fatalf("erasure = %+v, %v", res, err)
		}
	}
}
