package ipc

import (
	"bytes"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"runtime"
)

// The access check is nipc's shared-secret challenge handshake. A client
// that holds the secret opens its connection with the preamble
// Preamble(EncodingAccessCheck) instead of a request:
//
//	client: 4E 80 00 00
//	server: 0B | challenge (32 random bytes)
//	client: 0C | HMAC-SHA256(secret, "nipc-access-v1" ‖ challenge) | nonce (32 random bytes)
//	server: 00 | HMAC-SHA256(secret, "nipc-server-v1" ‖ nonce ‖ challenge)   accepted
//	        03                                                         rejected; the server closes
//
// and ordinary requests follow on the same connection. A server that does
// not use the check answers the preamble with the single byte 01 and closes.
// docs/PROTOCOL.md §3 has the failure replies and the secret-file rules.

// Access-check message tags.
const (
	AccessChallenge  byte = 0x0B // server: challenge follows
	AccessResponse   byte = 0x0C // client: MAC and nonce follow
	AccessOK         byte = 0x00 // server: accepted; the server's proof follows
	AccessNotEnabled byte = 0x01 // server: this server does not use the check (then it closes)
	AccessRejected   byte = 0x03 // server: wrong secret or malformed response (then it closes)
)

// Sizes of the access-check fields.
const (
	AccessChallengeSize = 32          // the server's random challenge
	AccessNonceSize     = 32          // the client's random nonce
	AccessMACSize       = sha256.Size // each HMAC-SHA256
	MaxSecretFileSize   = 64 << 10    // a larger secret file is refused
	accessChallengeMsg  = 1 + AccessChallengeSize
	accessResponseMsg   = 1 + AccessMACSize + AccessNonceSize
	accessOKMsg         = 1 + AccessMACSize
	accessClientLabel   = "nipc-access-v1"
	accessServerLabel   = "nipc-server-v1"
	secretPermMask      = fs.FileMode(0o027) // group write, and anything for others
)

// AccessCheckRequiredText is the error text a server with the check on sends
// to a request that did not do the check first: a legacy reply
// {"error": "Access check required"} for encodings 1 and 2, and an Error with
// code 3 and this message for encodings 3 and 4.
const AccessCheckRequiredText = "Access check required"

// Access-check errors. A client sees ErrAccessDenied, ErrAccessCheckNotEnabled
// and ErrServerProof from ClientHandshake; ErrAccessCheckRequired is for a
// client without a secret whose request was answered with
// AccessCheckRequiredText. Anything else that breaks the exchange (a wrong
// tag, a connection closed mid-message) wraps ErrAccessProtocol, and the
// underlying I/O error (io.ErrUnexpectedEOF, os.ErrDeadlineExceeded) too.
var (
	ErrAccessDenied          = errors.New("ipc: access check failed: the server rejected the secret")
	ErrAccessCheckNotEnabled = errors.New("ipc: the server does not use an access check")
	ErrServerProof           = errors.New("ipc: access check failed: the server's proof is wrong (it does not hold the secret)")
	ErrAccessCheckRequired   = errors.New("ipc: the server requires the access check")
	ErrAccessProtocol        = errors.New("ipc: access check: protocol error")
	ErrEmptySecret           = errors.New("ipc: access check: empty secret")
)

// SecretFileError reports a secret file that must not be used: its type or
// its permissions. Fix, when not empty, is the command that repairs it.
type SecretFileError struct {
	Path   string
	Mode   fs.FileMode
	Reason string // e.g. "it must not be readable by others"
	Fix    string // e.g. "chmod 600 /x/secret"
}

func (e *SecretFileError) Error() string {
	if e.Fix == "" {
		return fmt.Sprintf("secret file %s %s", e.Path, e.Reason)
	}
	return fmt.Sprintf("secret file %s has mode %04o: %s; run: %s", e.Path, e.Mode.Perm(), e.Reason, e.Fix)
}

// ReadSecretFile reads the shared secret from path: the file's bytes with
// trailing '\r' and '\n' removed. The file must be a regular file (a symbolic
// link to one is followed) of at most MaxSecretFileSize bytes, must not grant
// any access to others nor write access to its group (0400, 0440, 0600 and
// 0640 pass; 0644 does not), and must not be empty after trimming. A refusal
// is a *SecretFileError naming the path, its mode and the chmod that fixes it.
// (Permissions are not checked on Windows, which has no such bits.)
func ReadSecretFile(path string) ([]byte, error) {
	fi, err := os.Stat(path)
	if err != nil {
		return nil, fmt.Errorf("secret file: %w", err)
	}
	if err := checkSecretFile(path, fi); err != nil {
		return nil, err
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("secret file: %w", err)
	}
	defer f.Close()
	// Check what was opened, in case the path changed since the Stat.
	ofi, err := f.Stat()
	if err != nil {
		return nil, fmt.Errorf("secret file %s: %w", path, err)
	}
	if !os.SameFile(fi, ofi) {
		return nil, &SecretFileError{Path: path, Mode: ofi.Mode(), Reason: "changed while it was being opened"}
	}
	if err := checkSecretFile(path, ofi); err != nil {
		return nil, err
	}
	b, err := io.ReadAll(io.LimitReader(f, MaxSecretFileSize+1))
	if err != nil {
		return nil, fmt.Errorf("secret file %s: %w", path, err)
	}
	if len(b) > MaxSecretFileSize {
		return nil, &SecretFileError{Path: path, Mode: ofi.Mode(), Reason: fmt.Sprintf("is larger than %d bytes", MaxSecretFileSize)}
	}
	b = bytes.TrimRight(b, "\r\n")
	if len(b) == 0 {
		return nil, &SecretFileError{Path: path, Mode: ofi.Mode(), Reason: "is empty (trailing newlines do not count): put a random secret in it"}
	}
	return b, nil
}

// checkSecretFile refuses anything but a regular file that only its owner
// and group can read and only its owner can write.
func checkSecretFile(path string, fi fs.FileInfo) error {
	m := fi.Mode()
	if !m.IsRegular() {
		what := "not a regular file"
		switch {
		case m.IsDir():
			what = "a directory"
		case m&fs.ModeNamedPipe != 0:
			what = "a named pipe"
		case m&fs.ModeSocket != 0:
			what = "a socket"
		case m&fs.ModeDevice != 0:
			what = "a device"
		}
		return &SecretFileError{Path: path, Mode: m, Reason: "is " + what + ", not a regular file"}
	}
	if runtime.GOOS == "windows" {
		return nil
	}
	perm := m.Perm()
	if perm&secretPermMask == 0 {
		return nil
	}
	e := &SecretFileError{Path: path, Mode: m}
	var fix fs.FileMode
	switch {
	case perm&0o004 != 0:
		e.Reason = "it must not be readable by others"
		fix = perm&0o700 | 0o400
	case perm&0o007 != 0:
		e.Reason = "it must grant no access to others"
		fix = perm&0o700 | 0o400
	default:
		e.Reason = "it must not be writable by its group"
		fix = perm &^ secretPermMask
	}
	e.Fix = fmt.Sprintf("chmod %o %s", fix, path)
	return e
}

// ClientHandshake runs the client's half of the access check on a fresh
// connection: it writes the access-check preamble, answers the challenge and
// checks the server's proof. On success the connection carries ordinary
// requests. It sets no deadlines: bound rw (a net.Conn's deadline) yourself.
func ClientHandshake(rw io.ReadWriter, secret []byte) error {
	var nonce [AccessNonceSize]byte
	rand.Read(nonce[:])
	return clientHandshake(rw, secret, nonce)
}

func clientHandshake(rw io.ReadWriter, secret []byte, nonce [AccessNonceSize]byte) error {
	if len(secret) == 0 {
		return ErrEmptySecret
	}
	p := Preamble(EncodingAccessCheck)
	if _, err := rw.Write(p[:]); err != nil {
		return fmt.Errorf("ipc: access check: write preamble: %w", err)
	}
	var msg [accessChallengeMsg]byte
	if _, err := io.ReadFull(rw, msg[:1]); err != nil {
		if errors.Is(err, io.EOF) {
			return fmt.Errorf("%w: the server closed the connection instead of sending a challenge (is it a nipc node?): %w", ErrAccessProtocol, err)
		}
		return fmt.Errorf("ipc: access check: read challenge: %w", err)
	}
	switch msg[0] {
	case AccessChallenge:
	case AccessNotEnabled:
		return ErrAccessCheckNotEnabled
	case AccessRejected:
		return ErrAccessDenied
	default:
		return fmt.Errorf("%w: got byte 0x%02x where the challenge (0x%02x) belongs", ErrAccessProtocol, msg[0], AccessChallenge)
	}
	if _, err := io.ReadFull(rw, msg[1:]); err != nil {
		return fmt.Errorf("%w: read challenge: %w", ErrAccessProtocol, unexpectedEOF(err))
	}
	challenge := msg[1:]

	resp := make([]byte, 0, accessResponseMsg)
	resp = append(resp, AccessResponse)
	resp = appendMAC(resp, secret, accessClientLabel, challenge)
	resp = append(resp, nonce[:]...)
	if _, err := rw.Write(resp); err != nil {
		return fmt.Errorf("ipc: access check: write response: %w", err)
	}

	var verdict [accessOKMsg]byte
	if _, err := io.ReadFull(rw, verdict[:1]); err != nil {
		if errors.Is(err, io.EOF) {
			// A server that rejects us says 03 before closing; one that
			// closes without a word rejected us all the same.
			return fmt.Errorf("%w (the server closed the connection without a verdict)", ErrAccessDenied)
		}
		return fmt.Errorf("ipc: access check: read verdict: %w", err)
	}
	switch verdict[0] {
	case AccessOK:
	case AccessRejected:
		return ErrAccessDenied
	default:
		return fmt.Errorf("%w: got verdict byte 0x%02x", ErrAccessProtocol, verdict[0])
	}
	if _, err := io.ReadFull(rw, verdict[1:]); err != nil {
		return fmt.Errorf("%w: read server proof: %w", ErrAccessProtocol, unexpectedEOF(err))
	}
	want := appendMAC(nil, secret, accessServerLabel, nonce[:], challenge)
	if !hmac.Equal(verdict[1:], want) {
		return ErrServerProof
	}
	return nil
}

// ServerHandshake runs the server's half of the access check, after the
// server has read the access-check preamble: it sends a fresh challenge,
// checks the client's response in constant time and, if it is right, proves
// that it holds the secret too. A wrong response (or a wrong tag) is answered
// with AccessRejected and reported as ErrAccessDenied (or ErrAccessProtocol);
// the caller then closes the connection. A read that fails (a truncated
// message, a deadline) is returned wrapped, with nothing written. It sets no
// deadlines: bound rw yourself.
func ServerHandshake(rw io.ReadWriter, secret []byte) error {
	var challenge [AccessChallengeSize]byte
	rand.Read(challenge[:])
	return serverHandshake(rw, secret, challenge)
}

func serverHandshake(rw io.ReadWriter, secret []byte, challenge [AccessChallengeSize]byte) error {
	if len(secret) == 0 {
		return ErrEmptySecret
	}
	msg := make([]byte, 0, accessResponseMsg)
	msg = append(msg, AccessChallenge)
	msg = append(msg, challenge[:]...)
	if _, err := rw.Write(msg); err != nil {
		return fmt.Errorf("ipc: access check: write challenge: %w", err)
	}
	msg = msg[:accessResponseMsg]
	if _, err := io.ReadFull(rw, msg[:1]); err != nil {
		return fmt.Errorf("%w: read response: %w", ErrAccessProtocol, unexpectedEOF(err))
	}
	if msg[0] != AccessResponse {
		rw.Write([]byte{AccessRejected})
		return fmt.Errorf("%w: got byte 0x%02x where the response (0x%02x) belongs", ErrAccessProtocol, msg[0], AccessResponse)
	}
	if _, err := io.ReadFull(rw, msg[1:]); err != nil {
		return fmt.Errorf("%w: read response: %w", ErrAccessProtocol, unexpectedEOF(err))
	}
	mac, nonce := msg[1:1+AccessMACSize], msg[1+AccessMACSize:]
	if !hmac.Equal(mac, appendMAC(nil, secret, accessClientLabel, challenge[:])) {
		rw.Write([]byte{AccessRejected})
		return ErrAccessDenied
	}
	ok := make([]byte, 0, accessOKMsg)
	ok = append(ok, AccessOK)
	ok = appendMAC(ok, secret, accessServerLabel, nonce, challenge[:])
	if _, err := rw.Write(ok); err != nil {
		return fmt.Errorf("ipc: access check: write verdict: %w", err)
	}
	return nil
}

// appendMAC appends HMAC-SHA256(secret, label ‖ parts...) to dst.
func appendMAC(dst, secret []byte, label string, parts ...[]byte) []byte {
	h := hmac.New(sha256.New, secret)
	h.Write([]byte(label))
	for _, p := range parts {
		h.Write(p)
	}
	return h.Sum(dst)
}

// unexpectedEOF turns an EOF inside a message into io.ErrUnexpectedEOF.
func unexpectedEOF(err error) error {
	if err == io.EOF {
		return io.ErrUnexpectedEOF
	}
	return err
}
