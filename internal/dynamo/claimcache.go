package dynamo

import (
	"context"
	"strconv"
	"sync"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/orderwire/orderwire/internal/order"
	"github.com/orderwire/orderwire/internal/store"
)

// A tracking number's claims only ever grow: a claim is never removed, and never passes to
// another order (AddShipment's condition). So a process may remember the claims it read and
// file the next carrier event of the number without reading them again (2 round trips: the
// order and the transaction, instead of 3), provided the transaction proves that the
// remembered claims are still all there are whenever the filing depends on it:
//
//   - an event whose carrier is one of the claims' is filed on that claim's order however
//     many claims appear later (order.FileTracking): no proof needed;
//   - an event filed on the only claim without naming its carrier, or parked because none
//     of several claims fits, would be filed otherwise once another claim appears: the
//     transaction checks the count of carriers on the number's CLAIMED marker.
//
// AddShipment keeps that count: it adds the carrier to the marker's string set "carriers"
// in the same transaction as the claim. A marker without the set (written before it
// existed) is never trusted: such claims are not remembered.

// claimRow is an item of a tracking number's claim range: a claim (CLAIM#<carrier>) or the
// CLAIMED marker with its carriers.
type claimRow struct {
	SK string `dynamodbav:"SK"`
	store.ClaimRecord
	Carriers []string `dynamodbav:"carriers,stringset,omitempty"`
}

// claimCache remembers tracking numbers' claims. Bounded: it starts over when full.
type claimCache struct {
	mu sync.Mutex
	m  map[string][]store.ClaimRecord
}

const claimCacheSize = 100_000

func (c *claimCache) get(number string) ([]store.ClaimRecord, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	claims, ok := c.m[number]
	return claims, ok
}

func (c *claimCache) remember(number string, claims []store.ClaimRecord) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.m == nil || len(c.m) >= claimCacheSize {
		c.m = map[string][]store.ClaimRecord{}
	}
	c.m[number] = claims
}

func (c *claimCache) forget(number string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	delete(c.m, number)
}

// claimsOf returns the claims of a tracking number: remembered ones (cached true), or one
// consistent Query of its claim range (the claims and the CLAIMED marker), remembered when
// the marker counts exactly the claims read.
func (s *Store) claimsOf(ctx context.Context, number string) (claims []store.ClaimRecord, cached bool, err error) {
	if claims, ok := s.claims.get(number); ok {
		return claims, true, nil
	}
	var rows []claimRow
	if err := s.queryAll(ctx, store.TrackPK(number), "CLAIM", &rows); err != nil { // CLAIM# and CLAIMED
		return nil, false, err
	}
	marked := -1
	for _, r := range rows {
		if r.SK == store.ClaimedSK {
			marked = len(r.Carriers)
		} else {
			claims = append(claims, r.ClaimRecord)
		}
	}
	if marked > 0 && marked == len(claims) {
		s.claims.remember(number, claims)
	}
	return claims, false, nil
}

// claimsGuard is the check that tracking number ev's claims are still exactly claims, when
// filing ev depends on that (see above); ok is false when it does not.
func (s *Store) claimsGuard(ev order.TrackingEvent, claims []store.ClaimRecord) (types.TransactWriteItem, bool) {
	for _, c := range claims {
		if c.Carrier == ev.Carrier {
			return types.TransactWriteItem{}, false
		}
	}
	return types.TransactWriteItem{ConditionCheck: &types.ConditionCheck{
		TableName: &s.table, Key: itemKey(store.TrackPK(ev.TrackingNumber), store.ClaimedSK),
		ConditionExpression: aws.String("size(carriers) = :n"),
		ExpressionAttributeValues: map[string]types.AttributeValue{
			":n": &types.AttributeValueMemberN{Value: strconv.Itoa(len(claims))}},
	}}, true
}

// claimedMarker is AddShipment's update of tracking number's CLAIMED marker: it exists, and
// its carriers set holds carrier.
func (s *Store) claimedMarker(number, carrier string) types.TransactWriteItem {
	return types.TransactWriteItem{Update: &types.Update{
		TableName: &s.table, Key: itemKey(store.TrackPK(number), store.ClaimedSK),
		UpdateExpression: aws.String("SET item_type = :t ADD carriers :c"),
		ExpressionAttributeValues: map[string]types.AttributeValue{
			":t": &types.AttributeValueMemberS{Value: "tracking_claimed"},
			":c": &types.AttributeValueMemberSS{Value: []string{carrier}},
		},
	}}
}
