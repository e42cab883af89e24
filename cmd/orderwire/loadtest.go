package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"runtime"
	"runtime/pprof"
	"strconv"
	"strings"
	"time"

	"github.com/orderwire/orderwire/internal/loadgen"
)

// loadtestConfig is `orderwire loadtest`'s flags.
type loadtestConfig struct {
	URL        string // an orderwire serve already running on loopback; empty: start one
	InProcess  bool   // start the server inside this process (for --cpuprofile / --memprofile)
	Clients    []int
	Deliveries int
	Duration   time.Duration
	Orders     int
	CPUProfile string
	MemProfile string
}

func parseLoadtestConfig(args []string, stderr io.Writer) (loadtestConfig, error) {
	var c loadtestConfig
	var clients string
	fs := flag.NewFlagSet("loadtest", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(&c.URL, "url", "", "send to this orderwire serve (loopback only; its ORDERWIRE_API_TOKEN, ORDERWIRE_STRIPE_WEBHOOK_SECRETS and ORDERWIRE_STANDARD_WEBHOOK_SECRETS in this environment); empty: start `orderwire serve` as a child process on a temporary embedded store")
	fs.BoolVar(&c.InProcess, "in-process", false, "run the server inside this process instead of a child process (needed for --cpuprofile and --memprofile)")
	fs.StringVar(&clients, "clients", "16,64", "concurrent clients, a comma list: one run per value")
	fs.IntVar(&c.Deliveries, "deliveries", 20000, fmt.Sprintf("deliveries per run, each a distinct signed event (at most %d)", loadgen.MaxDeliveries))
	fs.DurationVar(&c.Duration, "duration", time.Minute, fmt.Sprintf("a run stops after this long even if deliveries remain (at most %v)", loadgen.MaxDuration))
	fs.IntVar(&c.Orders, "orders", 0, "orders the deliveries are spread over (default deliveries/20)")
	fs.StringVar(&c.CPUProfile, "cpuprofile", "", "with --in-process: write a CPU profile of the runs (server and clients) to this file")
	fs.StringVar(&c.MemProfile, "memprofile", "", "with --in-process: write an allocation profile to this file after the runs")
	if err := fs.Parse(args); err != nil {
		return c, errUsage
	}
	fail := func(format string, a ...any) (loadtestConfig, error) {
		fmt.Fprintf(stderr, "loadtest: "+format+"\n", a...)
		return c, errUsage
	}
	if fs.NArg() > 0 {
		return fail("unexpected argument %q", fs.Arg(0))
	}
	for _, s := range strings.Split(clients, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(s))
		if err != nil {
			return fail("--clients %q: %v", clients, err)
		}
		c.Clients = append(c.Clients, n)
	}
	if c.Orders == 0 {
		c.Orders = max(1, c.Deliveries/20)
	}
	for _, n := range c.Clients {
		if err := (loadgen.Bounds{Clients: n, Deliveries: c.Deliveries, Duration: c.Duration}).Validate(); err != nil {
			return fail("%v", err)
		}
	}
	if len(c.Clients) == 0 {
		return fail("--clients: at least one value")
	}
	if (c.CPUProfile != "" || c.MemProfile != "") && !c.InProcess {
		return fail("--cpuprofile and --memprofile need --in-process")
	}
	if c.InProcess && c.URL != "" {
		return fail("--in-process starts its own server: not with --url")
	}
	return c, nil
}

// runLoadtest measures webhook ingest end to end: for each --clients value, a new set of
// orders is registered, then distinct validly signed Stripe and Standard Webhooks payment
// deliveries are sent over loopback HTTP (each a durable write on the server) until
// --deliveries or --duration. It prints deliveries/s, p50, p99 and the answers other than
// 2xx per run, with the machine's load average; it fails when any answer is not 2xx.
func runLoadtest(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	cfg, err := parseLoadtestConfig(args, stderr)
	if err != nil {
		return err
	}
	tg, err := loadtestTarget(ctx, cfg, getenv, stdout)
	if err != nil {
		return err
	}
	defer tg.stop()
	base, token, keys, serverPID := tg.base, tg.token, tg.keys, tg.serverPID
	if cfg.CPUProfile != "" {
		f, err := os.Create(cfg.CPUProfile)
		if err != nil {
			return err
		}
		defer func() { _ = f.Close() }() // after StopCPUProfile, which has written it all
		if err := pprof.StartCPUProfile(f); err != nil {
			return err
		}
		defer pprof.StopCPUProfile()
	}
	fmt.Fprintf(stdout, "machine: %d CPUs, GOMAXPROCS %d, load average %s\n", runtime.NumCPU(), runtime.GOMAXPROCS(0), loadAverage())
	failed := 0
	for run, clients := range cfg.Clients {
		prefix := fmt.Sprintf("LT%s-%d", time.Now().UTC().Format("150405"), run)
		plan, err := loadgen.NewPlan(keys, prefix, cfg.Orders, cfg.Deliveries, time.Now())
		if err != nil {
			return err
		}
		if err := loadgen.Register(ctx, base, token, plan.Orders, min(clients, 16)); err != nil {
			return err
		}
		serverCPU, selfCPU := processCPU(serverPID), processCPU(os.Getpid())
		r, err := loadgen.Run(ctx, base, plan.Deliveries, loadgen.Bounds{Clients: clients, Deliveries: cfg.Deliveries, Duration: cfg.Duration})
		if err != nil {
			return err
		}
		fmt.Fprintf(stdout, "%v (%d orders %s..%s; load average after %s)\n", r, cfg.Orders, plan.Orders[0].ID, plan.Orders[len(plan.Orders)-1].ID, loadAverage())
		fmt.Fprintln(stdout, "  "+cpuLine(r, processCPU(serverPID)-serverCPU, processCPU(os.Getpid())-selfCPU, serverPID != 0))
		if r.Non2xx+r.NoAnswer > 0 {
			fmt.Fprintf(stdout, "  answers by status (0: none): %v\n", r.ByStatus)
			failed++
		}
	}
	if cfg.MemProfile != "" {
		if err := writeHeapProfile(cfg.MemProfile); err != nil {
			return err
		}
	}
	if failed > 0 {
		return fmt.Errorf("loadtest: %d of %d runs had answers other than 2xx", failed, len(cfg.Clients))
	}
	return nil
}

// target is where a load test sends: --url, or a server it started (stop stops it).
type target struct {
	base, token string
	keys        *loadgen.Keys
	serverPID   int // 0: unknown (--url)
	stop        func()
}

// loadtestTarget checks --url (loopback only) and reads its keys and token from the
// environment, or starts a server of its own.
func loadtestTarget(ctx context.Context, cfg loadtestConfig, getenv func(string) string, stdout io.Writer) (target, error) {
	tg := target{base: cfg.URL, token: getenv("ORDERWIRE_API_TOKEN"), stop: func() {}}
	var err error
	if tg.base != "" {
		if tg.base, err = loadgen.Check(ctx, tg.base); err != nil {
			return tg, err
		}
		if tg.keys, err = loadgen.KeysFromEnv(getenv); err != nil {
			return tg, err
		}
		if tg.token, _, _ = strings.Cut(tg.token, ","); tg.token == "" {
			return tg, errors.New("loadtest: --url needs the server's ORDERWIRE_API_TOKEN in the environment")
		}
		return tg, nil
	}
	srv, err := startLoadtestServer(ctx, cfg.InProcess)
	if err != nil {
		return tg, err
	}
	tg.base, tg.token, tg.keys, tg.stop = srv.base, srv.token, srv.keys, srv.stop
	if !cfg.InProcess {
		tg.serverPID = srv.pid
	}
	fmt.Fprintf(stdout, "server: orderwire serve --dev (%s) on the embedded store in %s, listening on %s\n", srv.how, srv.dir, tg.base)
	return tg, nil
}

// cpuLine is the CPU time per answered delivery, of the server process and of this one
// (the clients, and the server too when it runs in process), and the deliveries/s that
// this CPU cost allows on all of the machine's cores: a figure the other load on a shared
// machine moves much less than the wall-clock rate.
func cpuLine(r loadgen.Result, server, self time.Duration, separate bool) string {
	n := r.Sent - r.NoAnswer
	if n == 0 || self <= 0 {
		return "CPU: not measured"
	}
	per := func(d time.Duration) float64 { return float64(d.Microseconds()) / float64(n) }
	total := per(server) + per(self)
	ceiling := float64(runtime.NumCPU()) * 1e6 / total
	if !separate {
		return fmt.Sprintf("CPU per delivery: %.0f µs (server and clients in this process); all %d cores would allow %.0f deliveries/s", per(self), runtime.NumCPU(), ceiling)
	}
	return fmt.Sprintf("CPU per delivery: server %.0f µs, clients %.0f µs; all %d cores would allow %.0f deliveries/s (server alone: %.0f)",
		per(server), per(self), runtime.NumCPU(), ceiling, float64(runtime.NumCPU())*1e6/per(server))
}

func writeHeapProfile(path string) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	return errors.Join(pprof.Lookup("allocs").WriteTo(f, 0), f.Close())
}

// loadAverage is /proc/loadavg's 1-, 5- and 15-minute figures, or "unknown".
func loadAverage() string {
	raw, err := os.ReadFile("/proc/loadavg")
	if f := strings.Fields(string(raw)); err == nil && len(f) >= 3 {
		return strings.Join(f[:3], " ")
	}
	return "unknown"
}
