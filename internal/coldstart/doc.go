// Package coldstart measures the cold start of every Lambda function in functions/ (issue
// 14): its benchmarks build each function's bootstrap like `make build` does (linux,
// -tags lambda.norpc, no cgo, -trimpath, -ldflags="-s -w", for the running GOARCH) next to an
// empty aws-lambda-go function built the same way, exec each one against a fake Lambda
// Runtime API and a fake Secrets Manager answering after 20 ms, both on loopback, and time
// exec to the first GET /2018-06-01/runtime/invocation/next. The package has no code of its
// own; everything is in its _test.go files. The starts run under `make bench` only; `make
// test` runs the cheap tests of the harness's parts (the fake Secrets Manager, the parsing).
package coldstart
