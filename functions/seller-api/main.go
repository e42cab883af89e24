// Command seller-api is the seller API Lambda function (API Gateway HTTP API → httpapi): the
// seller's /v1 routes and the buyers' unsubscribe links (GET and POST /unsubscribe), built
// by sellerapi.Lambda.
package main

import (
	"context"
	"os"

	"github.com/aws/aws-lambda-go/lambda"

	"github.com/orderwire/orderwire/internal/emf"
	"github.com/orderwire/orderwire/internal/lambdahttp"
	"github.com/orderwire/orderwire/internal/wiring"
	"github.com/orderwire/orderwire/internal/wiring/sellerapi"
)

func main() {
	logger := wiring.Logger()
	h, err := sellerapi.Lambda(context.Background(), os.Getenv, logger)
	if err != nil {
		wiring.Exit(logger, err)
	}
	emf.ColdStartDone("seller-api")
	lambda.Start(lambdahttp.Handler(h))
}
