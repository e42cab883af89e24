package main

import (
	"context"
	"io"
	"strings"
	"testing"
)

// TestServeHonoursTheSMSSenderID: with ORDERWIRE_SMS=sns, serve sends SMS from the sender ID
// and origination number the notifier function reads (the same settings, through
// wiring.NotifierConfigFrom), and says so; a malformed sender ID stops it, naming the
// setting, as it stops the function's cold start. (SNS is never called here.)
func TestServeHonoursTheSMSSenderID(t *testing.T) {
	t.Setenv("AWS_REGION", "eu-west-1")
	env := map[string]string{"ORDERWIRE_DATA_DIR": privateDir(t), "ORDERWIRE_API_TOKENS": "tok", "ORDERWIRE_SMS": "sns",
		"ORDERWIRE_SMS_SENDER_ID": "LojaAna", "ORDERWIRE_SMS_ORIGINATION_NUMBER": "+351912345678"}
	_, printed, stop := startServeWith(t, env, io.Discard, "--sweep-every", "0", "--notify-every", "0")
	out := printed.String()
	stop()
	if !strings.Contains(out, "buyer SMS: SNS (eu-west-1, sender ID LojaAna, from +351912345678)") {
		t.Fatalf("the banner does not show the SMS identity:\n%s", out)
	}
	env["ORDERWIRE_SMS_SENDER_ID"] = "12345" // no letter: SNS refuses it
	var stdout, stderr strings.Builder
	code := run(context.Background(), []string{"serve", "--addr", "127.0.0.1:0"}, func(k string) string { return env[k] }, &stdout, &stderr)
	if code != 1 || !strings.Contains(stderr.String(), "ORDERWIRE_SMS_SENDER_ID") {
		t.Fatalf("exit %d, stderr %q; want 1 naming ORDERWIRE_SMS_SENDER_ID", code, stderr.String())
	}
}

// TestServeReadsTheSameTokenSettingAsAWS: the seller API token is ORDERWIRE_API_TOKENS
// locally, as in the seller API's secret on AWS (ORDERWIRE_API_TOKEN, serve's older name,
// is still read when it is unset).
func TestServeReadsTheSameTokenSettingAsAWS(t *testing.T) {
	for _, name := range []string{"ORDERWIRE_API_TOKENS", "ORDERWIRE_API_TOKEN"} {
		env := map[string]string{"ORDERWIRE_DATA_DIR": privateDir(t), name: "tok-a, tok-b"}
		base, printed, stop := startServeArgs(t, env, "--dev", "--sweep-every", "0", "--notify-every", "0")
		if strings.Contains(printed.String(), "Generated an API token") {
			t.Errorf("%s: serve generated a token:\n%s", name, printed)
		}
		if code, body := call(t, "GET", base+"/v1/orders/none", "tok-b", ""); code != 404 {
			t.Errorf("%s: the second token gets %d %s, want 404", name, code, body)
		}
		stop()
	}
}
