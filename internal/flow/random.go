package flow

import (
	"crypto/rand"
	"encoding/hex"
)

// RandomHex returns n random lowercase hex characters (container hostname
// and rename suffixes).
func RandomHex(n int) string {
	b := make([]byte, (n+1)/2)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)[:n]
}
