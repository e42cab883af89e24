package dynamo_test

import (
	"bytes"
	"compress/gzip"
	"context"
	"io"
	"testing"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
)

// dumpTable returns every attribute name and value of every item of table (a full Scan),
// gzipped binary values decompressed, for the erasure test's search.
func dumpTable(tb testing.TB, client *dynamodb.Client, table string) []byte {
	tb.Helper()
	var out bytes.Buffer
	p := dynamodb.NewScanPaginator(client, &dynamodb.ScanInput{TableName: &table, ConsistentRead: boolPtr(true)})
	for p.HasMorePages() {
		page, err := p.NextPage(context.Background())
		if err != nil {
			tb.Fatal(err)
		}
		for _, item := range page.Items {
			for name, v := range item {
				out.WriteString(name + "=")
				dumpValue(tb, &out, v)
				out.WriteByte('\n')
			}
		}
	}
	return out.Bytes()
}

func boolPtr(b bool) *bool { return &b }

func dumpValue(tb testing.TB, out *bytes.Buffer, v types.AttributeValue) {
	switch v := v.(type) {
	case *types.AttributeValueMemberS:
		out.WriteString(v.Value)
	case *types.AttributeValueMemberN:
		out.WriteString(v.Value)
	case *types.AttributeValueMemberB:
		out.Write(v.Value)
		if r, err := gzip.NewReader(bytes.NewReader(v.Value)); err == nil {
			plain, err := io.ReadAll(r)
			if err != nil {
				tb.Fatal(err)
			}
			out.Write(plain)
		}
	case *types.AttributeValueMemberSS:
		for _, s := range v.Value {
			out.WriteString(s + " ")
		}
	case *types.AttributeValueMemberL:
		for _, e := range v.Value {
			dumpValue(tb, out, e)
			out.WriteByte(' ')
		}
	case *types.AttributeValueMemberM:
		for k, e := range v.Value {
			out.WriteString(k + ":")
			dumpValue(tb, out, e)
			out.WriteByte(' ')
		}
	}
}
