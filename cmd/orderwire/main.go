// Command orderwire is the local face of orderwire: `orderwire serve` runs every HTTP route
// on one machine, on the embedded store (or DynamoDB when ORDERWIRE_TABLE is set).
package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
)

const usage = `usage: orderwire <command> [flags]

commands:
  serve         run the HTTP server (webhooks and seller API) on this machine
  loadtest      measure webhook ingest: signed deliveries over loopback HTTP, bounded
  verify-pack   check an evidence pack (GET /v1/orders/{id}/evidence) against its manifest
  help          show this help

Run "orderwire serve -h" for the serve flags.
`

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	os.Exit(run(ctx, os.Args[1:], os.Getenv, os.Stdout, os.Stderr))
}

// run dispatches to a command and returns the process exit code: 0 on success, 2 for a
// usage error, 1 for any other failure.
func run(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return 2
	}
	switch args[0] {
	case "serve":
		return exitCode(stderr, runServe(ctx, args[1:], getenv, stdout, stderr))
	case "loadtest":
		return exitCode(stderr, runLoadtest(ctx, args[1:], getenv, stdout, stderr))
	case "verify-pack":
		return exitCode(stderr, runVerifyPack(args[1:], stdout, stderr))
	case "help", "-h", "--help":
		fmt.Fprint(stdout, usage)
		return 0
	default:
		fmt.Fprintf(stderr, "orderwire: unknown command %q\n\n%s", args[0], usage)
		return 2
	}
}

func exitCode(stderr io.Writer, err error) int {
	switch err {
	case nil:
		return 0
	case errUsage:
		return 2
	default:
		fmt.Fprintf(stderr, "orderwire: %v\n", err)
		return 1
	}
}
