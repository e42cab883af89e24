//go:build linux

package metrics

import (
	"os"
	"time"

	"golang.org/x/sys/unix"
)

// SinceStart returns how long ago this process started: on Linux, CLOCK_BOOTTIME now
// minus the process's start time from /proc/self/stat (counted by the kernel since boot in
// clock ticks of 10 ms, rounded down), so the result is at most 10 ms more than the truth
// and never less. Elsewhere, or when /proc cannot be read, the time since this package was
// initialised, which is less than the truth.
func SinceStart() time.Duration {
	stat, err := os.ReadFile("/proc/self/stat")
	if err != nil {
		return time.Since(loaded)
	}
	ticks, err := startTicks(stat)
	if err != nil {
		return time.Since(loaded)
	}
	var ts unix.Timespec
	if err := unix.ClockGettime(unix.CLOCK_BOOTTIME, &ts); err != nil {
		return time.Since(loaded)
	}
	return sinceBoot(time.Duration(ts.Nano()), ticks)
}
