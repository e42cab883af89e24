// Command tracking-webhook serves POST /webhooks/carriers/{provider} on AWS Lambda.
package main

import (
	"context"
	"log/slog"
	"os"

	"github.com/aws/aws-lambda-go/lambda"

	"github.com/orderwire/orderwire/internal/dynamo"
	"github.com/orderwire/orderwire/internal/emf"
	"github.com/orderwire/orderwire/internal/lambdaenv"
	"github.com/orderwire/orderwire/internal/lambdahttp"
	"github.com/orderwire/orderwire/internal/tracking"
)

func main() {
	logger := slog.New(slog.NewJSONHandler(os.Stderr, nil))
	env, err := lambdaenv.Load(context.Background(), os.Getenv)
	var carriers map[string]tracking.Provider
	if err == nil {
		carriers, err = loadCarriers(env.Secrets, logger)
	}
	if err != nil {
		logger.Error("cold start failed", "err", err.Error())
		os.Exit(1)
	}
	st := dynamo.New(dynamo.NewClient(env.AWS, ""), env.Config.Table)
	st.SetRetention(env.Config.Retention) // expiries of what it writes (README: Retention)
	emf.ColdStartDone("tracking-webhook")
	lambda.Start(lambdahttp.Handler(newHandler(carriers, st, logger)))
}
