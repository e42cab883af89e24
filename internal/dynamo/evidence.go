package dynamo

import (
	"bytes"
	"compress/gzip"
	"context"
	"fmt"
	"io"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/orderwire/orderwire/internal/order"
	"github.com/orderwire/orderwire/internal/store"
)

// A DynamoDB item holds at most 400 KB. Bodies over compressAbove bytes are gzipped when
// that makes them smaller; what is still over chunkSize is split across items
// RAW#...#000, #001, ... (a 1 MiB incompressible body takes 3; a transaction allows 100
// items and 4 MB, so every accepted body fits in the event's one transaction).
const (
	compressAbove = 4 << 10
	chunkSize     = 350_000
)

// evidenceItem is one part of one webhook's evidence.
type evidenceItem struct {
	PK         string            `dynamodbav:"PK"`
	SK         string            `dynamodbav:"SK"`
	Type       string            `dynamodbav:"item_type"`
	Source     string            `dynamodbav:"source"`
	EventID    string            `dynamodbav:"event_id"`
	ReceivedAt time.Time         `dynamodbav:"received_at"`
	Headers    map[string]string `dynamodbav:"headers,omitempty"`
	Encoding   string            `dynamodbav:"encoding,omitempty"` // "gzip" or empty
	Part       int               `dynamodbav:"part"`
	Parts      int               `dynamodbav:"parts"`
	Body       []byte            `dynamodbav:"body"`
}

// evidenceItems are the Puts of one webhook's evidence under partition pk, sort keys sk#NNN.
func (s *Store) evidenceItems(pk, sk, source, eventID string, receivedAt time.Time, evidence order.Evidence) ([]types.TransactWriteItem, error) {
	body, encoding := evidence.Body, ""
	if len(body) > compressAbove {
		if z, err := gzipped(body); err == nil && len(z) < len(body) {
			body, encoding = z, "gzip"
		}
	}
	parts := max(1, (len(body)+chunkSize-1)/chunkSize)
	var items []types.TransactWriteItem
	for part := 0; part < parts; part++ {
		chunk := body[part*chunkSize : min(len(body), (part+1)*chunkSize)]
		it := evidenceItem{PK: pk, SK: fmt.Sprintf("%s#%03d", sk, part),
			Type: "evidence", Source: source, EventID: eventID, ReceivedAt: receivedAt.UTC(),
			Encoding: encoding, Part: part, Parts: parts, Body: chunk}
		if part == 0 {
			it.Headers = evidence.Headers
		}
		av, err := marshalMap(it)
		if err != nil {
			return nil, err
		}
		items = append(items, types.TransactWriteItem{Put: &types.Put{TableName: &s.table, Item: av}})
	}
	return items, nil
}

// Evidence implements store.Store: what EachEvidence streams, oldest received first.
func (s *Store) Evidence(ctx context.Context, id string) ([]store.StoredEvidence, error) {
	var out []store.StoredEvidence
	if err := s.EachEvidence(ctx, id, func(e store.StoredEvidence) error { out = append(out, e); return nil }); err != nil {
		return nil, err
	}
	store.SortEvidence(out)
	return out, nil
}

// eachEvidencePage is how many items one Query of EachEvidence reads: a page is held in
// memory (as attribute values, then decoded), so it is kept small whatever the number of
// webhooks; DynamoDB also ends a page at 1 MB.
const eachEvidencePage = 32

// EachEvidence implements store.Store: the order's partition, then each parcel's tracking
// partition, paged through with consistent Queries of at most eachEvidencePage items (so at
// most a page and one webhook's parts are held at once), each webhook reassembled from its
// parts and decompressed before fn sees it.
func (s *Store) EachEvidence(ctx context.Context, id string, fn func(store.StoredEvidence) error) error {
	const op = "dynamo.EachEvidence"
	partitions := []string{orderPK(id)}
	o, err := s.GetOrder(ctx, id)
	switch {
	case err == nil:
		partitions = store.EvidencePartitions(o)
	case order.ErrorCode(err) != order.CodeNotFound:
		return err
	}
	for _, pk := range partitions {
		in := &dynamodb.QueryInput{
			TableName:              &s.table,
			KeyConditionExpression: aws.String("PK = :pk AND begins_with(SK, :prefix)"),
			ExpressionAttributeValues: map[string]types.AttributeValue{
				":pk":     &types.AttributeValueMemberS{Value: pk},
				":prefix": &types.AttributeValueMemberS{Value: store.EvidencePrefix}},
			ConsistentRead: aws.Bool(true),
			Limit:          aws.Int32(eachEvidencePage),
		}
		var parts []evidenceItem // the parts of the webhook being reassembled
		p := dynamodb.NewQueryPaginator(s.api, in)
		for p.HasMorePages() {
			page, err := p.NextPage(ctx)
			if err != nil {
				return translate(op, err)
			}
			var items []evidenceItem
			if err := unmarshalListOfMaps(page.Items, &items); err != nil {
				return order.Internal(op, err)
			}
			for _, it := range items {
				if it.Part == 0 {
					if len(parts) > 0 {
						return order.Internal(op, fmt.Errorf("evidence %s is missing parts", parts[0].SK))
					}
				} else if len(parts) == 0 || parts[0].Parts != it.Parts || len(parts) != it.Part {
					return order.Internal(op, fmt.Errorf("evidence %s is out of sequence", it.SK))
				}
				parts = append(parts, it)
				if len(parts) < parts[0].Parts {
					continue
				}
				got, err := assemble(parts)
				if err != nil {
					return order.Internal(op, err)
				}
				parts = nil
				if err := fn(got[0]); err != nil {
					return err
				}
			}
		}
		if len(parts) > 0 {
			return order.Internal(op, fmt.Errorf("evidence %s is missing parts", parts[0].SK))
		}
	}
	return nil
}

// assemble reassembles and decompresses each webhook's parts.
func assemble(items []evidenceItem) ([]store.StoredEvidence, error) {
	var out []store.StoredEvidence
	for i := 0; i < len(items); {
		first := items[i]
		if first.Part != 0 || i+first.Parts > len(items) {
			return nil, fmt.Errorf("evidence %s is missing parts", first.SK)
		}
		var body []byte
		for _, part := range items[i : i+first.Parts] {
			body = append(body, part.Body...)
		}
		i += first.Parts
		if first.Encoding == "gzip" {
			var err error
			if body, err = gunzip(body); err != nil {
				return nil, err
			}
		}
		out = append(out, store.StoredEvidence{Source: first.Source, EventID: first.EventID,
			ReceivedAt: first.ReceivedAt.UTC(), Body: body, Headers: first.Headers})
	}
	return out, nil
}

func gzipped(b []byte) ([]byte, error) {
	var buf bytes.Buffer
	w := gzip.NewWriter(&buf)
	if _, err := w.Write(b); err != nil {
		return nil, err
	}
	err := w.Close()
	return buf.Bytes(), err
}

func gunzip(b []byte) ([]byte, error) {
	r, err := gzip.NewReader(bytes.NewReader(b))
	if err != nil {
		return nil, err
	}
	return io.ReadAll(r)
}
