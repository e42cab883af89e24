// Command delivery-events applies the email provider's reports to the store on AWS Lambda
// (internal/sesevents): SES publishes the bounce, complaint and delivery events of the
// configuration set the notifier sends in to an SNS topic, which invokes this function
// (template.yaml: DeliveryEventsFunction). It reads ORDERWIRE_TABLE only, and no secret.
package main

import (
	"context"
	"log/slog"
	"os"

	"github.com/aws/aws-lambda-go/lambda"

	"github.com/orderwire/orderwire/internal/dynamo"
	"github.com/orderwire/orderwire/internal/emf"
	"github.com/orderwire/orderwire/internal/lambdaenv"
	"github.com/orderwire/orderwire/internal/sesevents"
)

func main() {
	logger := slog.New(slog.NewJSONHandler(os.Stderr, nil))
	h, err := coldStart(context.Background(), os.Getenv, logger)
	if err != nil {
		logger.Error("cold start failed", "err", err.Error())
		os.Exit(1)
	}
	emf.ColdStartDone("delivery-events")
	lambda.Start(h.Handle)
}

// coldStart builds the handler once per execution environment: the table's name (checked
// before any AWS call), the AWS configuration and the store.
func coldStart(ctx context.Context, getenv func(string) string, logger *slog.Logger) (*sesevents.Handler, error) {
	env, err := lambdaenv.LoadTable(ctx, getenv)
	if err != nil {
		return nil, err
	}
	return &sesevents.Handler{Store: dynamo.New(dynamo.NewClient(env.AWS, ""), env.Config.Table), Logger: logger}, nil
}
