// Command seller-api is the seller API Lambda function (API Gateway HTTP API → httpapi): the
// seller's /v1 routes and the buyers' unsubscribe links (GET and POST /unsubscribe).
package main

import (
	"context"
	"log/slog"
	"net/http"
	"os"

	"github.com/aws/aws-lambda-go/lambda"

	"github.com/orderwire/orderwire/internal/dynamo"
	"github.com/orderwire/orderwire/internal/httpapi"
	"github.com/orderwire/orderwire/internal/lambdaenv"
	"github.com/orderwire/orderwire/internal/lambdahttp"
	"github.com/orderwire/orderwire/internal/seller"
	"github.com/orderwire/orderwire/internal/unsubscribe"
)

func main() {
	logger := slog.New(slog.NewJSONHandler(os.Stderr, nil))
	h, err := coldStart(context.Background(), logger)
	if err != nil {
		logger.Error("cold start failed", "err", err.Error())
		os.Exit(1)
	}
	lambda.Start(lambdahttp.Handler(h))
}

// coldStart loads the function's settings, its bearer tokens and the unsubscribe-link keys
// (each from its own secret), and wires the API over the table.
func coldStart(ctx context.Context, logger *slog.Logger) (http.Handler, error) {
	env, tokens, err := lambdaenv.LoadWithAPITokens(ctx, os.Getenv)
	if err != nil {
		return nil, err
	}
	keys, err := lambdaenv.LoadUnsubscribeKeys(ctx, env.AWS, os.Getenv)
	if err != nil {
		return nil, err
	}
	signer, err := unsubscribe.New(keys, 0)
	if err != nil {
		return nil, err
	}
	st := dynamo.New(dynamo.NewClient(env.AWS, ""), env.Config.Table)
	return httpapi.New(httpapi.Config{Orders: &seller.Service{Orders: st}, Preferences: st, Unsubscribe: signer,
		Tokens: tokens, Logger: logger}), nil
}
