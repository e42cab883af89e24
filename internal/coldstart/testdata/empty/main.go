// Command empty is the cold-start baseline: an aws-lambda-go function that does nothing,
// built exactly like the functions (internal/coldstart).
package main

import (
	"context"

	"github.com/aws/aws-lambda-go/lambda"
)

func main() {
	lambda.Start(func(context.Context) error { return nil })
}
