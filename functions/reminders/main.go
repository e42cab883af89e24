// Command reminders runs the payment-reminder sweep on AWS Lambda, invoked by EventBridge
// Scheduler every 5 minutes (template.yaml: RemindersSchedule).
package main

import (
	"context"
	"log/slog"
	"os"

	"github.com/aws/aws-lambda-go/lambda"

	"github.com/orderwire/orderwire/internal/dynamo"
	"github.com/orderwire/orderwire/internal/emf"
	"github.com/orderwire/orderwire/internal/lambdaenv"
	"github.com/orderwire/orderwire/internal/reminder"
)

func main() {
	logger := slog.New(slog.NewJSONHandler(os.Stderr, nil))
	env, err := lambdaenv.LoadTable(context.Background(), os.Getenv)
	var policy reminder.Policy
	if err == nil {
		policy, err = loadPolicy(os.Getenv)
	}
	if err != nil {
		logger.Error("cold start failed", "err", err.Error())
		os.Exit(1)
	}
	st := dynamo.New(dynamo.NewClient(env.AWS, ""), env.Config.Table)
	st.SetRetention(env.Config.Retention) // expiries of what it writes (README: Retention)
	emf.ColdStartDone("reminders")
	lambda.Start((&handler{Sweeper: &reminder.Sweeper{Store: st, Policy: policy, Metrics: emf.Stdout("reminders")}, Logger: logger}).Handle)
}
