package natsbus

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
	"github.com/nats-io/nkeys"

	"github.com/nipc/nipc/internal/config"
	"github.com/nipc/nipc/ipc"
)

// Reconnect backoff: from reconnectMin, doubling, to reconnectMax, with up
// to a quarter of jitter; for ever.
const (
	reconnectMin = 100 * time.Millisecond
	reconnectMax = 5 * time.Second
)

// Connect connects to the servers of c as name (the client name the
// servers show) and returns the connection and its JetStream context. It
// does not wait for a server: when none answers yet, the connection keeps
// trying in the background (for ever, with backoff), as it does after
// every disconnection; Status says where it is. An error is a
// configuration the client cannot use: an unreadable or too open creds or
// nkey file (the access-check secret's rules: ipc.ReadSecretFile), a bad
// TLS file.
func Connect(ctx context.Context, c config.NATS, name string, log *slog.Logger) (*nats.Conn, jetstream.JetStream, error) {
	opts, err := options(c, name, log)
	if err != nil {
		return nil, nil, err
	}
	nc, err := nats.Connect("", opts...)
	if err != nil {
		return nil, nil, fmt.Errorf("nats: %w", err)
	}
	js, err := jetstream.New(nc)
	if err != nil {
		nc.Close()
		return nil, nil, fmt.Errorf("nats: %w", err)
	}
	return nc, js, nil
}

// options are the client options of c.
func options(c config.NATS, name string, log *slog.Logger) ([]nats.Option, error) {
	opts := []nats.Option{
		nats.Name(name),
		func(o *nats.Options) error { o.Servers = c.Servers; return nil },
		nats.RetryOnFailedConnect(true),
		nats.MaxReconnects(-1),
		nats.CustomReconnectDelay(func(attempts int) time.Duration {
			d := reconnectMax
			if attempts < 16 {
				d = min(reconnectMin<<attempts, reconnectMax)
			}
			return d + rand.N(d/4+1)
		}),
		nats.ConnectHandler(func(nc *nats.Conn) { log.Info("nats: connected", "server", nc.ConnectedUrlRedacted()) }),
		nats.ReconnectHandler(func(nc *nats.Conn) { log.Info("nats: reconnected", "server", nc.ConnectedUrlRedacted()) }),
		nats.DisconnectErrHandler(func(nc *nats.Conn, err error) {
			if err != nil {
				log.Warn("nats: disconnected; reconnecting", "err", err)
			}
		}),
		nats.ErrorHandler(func(_ *nats.Conn, _ *nats.Subscription, err error) { log.Warn("nats", "err", err) }),
	}
	switch {
	case c.CredsFile != "":
		b, err := ipc.ReadSecretFile(c.CredsFile)
		if err != nil {
			return nil, fmt.Errorf("nats creds_file: %w", err)
		}
		jwt, err := nkeys.ParseDecoratedJWT(b)
		if err != nil {
			return nil, fmt.Errorf("nats creds_file %s: %w", c.CredsFile, err)
		}
		kp, err := nkeys.ParseDecoratedNKey(b)
		if err != nil {
			return nil, fmt.Errorf("nats creds_file %s: %w", c.CredsFile, err)
		}
		opts = append(opts, nats.UserJWT(func() (string, error) { return jwt, nil }, kp.Sign))
	case c.NkeySeedFile != "":
		b, err := ipc.ReadSecretFile(c.NkeySeedFile)
		if err != nil {
			return nil, fmt.Errorf("nats nkey_seed_file: %w", err)
		}
		kp, err := nkeys.ParseDecoratedNKey(b)
		if err != nil {
			return nil, fmt.Errorf("nats nkey_seed_file %s: %w", c.NkeySeedFile, err)
		}
		pub, err := kp.PublicKey()
		if err != nil {
			return nil, fmt.Errorf("nats nkey_seed_file %s: %w", c.NkeySeedFile, err)
		}
		opts = append(opts, nats.Nkey(pub, kp.Sign))
	case c.User != "":
		opts = append(opts, nats.UserInfo(c.User, c.Password))
	}
	if c.TLSCAFile != "" {
		opts = append(opts, nats.RootCAs(c.TLSCAFile))
	}
	if c.TLSCertFile != "" {
		opts = append(opts, nats.ClientCert(c.TLSCertFile, c.TLSKeyFile))
	}
	return opts, nil
}

// StreamConfig is the confirmation stream of c: subjects P.confirmation.>,
// file storage, c's replicas, max age and bytes (the oldest go first), and
// a two-minute de-duplication window. Only the node creates the stream:
// a gateway opens it by name (SubjectsOf) and reads it as it is.
func StreamConfig(c config.NodeNATS) jetstream.StreamConfig {
	s := SubjectsOf(c.NATS)
	return jetstream.StreamConfig{
		Name:        s.Stream,
		Description: "nipc confirmations, in confirmation order, each once",
		Subjects:    []string{s.Confirmations()},
		Storage:     jetstream.FileStorage,
		Replicas:    c.Replicas,
		MaxAge:      c.MaxAge.Duration(),
		MaxBytes:    maxBytes(c.MaxBytes),
		Discard:     jetstream.DiscardOld,
		Duplicates:  DuplicateWindow,
		Retention:   jetstream.LimitsPolicy,
	}
}

// DuplicateWindow is the stream's de-duplication window.
const DuplicateWindow = 2 * time.Minute

func maxBytes(n int64) int64 {
	if n == 0 {
		return -1
	}
	return n
}

// EnsureStream creates the confirmation stream, or updates an existing
// one to c's limits.
func EnsureStream(ctx context.Context, js jetstream.JetStream, c config.NodeNATS) (jetstream.Stream, error) {
	st, err := js.CreateOrUpdateStream(ctx, StreamConfig(c))
	if err != nil {
		if errors.Is(err, context.DeadlineExceeded) || errors.Is(err, nats.ErrNoResponders) {
			return nil, fmt.Errorf("nats: stream %s: JetStream does not answer (is it enabled on the server?): %w", StreamConfig(c).Name, err)
		}
		return nil, fmt.Errorf("nats: stream %s: %w", StreamConfig(c).Name, err)
	}
	return st, nil
}
