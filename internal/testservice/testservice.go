// Package testservice finds the real services (DynamoDB Local, the SES, SMTP and SNS
// emulators) that `make test` starts on loopback, for integration tests.
//
// Under `make test` (ORDERWIRE_REQUIRE_SERVICES=1) a missing service fails the test loudly;
// under a bare `go test ./...` the test is skipped with the reason.
package testservice

import (
	"context"
	"os"
	"strconv"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"

	"github.com/orderwire/orderwire/internal/dynamo"
)

// Required reports whether the run demands every service (set by `make test`).
func Required() bool { return os.Getenv("ORDERWIRE_REQUIRE_SERVICES") == "1" }

// Endpoint returns the value of the environment variable that names a service's address,
// failing (under make test) or skipping (otherwise) when it is unset.
func Endpoint(tb testing.TB, envVar string) string {
	tb.Helper()
	v := os.Getenv(envVar)
	if v != "" {
		return v
	}
	if Required() {
		tb.Fatalf("%s is not set but ORDERWIRE_REQUIRE_SERVICES=1: the test services did not start (run `make test`)", envVar)
	}
	tb.Skipf("%s is not set: run `make test` to start the test services", envVar)
	return ""
}

// AWSConfig is a configuration for the emulators: fixed region and dummy credentials.
func AWSConfig() aws.Config {
	return aws.Config{
		Region:      "us-east-1",
		Credentials: credentials.NewStaticCredentialsProvider("test", "test", ""),
	}
}

// DynamoDB returns a client for DynamoDB Local.
func DynamoDB(tb testing.TB) *dynamodb.Client {
	tb.Helper()
	return dynamo.NewClient(AWSConfig(), Endpoint(tb, "ORDERWIRE_TEST_DYNAMODB_ENDPOINT"))
}

var tableSeq atomic.Int64

// NewTable creates a fresh table with orderwire's layout on DynamoDB Local and returns its
// name; tests share one DynamoDB Local, so each gets its own table, unique across the
// concurrently running test processes.
func NewTable(tb testing.TB, client *dynamodb.Client) string {
	tb.Helper()
	// The process id keeps the test binaries of different packages, which `go test ./...`
	// runs in parallel against the same DynamoDB Local, from picking the same name (and one
	// deleting the other's table when it finishes).
	name := "orderwire-test-" + time.Now().UTC().Format("150405") + "-" + strconv.Itoa(os.Getpid()) + "-" +
		strconv.FormatInt(tableSeq.Add(1), 10)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	if err := dynamo.CreateTable(ctx, client, name); err != nil {
		tb.Fatalf("create table %s: %v", name, err)
	}
	tb.Cleanup(func() {
		_, _ = client.DeleteTable(context.Background(), &dynamodb.DeleteTableInput{TableName: &name})
	})
	return name
}
