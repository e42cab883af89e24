package dynamo

import (
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
)

// NewClient builds a DynamoDB client from an AWS configuration. When the configuration
// points at a custom endpoint (DynamoDB Local, via AWS_ENDPOINT_URL_DYNAMODB or
// BaseEndpoint), response CRC32 validation is turned off: DynamoDB Local's checksums do not
// match the SDK's expectations. Against AWS itself the check stays on.
func NewClient(cfg aws.Config, endpoint string) *dynamodb.Client {
	return dynamodb.NewFromConfig(cfg, func(o *dynamodb.Options) {
		if endpoint != "" {
			o.BaseEndpoint = aws.String(endpoint)
		}
		if o.BaseEndpoint != nil || endpoint != "" {
			o.DisableValidateResponseChecksum = true
		}
	})
}
