// Command payment-webhook serves POST /webhooks/payments/{provider} on AWS Lambda
// (wiring.PaymentWebhook builds it).
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
	h, err := wiring.PaymentWebhook(context.Background(), os.Getenv, logger)
	if err != nil {
		wiring.Exit(logger, err)
	}
	lambda.Start(lambdahttp.Handler(h))
}
