// Command seller-api is the seller API Lambda function (API Gateway HTTP API → httpapi).
package main

import (
	"context"
	"log/slog"
	"os"

	"github.com/aws/aws-lambda-go/lambda"

	"github.com/orderwire/orderwire/internal/dynamo"
	"github.com/orderwire/orderwire/internal/httpapi"
	"github.com/orderwire/orderwire/internal/lambdaenv"
	"github.com/orderwire/orderwire/internal/lambdahttp"
	"github.com/orderwire/orderwire/internal/seller"
)

func main() {
	logger := slog.New(slog.NewJSONHandler(os.Stderr, nil))
	env, tokens, err := lambdaenv.LoadWithAPITokens(context.Background(), os.Getenv)
	if err != nil {
		logger.Error("cold start failed", "err", err.Error())
		os.Exit(1)
	}
	st := dynamo.New(dynamo.NewClient(env.AWS, ""), env.Config.Table)
	h := httpapi.New(httpapi.Config{Orders: &seller.Service{Orders: st}, Tokens: tokens, Logger: logger})
	lambda.Start(lambdahttp.Handler(h))
}
