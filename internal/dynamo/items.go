package dynamo

import (
	"strconv"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/orderwire/orderwire/internal/order"
	"github.com/orderwire/orderwire/internal/store"
)

// Shorthands for the shared key layout (store/keys.go).
const (
	metaSK    = store.MetaSK
	profileSK = store.ProfileSK
)

func orderPK(id string) string { return store.OrderPK(id) }
func buyerPK(id string) string { return store.BuyerPK(id) }

func itemKey(pk, sk string) map[string]types.AttributeValue {
	return map[string]types.AttributeValue{
		"PK": &types.AttributeValueMemberS{Value: pk},
		"SK": &types.AttributeValueMemberS{Value: sk},
	}
}

// orderItem is the order's META item. While the order awaits payment it carries the due
// index keys (GSI2, sparse): every Put of the order moves it in the index or takes it out.
// It always carries its order list keys (listKeys: GSI1 and GSI3-GSI6).
type orderItem struct {
	PK     string `dynamodbav:"PK"`
	SK     string `dynamodbav:"SK"`
	Type   string `dynamodbav:"item_type"`
	GSI2PK string `dynamodbav:"GSI2PK,omitempty"`
	GSI2SK string `dynamodbav:"GSI2SK,omitempty"`
	listKeys
	store.OrderRecord
}

func newOrderItem(o order.Order) orderItem {
	it := orderItem{PK: orderPK(o.ID), SK: metaSK, Type: "order", OrderRecord: store.NewOrderRecord(o)}
	if store.InDueIndex(o) {
		it.GSI2PK, it.GSI2SK = store.DuePK(o.ID), store.DueSK(o)
	}
	it.listKeys = orderListKeys(o)
	return it
}

// buyerStatUpdate adds one to each of a buyer's payment-history counters named in stats
// (ADD creates a counter at 0), in ONE update: a transaction may touch the profile item only
// once. Empty names are skipped; ok is false when none is left.
func (s *Store) buyerStatUpdate(buyerID string, stats ...string) (types.TransactWriteItem, bool) {
	counts := map[string]int{}
	var distinct []string
	for _, stat := range stats {
		if stat == "" {
			continue
		}
		if counts[stat] == 0 {
			distinct = append(distinct, stat)
		}
		counts[stat]++
	}
	if len(distinct) == 0 {
		return types.TransactWriteItem{}, false
	}
	names, values := map[string]string{}, map[string]types.AttributeValue{}
	var adds []string
	for i, stat := range distinct {
		n := strconv.Itoa(i)
		names["#s"+n] = stat
		values[":n"+n] = &types.AttributeValueMemberN{Value: strconv.Itoa(counts[stat])}
		adds = append(adds, "#s"+n+" :n"+n)
	}
	return types.TransactWriteItem{Update: &types.Update{
		TableName:                 &s.table,
		Key:                       itemKey(buyerPK(buyerID), profileSK),
		UpdateExpression:          aws.String("ADD " + strings.Join(adds, ", ")),
		ExpressionAttributeNames:  names,
		ExpressionAttributeValues: values,
	}}, true
}

// buyerContactUpdate sets the buyer's contact attributes and removes an email or phone the
// seller no longer gives, leaving every other attribute of the profile untouched.
func (s *Store) buyerContactUpdate(b order.Buyer) *types.Update {
	values := map[string]types.AttributeValue{}
	names := map[string]string{}
	var set, remove []string
	assign := func(attr, value string) {
		names["#"+attr] = attr
		if value == "" {
			remove = append(remove, "#"+attr)
			return
		}
		set = append(set, "#"+attr+" = :"+attr)
		values[":"+attr] = &types.AttributeValueMemberS{Value: value}
	}
	assign("item_type", "buyer")
	assign("buyer_id", b.ID)
	assign("name", b.Name)
	assign("email", b.Email)
	assign("phone", b.Phone)
	assign("locale", b.Locale)
	assign("timezone", b.TimeZone)
	assign("country", b.Country)
	expr := "SET " + strings.Join(set, ", ")
	if len(remove) > 0 {
		expr += " REMOVE " + strings.Join(remove, ", ")
	}
	return &types.Update{
		TableName:                 &s.table,
		Key:                       itemKey(buyerPK(b.ID), profileSK),
		UpdateExpression:          aws.String(expr),
		ExpressionAttributeNames:  names,
		ExpressionAttributeValues: values,
	}
}
