// Command seller-api is the seller API Lambda function (API Gateway HTTP API → httpapi): the
// seller's /v1 routes and the buyers' unsubscribe links (GET and POST /unsubscribe).
package main

import (
	"context"
	"log/slog"
	"os"

	"github.com/aws/aws-lambda-go/lambda"

	"github.com/orderwire/orderwire/internal/emf"
	"github.com/orderwire/orderwire/internal/lambdahttp"
)

func main() {
	logger := slog.New(slog.NewJSONHandler(os.Stderr, nil))
	h, err := coldStart(context.Background(), os.Getenv, logger)
	if err != nil {
		logger.Error("cold start failed", "err", err.Error())
		os.Exit(1)
	}
	emf.ColdStartDone("seller-api")
	lambda.Start(lambdahttp.Handler(h))
}
