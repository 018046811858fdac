package client

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"time"

	"github.com/nipc/nipc/api"
	"github.com/nipc/nipc/api/fb"
	"github.com/nipc/nipc/ipc"
)

// The access check (docs/PROTOCOL.md §3). When Config.AccessFile is set,
// Dial reads the secret from it once (ipc.ReadSecretFile: a file that others
// can read, say, is refused before anything is dialled, as *AccessFileError),
// and every connection the client opens, pooled or for a subscription, runs
// ipc.ClientHandshake before its first request, within the call's ctx and
// DialTimeout. A node that refuses the secret, does not use the check, or
// fails to prove that it holds the secret gives an *AccessError; so does a
// node that requires the check from a client without AccessFile.

// AccessError reports that the access check kept the client from the node.
// Err is ipc.ErrAccessDenied (wrong secret), ipc.ErrAccessCheckNotEnabled
// (the client has a secret, the node does not use the check),
// ipc.ErrServerProof (the peer does not hold the secret) or
// ipc.ErrAccessCheckRequired (the node requires the check, the client has no
// secret); errors.Is sees through to it.
type AccessError struct {
	Network, Address string
	File             string // the client's secret file; "" when it has none
	Origin           string // the flag that gave File (Config.Origin); "" is the environment
	Err              error
}

func (e *AccessError) Error() string {
	node := e.Network + ":" + e.Address
	switch {
	case errors.Is(e.Err, ipc.ErrAccessCheckNotEnabled) && e.Origin != "":
		return fmt.Sprintf("client: %s is set but the node at %s does not use an access check (drop %s or enable [node.ipc.access_check])", e.Origin, node, e.Origin)
	case errors.Is(e.Err, ipc.ErrAccessCheckNotEnabled):
		return fmt.Sprintf("client: %s is set but the node at %s does not use an access check (unset %s or enable [node.ipc.access_check])", EnvAccessFile, node, EnvAccessFile)
	case errors.Is(e.Err, ipc.ErrAccessCheckRequired):
		return fmt.Sprintf("client: the node at %s requires the access check: set %s to its secret file (the node's [node.ipc.access_check] file)", node, EnvAccessFile)
	case errors.Is(e.Err, ipc.ErrAccessDenied):
		return fmt.Sprintf("client: the node at %s rejected the access check: the secret in %s is not the node's", node, e.File)
	case errors.Is(e.Err, ipc.ErrServerProof):
		return fmt.Sprintf("client: the peer at %s did not prove that it holds the secret in %s; connection refused (is something else listening there?)", node, e.File)
	}
	return fmt.Sprintf("client: access check with the node at %s: %v", node, e.Err)
}

func (e *AccessError) Unwrap() error { return e.Err }

// AccessFileError reports a secret file (Config.AccessFile) that cannot be
// used: missing, unreadable, empty, or open to others (the text names the
// chmod that fixes it). Nothing was dialled.
type AccessFileError struct {
	Path   string
	Origin string // the flag that gave Path (Config.Origin); "" is the environment
	Err    error
}

func (e *AccessFileError) Error() string {
	if e.Origin != "" {
		return fmt.Sprintf("client: cannot use the access file (%s %s): %v", e.Origin, e.Path, e.Err)
	}
	return fmt.Sprintf("client: cannot use the access file (%s=%s): %v", EnvAccessFile, e.Path, e.Err)
}

func (e *AccessFileError) Unwrap() error { return e.Err }

// readSecret reads the secret file named by the config, if any.
func readSecret(cfg Config) ([]byte, error) {
	if cfg.AccessFile == "" {
		return nil, nil
	}
	secret, err := ipc.ReadSecretFile(cfg.AccessFile)
	if err != nil {
		return nil, &AccessFileError{Path: cfg.AccessFile, Origin: cfg.Origin.AccessFile, Err: err}
	}
	return secret, nil
}

// handshake runs the access check on a freshly dialled connection, bounded by
// ctx and DialTimeout. The caller closes nc if it fails.
func (c *Client) handshake(ctx context.Context, nc net.Conn) error {
	deadline := time.Now().Add(c.cfg.DialTimeout)
	if d, ok := ctx.Deadline(); ok && d.Before(deadline) {
		deadline = d
	}
	nc.SetDeadline(deadline)
	stop := context.AfterFunc(ctx, func() { nc.SetDeadline(time.Unix(1, 0)) })
	err := ipc.ClientHandshake(nc, c.secret)
	if !stop() || err != nil {
		if ctx.Err() != nil {
			return ctx.Err()
		}
		return c.accessError(err)
	}
	nc.SetDeadline(time.Time{})
	return nil
}

// accessError turns a handshake error into the client's error types.
func (c *Client) accessError(err error) error {
	network, addr := c.cfg.Network()
	for _, sentinel := range []error{ipc.ErrAccessDenied, ipc.ErrAccessCheckNotEnabled, ipc.ErrServerProof, ipc.ErrAccessCheckRequired} {
		if errors.Is(err, sentinel) {
			return &AccessError{Network: network, Address: addr, File: c.cfg.AccessFile, Origin: c.cfg.Origin.AccessFile, Err: err}
		}
	}
	if errors.Is(err, ipc.ErrAccessProtocol) {
		return &ProtocolError{Err: fmt.Errorf("access check with the node at %s:%s: %w", network, addr, err)}
	}
	return err
}

// accessRequired reports whether reply, in encoding enc, is a node's
// "Access check required" answer to a client that did not do the check
// (docs/PROTOCOL.md §3): only a client without a secret can get one, and the
// reply is short, so the common case costs one comparison.
func (c *Client) accessRequired(enc ipc.Encoding, reply []byte) bool {
	if c.secret != nil || len(reply) > 512 || !bytes.Contains(reply, []byte(ipc.AccessCheckRequiredText)) {
		return false
	}
	switch enc {
	case ipc.EncodingJSON, ipc.EncodingJSONUnsafe:
		se, ok := errors.AsType[*ServerError](LegacyError(reply))
		return ok && se.Text == ipc.AccessCheckRequiredText
	case ipc.EncodingFlatbuffers:
		env, err := api.Decode(reply)
		if err != nil || env.Message == nil {
			return false
		}
		e, ok := env.Message.Value.(*fb.ErrorT)
		return ok && isAccessRequiredError(e)
	case ipc.EncodingFlatbuffersJSON:
		var env struct {
			Type    string    `json:"message_type"`
			Message fb.ErrorT `json:"message"`
		}
		return json.Unmarshal(reply, &env) == nil && env.Type == "Error" && isAccessRequiredError(&env.Message)
	}
	return false
}

func isAccessRequiredError(e *fb.ErrorT) bool {
	return e.Code == api.CodeAccessDenied && e.Message == ipc.AccessCheckRequiredText
}

// errAccessRequired is the error for a request the node answered with
// "Access check required".
func (c *Client) errAccessRequired() error {
	network, addr := c.cfg.Network()
	return &AccessError{Network: network, Address: addr, Err: ipc.ErrAccessCheckRequired}
}
