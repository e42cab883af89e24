// Command reminders runs the payment-reminder sweep on AWS Lambda, invoked by EventBridge
// Scheduler every 5 minutes (template.yaml: RemindersSchedule); wiring.Reminders builds the
// sweeper.
package main

import (
	"context"
	"os"

	"github.com/aws/aws-lambda-go/lambda"

	"github.com/orderwire/orderwire/internal/wiring"
)

func main() {
	logger := wiring.Logger()
	sweeper, err := wiring.Reminders(context.Background(), os.Getenv)
	if err != nil {
		wiring.Exit(logger, err)
	}
	lambda.Start((&handler{Sweeper: sweeper, Logger: logger}).Handle)
}
