package wiring

import (
	"context"
	"fmt"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"

	"github.com/orderwire/orderwire/internal/dynamo"
	"github.com/orderwire/orderwire/internal/embedded"
	"github.com/orderwire/orderwire/internal/order"
	"github.com/orderwire/orderwire/internal/store"
)

// StoreConfig is the store component's settings.
type StoreConfig struct {
	// Table is the DynamoDB table; empty means the embedded store in DataDir (locally; a
	// function requires it).
	Table       string
	CreateTable bool   // create Table first (DynamoDB Local; serve only)
	DataDir     string // the embedded store's folder (serve only)
	// Retention is what the store expires and when (store.RetentionFromEnv).
	Retention store.Retention
}

// StoreConfigFrom reads the store's settings: EnvTable, EnvCreateTable ("1"), EnvDataDir
// (default ./orderwire-data) and the retention settings (a bad one is CodeInvalid naming it).
func StoreConfigFrom(src Source) (StoreConfig, error) {
	c := StoreConfig{Table: src.trimmed(EnvTable), CreateTable: src.trimmed(EnvCreateTable) == "1",
		DataDir: src.trimmed(EnvDataDir)}
	if c.DataDir == "" {
		c.DataDir = "./orderwire-data"
	}
	r, err := store.RetentionFromEnv(src.Get)
	c.Retention = r
	return c, err
}

// lambdaStoreConfig is StoreConfigFrom for a function: the table is required.
func lambdaStoreConfig(src Source) (StoreConfig, error) {
	c, err := StoreConfigFrom(src)
	if c.Table == "" {
		var fe order.FieldErrors
		fe.Add(EnvTable, "must be set")
		return c, joinInvalid("wiring.StoreConfig", invalid("wiring.StoreConfig", fe), err)
	}
	return c, err
}

// DynamoStore is the DynamoDB store over c.Table, writing c.Retention's expiries.
func DynamoStore(awsCfg aws.Config, c StoreConfig) *dynamo.Store {
	st := dynamo.New(dynamo.NewClient(awsCfg, ""), c.Table)
	st.SetRetention(c.Retention)
	return st
}

// OpenStore opens the store c describes: DynamoDB when c.Table is set (created first with
// c.CreateTable; the AWS configuration from loadAWS), else the embedded store in c.DataDir.
// It also says which, for the startup banner.
func OpenStore(ctx context.Context, c StoreConfig, loadAWS func(context.Context) (aws.Config, error)) (store.Store, string, error) {
	if strings.TrimSpace(c.Table) == "" {
		st, err := embedded.Open(c.DataDir, embedded.Options{Retention: c.Retention})
		return st, "embedded, " + c.DataDir, err
	}
	awsCfg, err := loadAWS(ctx)
	if err != nil {
		return nil, "", fmt.Errorf("load AWS configuration: %w", err)
	}
	if c.CreateTable {
		if err := dynamo.CreateTable(ctx, dynamo.NewClient(awsCfg, ""), c.Table); err != nil {
			return nil, "", fmt.Errorf("create table %s: %w", c.Table, err)
		}
	}
	return DynamoStore(awsCfg, c), "DynamoDB table " + c.Table, nil
}
