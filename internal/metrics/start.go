package metrics

import (
	"bytes"
	"errors"
	"strconv"
	"time"
)

// userHZ is the unit of /proc/<pid>/stat's starttime: the kernel's USER_HZ, 100 on every
// architecture Linux and Lambda run Go on (x86-64, arm64).
const userHZ = 100

// loaded is when this package was initialised: SinceStart's fallback where /proc is not
// there (it misses the packages initialised before this one).
var loaded = time.Now()

// sinceBoot is now (time since boot) minus a start time given in clock ticks since boot,
// never negative.
func sinceBoot(now time.Duration, startTicks uint64) time.Duration {
	start := time.Duration(startTicks) * (time.Second / userHZ)
	if now < start {
		return 0
	}
	return now - start
}

// startTicks returns field 22 (starttime) of a /proc/<pid>/stat line. Field 2, the
// command's name in parentheses, may itself hold spaces and parentheses, so the fields are
// counted after its last ')'.
func startTicks(stat []byte) (uint64, error) {
	i := bytes.LastIndexByte(stat, ')')
	if i < 0 {
		return 0, errors.New("metrics: /proc/self/stat has no command name")
	}
	fields := bytes.Fields(stat[i+1:]) // fields 3, 4, ...
	const starttime = 22 - 3
	if len(fields) <= starttime {
		return 0, errors.New("metrics: /proc/self/stat is too short")
	}
	return strconv.ParseUint(string(fields[starttime]), 10, 64)
}
