// Command delivery-events applies the email provider's reports to the store on AWS Lambda
// (internal/sesevents): SES publishes the bounce, complaint and delivery events of the
// configuration set the notifier sends in to an SNS topic, which invokes this function
// (template.yaml: DeliveryEventsFunction). wiring.DeliveryEvents builds it from
// ORDERWIRE_TABLE alone; it reads no secret.
package main

import (
	"context"
	"os"

	"github.com/aws/aws-lambda-go/lambda"

	"github.com/orderwire/orderwire/internal/wiring"
)

func main() {
	logger := wiring.Logger()
	h, err := wiring.DeliveryEvents(context.Background(), os.Getenv, logger)
	if err != nil {
		wiring.Exit(logger, err)
	}
	lambda.Start(h.Handle)
}
