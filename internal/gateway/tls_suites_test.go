package gateway_test

import (
	"crypto/tls"
	"strings"
	"testing"
)

// TestTLSCipherSuites: over TLS 1.2 the gateway agrees only to AEAD suites
// (ECDHE with AES-GCM or ChaCha20-Poly1305); a client offering nothing but
// CBC suites fails the handshake.
func TestTLSCipherSuites(t *testing.T) {
	e := startEnv(t, modes[1], envOptions{noWebSocket: true})
	addr := strings.TrimPrefix(e.base, "https://")
	tests := []struct {
		name   string
		suites []uint16
		ok     bool
	}{
		{"CBC SHA-1", []uint16{tls.TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA, tls.TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA, tls.TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA, tls.TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA}, false},
		{"CBC SHA-256", []uint16{tls.TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256, tls.TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA256}, false},
		{"RSA key exchange", []uint16{tls.TLS_RSA_WITH_AES_128_GCM_SHA256, tls.TLS_RSA_WITH_AES_256_GCM_SHA384}, false},
		{"AES-GCM", []uint16{tls.TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256, tls.TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256}, true},
		{"ChaCha20-Poly1305", []uint16{tls.TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256, tls.TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256}, true},
	}
	for _, tt := range tests {
		c, err := tls.Dial("tcp", addr, &tls.Config{RootCAs: e.pool, MaxVersion: tls.VersionTLS12, CipherSuites: tt.suites})
		if err == nil {
			if got := c.ConnectionState().CipherSuite; !tt.ok {
				t.Errorf("%s: handshake completed with %s", tt.name, tls.CipherSuiteName(got))
			}
			c.Close()
		} else if tt.ok {
			t.Errorf("%s: %v", tt.name, err)
		}
	}
}
