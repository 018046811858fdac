package gateway

import (
	"crypto/tls"
	"crypto/x509"
	"fmt"
	"os"
	"sync/atomic"
	"time"

	"github.com/nipc/nipc/internal/config"
)

// tlsState is one loaded generation of the TLS files.
type tlsState struct {
	cert      *tls.Certificate
	clientCAs *x509.CertPool // nil: no client certificates asked for
}

// certStore serves the current certificate; Reload swaps it whole.
type certStore struct {
	files config.TLS
	cur   atomic.Pointer[tlsState]
}

// loadTLS reads and checks the certificate, its key and the client CA
// bundle: parse, validate, and only then return.
func loadTLS(files config.TLS, now time.Time) (*tlsState, error) {
	cert, err := tls.LoadX509KeyPair(files.ServerCertPath, files.ServerKeyPath)
	if err != nil {
		return nil, fmt.Errorf("gateway: TLS certificate %s with key %s: %w", files.ServerCertPath, files.ServerKeyPath, err)
	}
	leaf := cert.Leaf
	if leaf == nil {
		if leaf, err = x509.ParseCertificate(cert.Certificate[0]); err != nil {
			return nil, fmt.Errorf("gateway: TLS certificate %s: %w", files.ServerCertPath, err)
		}
		cert.Leaf = leaf
	}
	if now.After(leaf.NotAfter) {
		return nil, fmt.Errorf("gateway: TLS certificate %s expired on %s", files.ServerCertPath, leaf.NotAfter.UTC().Format(time.RFC3339))
	}
	if now.Before(leaf.NotBefore) {
		return nil, fmt.Errorf("gateway: TLS certificate %s is not valid before %s", files.ServerCertPath, leaf.NotBefore.UTC().Format(time.RFC3339))
	}
	st := &tlsState{cert: &cert}
	if files.ClientCertsPath != "" {
		pem, err := os.ReadFile(files.ClientCertsPath)
		if err != nil {
			return nil, fmt.Errorf("gateway: client CA bundle: %w", err)
		}
		pool := x509.NewCertPool()
		if !pool.AppendCertsFromPEM(pem) {
			return nil, fmt.Errorf("gateway: client CA bundle %s holds no PEM certificate", files.ClientCertsPath)
		}
		st.clientCAs = pool
	}
	return st, nil
}

func newCertStore(files config.TLS) (*certStore, error) {
	st, err := loadTLS(files, time.Now())
	if err != nil {
		return nil, err
	}
	cs := &certStore{files: files}
	cs.cur.Store(st)
	return cs, nil
}

// aeadSuites are the TLS 1.2 cipher suites the gateway offers: ECDHE key
// exchange with AES-GCM or ChaCha20-Poly1305, none with CBC and SHA-1 (Go's
// defaults still include ECDHE CBC-SHA1 suites). TLS 1.3's suites, all
// AEAD, are not configurable and stay as they are.
var aeadSuites = []uint16{
	tls.TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256,
	tls.TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256,
	tls.TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384,
	tls.TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384,
	tls.TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256,
	tls.TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256,
}

// config is the listener's TLS configuration. HTTP/1.1 only: WebSocket
// upgrades and keep-alive both work, and per-request behaviour stays that
// of the node's HTTP server. TLS 1.2 or later, with aeadSuites.
func (cs *certStore) config() *tls.Config {
	base := &tls.Config{
		MinVersion:   tls.VersionTLS12,
		CipherSuites: aeadSuites,
		NextProtos:   []string{"http/1.1"},
		GetCertificate: func(*tls.ClientHelloInfo) (*tls.Certificate, error) {
			return cs.cur.Load().cert, nil
		},
	}
	if cs.files.ClientCertsPath != "" {
		base.GetConfigForClient = func(*tls.ClientHelloInfo) (*tls.Config, error) {
			st := cs.cur.Load()
			return &tls.Config{
				MinVersion:   tls.VersionTLS12,
				CipherSuites: aeadSuites,
				NextProtos:   []string{"http/1.1"},
				Certificates: []tls.Certificate{*st.cert},
				ClientAuth:   tls.RequireAndVerifyClientCert,
				ClientCAs:    st.clientCAs,
			}, nil
		}
	}
	return base
}
