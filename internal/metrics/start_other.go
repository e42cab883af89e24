//go:build !linux

package metrics

import "time"

// SinceStart returns how long ago this package was initialised: outside Linux there is no
// /proc/self/stat to read the process's start from, so it is less than the time since the
// process started (the packages initialised before this one are not counted).
func SinceStart() time.Duration { return time.Since(loaded) }
