// Package lambdaenv holds what a Lambda handler needs of its invocation's environment at
// run time: WithMargin, the deadline a handler works within. What a function needs at
// cold start (its settings, secrets, AWS configuration and components) is built by
// internal/wiring.
package lambdaenv

import (
	"context"
	"time"
)

// WithMargin returns ctx ending margin before ctx's deadline (a Lambda invocation's), so
// that a function stops starting work while it still has time to finish what it started;
// without a deadline, ctx itself (cancelable). A deadline closer than the margin gives a
// context already done.
func WithMargin(ctx context.Context, margin time.Duration) (context.Context, context.CancelFunc) {
	deadline, ok := ctx.Deadline()
	if !ok {
		return context.WithCancel(ctx)
	}
	return context.WithDeadline(ctx, deadline.Add(-margin))
}
