package dynamo

import (
	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/attributevalue"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
)

// The codec converts items to and from DynamoDB attribute values. The store records
// (internal/store) carry one set of field names, their `json` tags, which the embedded store
// also writes: so the encoder and decoder read the json tag (TagKey "json"). This adapter's
// own key fields (PK, SK, item_type, the GSI keys) keep `dynamodbav` tags: the SDK reads a
// dynamodbav tag first and lets the json tag override it, so both spellings work and no
// field carries both. Times are written as before: RFC 3339 (nano) strings, a zero time
// included (json's omitzero is not an SDK option; the SDK's omitempty never dropped a time
// without EncoderOptions.OmitEmptyTime). TestAttributeNamesPinned pins the result.
// jsonKeys and jsonFields make the encoder and the decoder read the json tags.
func jsonKeys(o *attributevalue.EncoderOptions)   { o.TagKey = "json" }
func jsonFields(o *attributevalue.DecoderOptions) { o.TagKey = "json" }

// marshal encodes in as one attribute value (attributevalue.Marshal, json tags).
func marshal(in any) (types.AttributeValue, error) {
	return attributevalue.MarshalWithOptions(in, jsonKeys)
}

// marshalMap encodes in as an item (attributevalue.MarshalMap, json tags).
func marshalMap(in any) (map[string]types.AttributeValue, error) {
	return attributevalue.MarshalMapWithOptions(in, jsonKeys)
}

// unmarshalMap decodes an item into out, a pointer (attributevalue.UnmarshalMap, json tags).
func unmarshalMap(item map[string]types.AttributeValue, out any) error {
	return attributevalue.UnmarshalMapWithOptions(item, out, jsonFields)
}

// unmarshalListOfMaps decodes items into out, a pointer to a slice
// (attributevalue.UnmarshalListOfMaps, json tags).
func unmarshalListOfMaps(items []map[string]types.AttributeValue, out any) error {
	return attributevalue.UnmarshalListOfMapsWithOptions(items, out, jsonFields)
}
