package authz

import (
	"crypto/sha256"
	"encoding/hex"
)

// fingerprint names a user id in an error message without revealing it: a
// user id is an API key, and load errors reach logs and the Reload reply.
// It is "sha256:" and the first 8 hex digits of the id's SHA-256, enough
// to tell ids apart and to match one against `printf %s ID | sha256sum`;
// the default user, whose id is no secret, shows as "".
func fingerprint(id string) string {
	if id == "" {
		return `""`
	}
	sum := sha256.Sum256([]byte(id))
	return "sha256:" + hex.EncodeToString(sum[:4])
}
