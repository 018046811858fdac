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

// config is the listener's TLS configuration. HTTP/1.1 only: WebSocket
// upgrades and keep-alive both work, and per-request behaviour stays that
// of the node's HTTP server.
func (cs *certStore) config() *tls.Config {
	base := &tls.Config{
		MinVersion: tls.VersionTLS12,
		NextProtos: []string{"http/1.1"},
		GetCertificate: func(*tls.ClientHelloInfo) (*tls.Certificate, error) {
			return cs.cur.Load().cert, nil
		},
	}
	if cs.files.ClientCertsPath != "" {
		base.GetConfigForClient = func(*tls.ClientHelloInfo) (*tls.Config, error) {
			st := cs.cur.Load()
			return &tls.Config{
				MinVersion:   tls.VersionTLS12,
				NextProtos:   []string{"http/1.1"},
				Certificates: []tls.Certificate{*st.cert},
				ClientAuth:   tls.RequireAndVerifyClientCert,
				ClientCAs:    st.clientCAs,
			}, nil
		}
	}
	return base
}
