package embedded_test

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/orderwire/orderwire/internal/embedded"
	"github.com/orderwire/orderwire/internal/order"
	"github.com/orderwire/orderwire/internal/store/storetest"
)

const crashDirEnv = "ORDERWIRE_CRASH_WRITER_DIR"

// TestCrashLosesNoAcknowledgedWrite starts a writer process (this test binary, re-executed),
// lets it acknowledge writes from several goroutines, kills it with SIGKILL mid-stream (no
// Close, no deferred code), reopens the file and checks that every acknowledged order is
// there. SIGKILL models a process crash; bbolt's fsync on commit is what covers power loss.
func TestCrashLosesNoAcknowledgedWrite(t *testing.T) {
	if dir := os.Getenv(crashDirEnv); dir != "" {
		runCrashWriter(dir)
		return
	}
	dir := t.TempDir()
	cmd := exec.Command(os.Args[0], "-test.run=^TestCrashLosesNoAcknowledgedWrite$")
	cmd.Env = append(os.Environ(), crashDirEnv+"="+dir)
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	const killAfter = 400
	var acked []string
	lines := bufio.NewScanner(out)
	for lines.Scan() && len(acked) < killAfter {
		if id, ok := strings.CutPrefix(lines.Text(), "ack "); ok {
			acked = append(acked, id)
		}
	}
	if err := cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	_ = cmd.Wait()
	if len(acked) < killAfter {
		t.Fatalf("writer acknowledged only %d writes before it stopped", len(acked))
	}

	s := mustOpenDir(t, dir)
	for _, id := range acked {
		if _, err := s.GetOrder(context.Background(), id); err != nil {
			t.Fatalf("acknowledged order %s lost after crash: %v", id, err)
		}
	}
	t.Logf("%d acknowledged writes all present after SIGKILL", len(acked))
}

// runCrashWriter writes orders forever from 8 goroutines, printing "ack <id>" after each
// SaveOrder returns. It never returns normally: the parent kills it.
func runCrashWriter(dir string) {
	s, err := embedded.Open(dir, embedded.Options{})
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
	var mu sync.Mutex
	var wg sync.WaitGroup
	for w := 0; w < 8; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; ; i++ {
				b := storetest.Buyer(fmt.Sprintf("b-%d", w))
				o, err := order.New(fmt.Sprintf("o-%d-%d", w, i), order.Terms{Buyer: b, AmountMinor: 100,
					Currency: "EUR", PaymentDueAt: time.Now().Add(time.Hour)}, time.Now())
				if err == nil {
					err = s.SaveOrder(context.Background(), o, b)
				}
				if err != nil {
					fmt.Fprintln(os.Stderr, err)
					os.Exit(3)
				}
				mu.Lock()
				fmt.Fprintf(os.Stdout, "ack %s\n", o.ID)
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
}
