// Command tracking-webhook serves POST /webhooks/carriers/{provider} on AWS Lambda
// (wiring.TrackingWebhook builds it).
package main

import (
	"context"
	"os"

	"github.com/aws/aws-lambda-go/lambda"

	"github.com/orderwire/orderwire/internal/lambdahttp"
	"github.com/orderwire/orderwire/internal/wiring"
)

func main() {
	logger := wiring.Logger()
	h, err := wiring.TrackingWebhook(context.Background(), os.Getenv, logger)
	if err != nil {
		wiring.Exit(logger, err)
	}
	lambda.Start(lambdahttp.Handler(h))
}
