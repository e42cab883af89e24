package coldstart

import (
	"bufio"
	"cmp"
	"fmt"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"
)

// BenchmarkColdStart starts each function (and the empty baseline) b.N times, one op being
// one start: exec to the first GET /2018-06-01/runtime/invocation/next, with every secret
// read taking secretsLatency. It reports the median and p90 start (ms-median, ms-p90) and the
// median over the empty function's (ms-over-empty: the empty one runs first). BENCHMARKS.md
// uses -benchtime 20x: the median of 20 starts.
func BenchmarkColdStart(b *testing.B) {
	dir := bootstraps(b)
	f := newFakes()
	defer f.close()
	var emptyMedian time.Duration
	for _, name := range append([]string{"empty"}, functionNames(b)...) {
		b.Run(name, func(b *testing.B) {
			samples := make([]time.Duration, 0, b.N)
			for b.Loop() {
				d, _, err := f.start(filepath.Join(dir, name, "bootstrap"), functionEnv[name])
				if err != nil {
					b.Fatal(err)
				}
				samples = append(samples, d)
			}
			med, p90 := percentile(samples, 50), percentile(samples, 90)
			if name == "empty" {
				emptyMedian = med
			}
			b.ReportMetric(ms(med), "ms-median")
			b.ReportMetric(ms(p90), "ms-p90")
			b.ReportMetric(ms(med-emptyMedian), "ms-over-empty")
		})
	}
}

// BenchmarkColdStartInit starts each function b.N times with GODEBUG=inittrace=1 and
// reports the time its package inits take (init-ms: the sum of the runtime's "ms clock" over
// every package, median over the starts) and logs the five costliest packages by their
// median: what runs before main, in every start, whatever the function then uses.
func BenchmarkColdStartInit(b *testing.B) {
	dir := bootstraps(b)
	f := newFakes()
	defer f.close()
	for _, name := range append([]string{"empty"}, functionNames(b)...) {
		b.Run(name, func(b *testing.B) {
			var totals []time.Duration
			byPkg := map[string][]time.Duration{}
			for b.Loop() {
				env := append([]string{"GODEBUG=inittrace=1"}, functionEnv[name]...)
				_, stderr, err := f.start(filepath.Join(dir, name, "bootstrap"), env)
				if err != nil {
					b.Fatal(err)
				}
				var total time.Duration
				for _, p := range parseInitTrace(stderr) {
					total += p.clock
					byPkg[p.pkg] = append(byPkg[p.pkg], p.clock)
				}
				totals = append(totals, total)
			}
			b.ReportMetric(ms(percentile(totals, 50)), "init-ms")
			b.Logf("%s: costliest package inits (median): %s", name, costliest(byPkg, 5))
		})
	}
}

// costliest names the n packages of byPkg with the largest median init time, costliest first.
func costliest(byPkg map[string][]time.Duration, n int) string {
	var pkgs []pkgInit
	for pkg, samples := range byPkg {
		pkgs = append(pkgs, pkgInit{pkg: pkg, clock: percentile(samples, 50)})
	}
	slices.SortFunc(pkgs, func(x, y pkgInit) int {
		return cmp.Or(cmp.Compare(y.clock, x.clock), cmp.Compare(x.pkg, y.pkg))
	})
	var top []string
	for _, p := range pkgs[:min(n, len(pkgs))] {
		top = append(top, fmt.Sprintf("%s %.2f ms", p.pkg, ms(p.clock)))
	}
	return strings.Join(top, ", ")
}

// pkgInit is one line of GODEBUG=inittrace=1: a package's init and its wall-clock time.
type pkgInit struct {
	pkg   string
	clock time.Duration
}

// parseInitTrace reads the runtime's "init <pkg> @<t> ms, <d> ms clock, <n> bytes, <n>
// allocs" lines out of a process's stderr, skipping every other line.
func parseInitTrace(stderr string) []pkgInit {
	var out []pkgInit
	sc := bufio.NewScanner(strings.NewReader(stderr))
	for sc.Scan() {
		fields := strings.Fields(sc.Text())
		if len(fields) < 7 || fields[0] != "init" || fields[6] != "clock," {
			continue
		}
		v, err := strconv.ParseFloat(fields[4], 64)
		if err != nil {
			continue
		}
		out = append(out, pkgInit{pkg: fields[1], clock: time.Duration(v * float64(time.Millisecond))})
	}
	return out
}

// percentile is the p-th percentile (nearest rank) of samples, which it sorts.
func percentile(samples []time.Duration, p int) time.Duration {
	if len(samples) == 0 {
		return 0
	}
	slices.Sort(samples)
	i := (p*len(samples)+99)/100 - 1
	return samples[max(i, 0)]
}

func ms(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }
