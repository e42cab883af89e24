package main

import (
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

// tokenFile is where serve keeps the API token it generated, inside the data directory.
const tokenFile = "api-token"

// loadOrCreateToken returns the API token saved in dataDir, generating and saving a new
// random one (256 bits, readable only by the owner) when there is none yet.
func loadOrCreateToken(dataDir string) (token string, generated bool, path string, err error) {
	return loadOrCreateSecret(dataDir, tokenFile, "API token")
}

// loadOrCreateSecret returns the secret saved in dataDir/file, generating and saving a new
// random one (256 bits, base64url, readable only by the owner) when there is none yet; what
// names it in errors.
func loadOrCreateSecret(dataDir, file, what string) (token string, generated bool, path string, err error) {
	path = filepath.Join(dataDir, file)
	raw, err := os.ReadFile(path)
	if err == nil {
		if token = strings.TrimSpace(string(raw)); token == "" {
			return "", false, path, fmt.Errorf("%s is empty: delete it to generate a new %s", path, what)
		}
		return token, false, path, nil
	}
	if !errors.Is(err, fs.ErrNotExist) {
		return "", false, path, fmt.Errorf("read %s: %w", what, err)
	}
	if err := os.MkdirAll(dataDir, 0o700); err != nil {
		return "", false, path, fmt.Errorf("create data dir: %w", err)
	}
	secret := make([]byte, 32)
	if _, err := rand.Read(secret); err != nil {
		return "", false, path, err
	}
	token = base64.RawURLEncoding.EncodeToString(secret)
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return "", false, path, fmt.Errorf("save %s: %w", what, err)
	}
	if _, err := f.WriteString(token + "\n"); err != nil {
		_ = f.Close() // the write failed: that is the error to report
		return "", false, path, fmt.Errorf("save %s: %w", what, err)
	}
	if err := f.Close(); err != nil {
		return "", false, path, fmt.Errorf("save %s: %w", what, err)
	}
	return token, true, path, nil
}
