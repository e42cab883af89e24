// Command notifier delivers the outbox rows to buyers on AWS Lambda (internal/notifier):
// triggered by the table's DynamoDB stream for each new row, and by EventBridge Scheduler
// every 5 minutes for the rows that are due again (template.yaml: NotifierFunction);
// senders.Lambda builds the notifier.
package main

import (
	"context"
	"os"

	"github.com/aws/aws-lambda-go/lambda"

	"github.com/orderwire/orderwire/internal/wiring"
	"github.com/orderwire/orderwire/internal/wiring/senders"
)

func main() {
	logger := wiring.Logger()
	n, err := senders.Lambda(context.Background(), os.Getenv, logger)
	if err != nil {
		wiring.Exit(logger, err)
	}
	lambda.Start((&handler{Deliverer: n, Due: n, Logger: logger}).Handle)
}
