// Command notifier delivers the outbox rows to buyers on AWS Lambda (internal/notifier):
// triggered by the table's DynamoDB stream for each new row, and by EventBridge Scheduler
// every 5 minutes for the rows that are due again (template.yaml: NotifierFunction).
package main

import (
	"context"
	"log/slog"
	"os"

	"github.com/aws/aws-lambda-go/lambda"

	"github.com/orderwire/orderwire/internal/emf"
)

func main() {
	logger := slog.New(slog.NewJSONHandler(os.Stderr, nil))
	h, err := coldStart(context.Background(), os.Getenv, logger)
	if err != nil {
		logger.Error("cold start failed", "err", err.Error())
		os.Exit(1)
	}
	emf.ColdStartDone("notifier")
	lambda.Start(h.Handle)
}
