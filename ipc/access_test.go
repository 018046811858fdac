package ipc

import (
	"bytes"
	"encoding/hex"
	"errors"
	"io"
	"io/fs"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/iotest"
	"time"
)

var testSecret = []byte("correct horse battery staple")

// pipe returns the two ends of an in-memory connection, closed when t ends,
// with a deadline so that a broken handshake fails the test instead of
// hanging it.
func pipe(t *testing.T) (client, server net.Conn) {
	t.Helper()
	client, server = net.Pipe()
	deadline := time.Now().Add(5 * time.Second)
	client.SetDeadline(deadline)
	server.SetDeadline(deadline)
	t.Cleanup(func() { client.Close(); server.Close() })
	return client, server
}

// serveHandshake reads the preamble on c and runs ServerHandshake with
// secret, closing c afterwards as a server does on failure.
func serveHandshake(c net.Conn, secret []byte) <-chan error {
	done := make(chan error, 1)
	go func() {
		defer c.Close()
		enc, err := ReadPreamble(c)
		if err == nil && enc != EncodingAccessCheck {
			err = errors.New("not the access-check preamble")
		}
		if err == nil {
			err = ServerHandshake(c, secret)
		}
		done <- err
	}()
	return done
}

// sameErr reports whether err matches want (nil only when want is nil).
func sameErr(err, want error) bool {
	if want == nil {
		return err == nil
	}
	return errors.Is(err, want)
}

func TestHandshake(t *testing.T) {
	tests := []struct {
		name                 string
		client, server       []byte
		clientErr, serverErr error
	}{
		{"right secret", testSecret, testSecret, nil, nil},
		{"wrong secret", []byte("wrong"), testSecret, ErrAccessDenied, ErrAccessDenied},
		{"prefix of the secret", testSecret[:len(testSecret)-1], testSecret, ErrAccessDenied, ErrAccessDenied},
		{"secret with a newline", append(append([]byte(nil), testSecret...), '\n'), testSecret, ErrAccessDenied, ErrAccessDenied},
		{"binary secret", []byte{0, 1, 2, 0xff}, []byte{0, 1, 2, 0xff}, nil, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, s := pipe(t)
			done := serveHandshake(s, tt.server)
			if err := ClientHandshake(c, tt.client); !sameErr(err, tt.clientErr) {
				t.Errorf("client: %v, want %v", err, tt.clientErr)
			}
			if err := <-done; !sameErr(err, tt.serverErr) {
				t.Errorf("server: %v, want %v", err, tt.serverErr)
			}
		})
	}
}

func TestHandshakeThenFrames(t *testing.T) {
	c, s := pipe(t)
	go func() {
		if _, err := ReadPreamble(s); err != nil {
			return
		}
		if ServerHandshake(s, testSecret) != nil {
			return
		}
		enc, _ := ReadPreamble(s)
		p, _ := ReadFrame(s, 100, nil)
		s.Write(AppendFrame(nil, append([]byte(enc.String()+":"), p...)))
	}()
	if err := ClientHandshake(c, testSecret); err != nil {
		t.Fatal(err)
	}
	c.Write(AppendRequest(nil, EncodingJSON, []byte("hi")))
	if p, err := ReadFrame(c, 100, nil); err != nil || string(p) != "json_v1:hi" {
		t.Fatalf("got %q, %v", p, err)
	}
}

// recorder is one side of a handshake that records what the other side sent.
type recorder struct {
	io.ReadWriter
	read bytes.Buffer
}

func (r *recorder) Read(p []byte) (int, error) {
	n, err := r.ReadWriter.Read(p)
	r.read.Write(p[:n])
	return n, err
}

func mustHex(s string) []byte {
	b, err := hex.DecodeString(strings.Join(strings.Fields(s), ""))
	if err != nil {
		panic(err)
	}
	return b
}

// TestHandshakeVector pins the wire bytes for a fixed challenge and nonce
// (computed independently with Python's hmac module), so that other
// implementations can check theirs against docs/PROTOCOL.md.
func TestHandshakeVector(t *testing.T) {
	var challenge [AccessChallengeSize]byte
	var nonce [AccessNonceSize]byte
	for i := range challenge {
		challenge[i] = byte(i)
		nonce[i] = byte(0x80 + i)
	}
	secret := []byte("s3cr3t")
	c, s := pipe(t)
	srv := &recorder{ReadWriter: s}
	cli := &recorder{ReadWriter: c}
	done := make(chan error, 1)
	go func() {
		if _, err := ReadPreamble(srv); err != nil {
			done <- err
			return
		}
		done <- serverHandshake(srv, secret, challenge)
	}()
	if err := clientHandshake(cli, secret, nonce); err != nil {
		t.Fatal(err)
	}
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	wantClient := mustHex(`4e800000 0c
		2d3a870b4b24bae94569d4a18249337c446ffc911e1cad7a263abe36871d9626
		808182838485868788898a8b8c8d8e8f909192939495969798999a9b9c9d9e9f`)
	wantServer := mustHex(`0b
		000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f
		00
		cea5edd9de2e4e160c75a47a0bbcd7efe47e7159c0c0faa87ea36a7661f1ed6d`)
	if got := srv.read.Bytes(); !bytes.Equal(got, wantClient) {
		t.Errorf("client sent\n% x\nwant\n% x", got, wantClient)
	}
	if got := cli.read.Bytes(); !bytes.Equal(got, wantServer) {
		t.Errorf("server sent\n% x\nwant\n% x", got, wantServer)
	}
}

// script is a peer whose bytes are fixed in advance; what the other side
// writes is collected.
type script struct {
	io.Reader
	written bytes.Buffer
}

func (s *script) Write(p []byte) (int, error) { return s.written.Write(p) }

func challengeMsg() []byte {
	return append([]byte{AccessChallenge}, make([]byte, AccessChallengeSize)...)
}

func TestClientHandshakeAgainstBadServers(t *testing.T) {
	var zeroNonce [AccessNonceSize]byte
	var zeroChallenge [AccessChallengeSize]byte
	proof := appendMAC(nil, testSecret, accessServerLabel, zeroNonce[:], zeroChallenge[:])
	wrongProof := appendMAC(nil, []byte("not the secret"), accessServerLabel, zeroNonce[:], zeroChallenge[:])
	tampered := bytes.Clone(proof)
	tampered[7] ^= 1
	cat := func(parts ...[]byte) []byte { return bytes.Join(parts, nil) }
	tests := []struct {
		name   string
		server []byte
		want   []error
	}{
		{"honest server", cat(challengeMsg(), []byte{AccessOK}, proof), nil},
		{"check not enabled", []byte{AccessNotEnabled}, []error{ErrAccessCheckNotEnabled}},
		{"rejected before the challenge", []byte{AccessRejected}, []error{ErrAccessDenied}},
		{"closed at once (a C++ node)", nil, []error{ErrAccessProtocol, io.EOF}},
		{"a frame instead of a challenge", []byte("\x00\x00\x00\x02{}"), []error{ErrAccessProtocol}},
		{"truncated challenge", challengeMsg()[:10], []error{ErrAccessProtocol, io.ErrUnexpectedEOF}},
		{"rejected", cat(challengeMsg(), []byte{AccessRejected}), []error{ErrAccessDenied}},
		{"closed without a verdict", challengeMsg(), []error{ErrAccessDenied}},
		{"unknown verdict", cat(challengeMsg(), []byte{0x07}), []error{ErrAccessProtocol}},
		{"truncated proof", cat(challengeMsg(), []byte{AccessOK}, proof[:31]), []error{ErrAccessProtocol, io.ErrUnexpectedEOF}},
		{"tampered proof", cat(challengeMsg(), []byte{AccessOK}, tampered), []error{ErrServerProof}},
		{"proof from another secret", cat(challengeMsg(), []byte{AccessOK}, wrongProof), []error{ErrServerProof}},
		{"accepts anything, proves nothing", cat(challengeMsg(), []byte{AccessOK}, make([]byte, AccessMACSize)), []error{ErrServerProof}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for _, r := range []struct {
				name string
				r    io.Reader
			}{{"whole", bytes.NewReader(tt.server)}, {"byte by byte", iotest.OneByteReader(bytes.NewReader(tt.server))}} {
				err := clientHandshake(&script{Reader: r.r}, testSecret, zeroNonce)
				if tt.want == nil && err != nil {
					t.Errorf("%s: %v, want success", r.name, err)
				}
				for _, w := range tt.want {
					if !errors.Is(err, w) {
						t.Errorf("%s: %v, want %v", r.name, err, w)
					}
				}
			}
		})
	}
}

func TestServerHandshakeAgainstBadClients(t *testing.T) {
	var challenge [AccessChallengeSize]byte
	challenge[0] = 42
	mac := appendMAC(nil, testSecret, accessClientLabel, challenge[:])
	nonce := bytes.Repeat([]byte{9}, AccessNonceSize)
	cat := func(parts ...[]byte) []byte { return bytes.Join(parts, nil) }
	tests := []struct {
		name     string
		client   []byte
		want     []error
		verdict  []byte // what follows the challenge
		verdictN int    // or just its length, when it is a proof
	}{
		{"right response", cat([]byte{AccessResponse}, mac, nonce), nil, nil, accessOKMsg},
		{"nothing", nil, []error{ErrAccessProtocol, io.ErrUnexpectedEOF}, nil, 0},
		{"tag only", []byte{AccessResponse}, []error{ErrAccessProtocol, io.ErrUnexpectedEOF}, nil, 0},
		{"truncated mac", cat([]byte{AccessResponse}, mac[:20]), []error{ErrAccessProtocol, io.ErrUnexpectedEOF}, nil, 0},
		{"no nonce", cat([]byte{AccessResponse}, mac), []error{ErrAccessProtocol, io.ErrUnexpectedEOF}, nil, 0},
		{"wrong tag", cat([]byte{0x0d}, mac, nonce), []error{ErrAccessProtocol}, []byte{AccessRejected}, 0},
		{"a request instead", []byte("N\x01\x00\x00\x00\x00\x00\x02{}"), []error{ErrAccessProtocol}, []byte{AccessRejected}, 0},
		{"wrong mac", cat([]byte{AccessResponse}, make([]byte, AccessMACSize), nonce), []error{ErrAccessDenied}, []byte{AccessRejected}, 0},
		{"mac of another secret", cat([]byte{AccessResponse}, appendMAC(nil, []byte("x"), accessClientLabel, challenge[:]), nonce), []error{ErrAccessDenied}, []byte{AccessRejected}, 0},
		{"mac with the server label", cat([]byte{AccessResponse}, appendMAC(nil, testSecret, accessServerLabel, challenge[:]), nonce), []error{ErrAccessDenied}, []byte{AccessRejected}, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := &script{Reader: iotest.HalfReader(bytes.NewReader(tt.client))}
			err := serverHandshake(s, testSecret, challenge)
			if tt.want == nil && err != nil {
				t.Fatalf("%v, want success", err)
			}
			for _, w := range tt.want {
				if !errors.Is(err, w) {
					t.Errorf("%v, want %v", err, w)
				}
			}
			out := s.written.Bytes()
			if !bytes.HasPrefix(out, append([]byte{AccessChallenge}, challenge[:]...)) {
				t.Fatalf("server did not start with its challenge: % x", out)
			}
			after := out[accessChallengeMsg:]
			if tt.verdictN > 0 {
				want := append([]byte{AccessOK}, appendMAC(nil, testSecret, accessServerLabel, nonce, challenge[:])...)
				if !bytes.Equal(after, want) {
					t.Fatalf("verdict % x, want % x", after, want)
				}
			} else if !bytes.Equal(after, tt.verdict) {
				t.Fatalf("after the challenge the server wrote % x, want % x", after, tt.verdict)
			}
		})
	}
}

// TestReplayedResponseFails: a response recorded from one handshake does not
// open another, because every challenge is fresh.
func TestReplayedResponseFails(t *testing.T) {
	c, s := pipe(t)
	done := serveHandshake(s, testSecret)
	var sent bytes.Buffer
	rw := struct {
		io.Reader
		io.Writer
	}{c, io.MultiWriter(c, &sent)}
	if err := ClientHandshake(rw, testSecret); err != nil {
		t.Fatal(err)
	}
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	response := sent.Bytes()[4:] // after the preamble
	if len(response) != accessResponseMsg {
		t.Fatalf("recorded %d bytes of response, want %d", len(response), accessResponseMsg)
	}
	for range 3 {
		sc := &script{Reader: bytes.NewReader(response)}
		if err := ServerHandshake(sc, testSecret); !errors.Is(err, ErrAccessDenied) {
			t.Fatalf("replayed response: %v, want ErrAccessDenied", err)
		}
		if got := sc.written.Bytes()[accessChallengeMsg:]; !bytes.Equal(got, []byte{AccessRejected}) {
			t.Fatalf("replayed response answered % x, want 03", got)
		}
	}
}

func TestChallengesAreFresh(t *testing.T) {
	seen := map[string]bool{}
	for range 100 {
		sc := &script{Reader: bytes.NewReader(nil)}
		ServerHandshake(sc, testSecret)
		ch := string(sc.written.Bytes()[1:accessChallengeMsg])
		if seen[ch] {
			t.Fatal("a challenge repeated")
		}
		seen[ch] = true
	}
}

func TestEmptySecret(t *testing.T) {
	sc := &script{Reader: bytes.NewReader(nil)}
	if err := ClientHandshake(sc, nil); !errors.Is(err, ErrEmptySecret) || sc.written.Len() != 0 {
		t.Errorf("client: %v, wrote % x", err, sc.written.Bytes())
	}
	if err := ServerHandshake(sc, []byte{}); !errors.Is(err, ErrEmptySecret) || sc.written.Len() != 0 {
		t.Errorf("server: %v, wrote % x", err, sc.written.Bytes())
	}
}

func TestServerHandshakeStalledClient(t *testing.T) {
	c, s := net.Pipe()
	defer c.Close()
	defer s.Close()
	s.SetDeadline(time.Now().Add(100 * time.Millisecond))
	go io.Copy(io.Discard, c) // read the challenge, then say nothing
	err := ServerHandshake(s, testSecret)
	if !errors.Is(err, os.ErrDeadlineExceeded) {
		t.Fatalf("%v, want a deadline error", err)
	}
}

func TestReadSecretFile(t *testing.T) {
	dir := t.TempDir()
	write := func(name, content string, mode fs.FileMode) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(content), 0o600); err != nil {
			t.Fatal(err)
		}
		if err := os.Chmod(p, mode); err != nil {
			t.Fatal(err)
		}
		return p
	}
	tests := []struct {
		name    string
		content string
		mode    fs.FileMode
		want    string // the secret, or
		errHas  []string
	}{
		{"0400", "s3cr3t", 0o400, "s3cr3t", nil},
		{"0440", "s3cr3t", 0o440, "s3cr3t", nil},
		{"0600", "s3cr3t", 0o600, "s3cr3t", nil},
		{"0640", "s3cr3t", 0o640, "s3cr3t", nil},
		{"trailing LF", "s3cr3t\n", 0o600, "s3cr3t", nil},
		{"trailing CRLF", "s3cr3t\r\n", 0o600, "s3cr3t", nil},
		{"several trailing newlines", "s3cr3t\n\r\n\n", 0o600, "s3cr3t", nil},
		{"inner and leading whitespace kept", " s3 cr\n3t \n", 0o600, " s3 cr\n3t ", nil},
		{"0644", "s3cr3t", 0o644, "", []string{"has mode 0644", "must not be readable by others", "run: chmod 600 "}},
		{"0604", "s3cr3t", 0o604, "", []string{"has mode 0604", "must not be readable by others", "run: chmod 600 "}},
		{"0444", "s3cr3t", 0o444, "", []string{"has mode 0444", "run: chmod 400 "}},
		{"0602 other write", "s3cr3t", 0o602, "", []string{"has mode 0602", "no access to others", "run: chmod 600 "}},
		{"0601 other exec", "s3cr3t", 0o601, "", []string{"has mode 0601", "no access to others"}},
		{"0620 group write", "s3cr3t", 0o620, "", []string{"has mode 0620", "must not be writable by its group", "run: chmod 600 "}},
		{"0660 group write", "s3cr3t", 0o660, "", []string{"has mode 0660", "must not be writable by its group", "run: chmod 640 "}},
		{"0666", "s3cr3t", 0o666, "", []string{"has mode 0666", "run: chmod 600 "}},
		{"empty", "", 0o600, "", []string{"is empty"}},
		{"only a newline", "\n", 0o600, "", []string{"is empty"}},
		{"only CRLFs", "\r\n\r\n", 0o400, "", []string{"is empty"}},
		{"too large", strings.Repeat("x", MaxSecretFileSize+1), 0o600, "", []string{"larger than"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := write(strings.ReplaceAll(tt.name, " ", "_"), tt.content, tt.mode)
			got, err := ReadSecretFile(p)
			if tt.errHas == nil {
				if err != nil || string(got) != tt.want {
					t.Fatalf("got %q, %v; want %q", got, err, tt.want)
				}
				return
			}
			if err == nil {
				t.Fatalf("got %q, want an error", got)
			}
			if _, ok := errors.AsType[*SecretFileError](err); !ok {
				t.Errorf("%T is not a *SecretFileError", err)
			}
			msg := err.Error()
			for _, h := range append(tt.errHas, p) {
				if !strings.Contains(msg, h) {
					t.Errorf("error %q does not contain %q", msg, h)
				}
			}
		})
	}
	t.Run("exact message", func(t *testing.T) {
		p := write("exact", "x", 0o644)
		_, err := ReadSecretFile(p)
		want := "secret file " + p + " has mode 0644: it must not be readable by others; run: chmod 600 " + p
		if err == nil || err.Error() != want {
			t.Fatalf("got %v\nwant %s", err, want)
		}
	})
	t.Run("directory", func(t *testing.T) {
		d := filepath.Join(dir, "adir")
		os.Mkdir(d, 0o700)
		_, err := ReadSecretFile(d)
		if err == nil || !strings.Contains(err.Error(), "is a directory, not a regular file") || !strings.Contains(err.Error(), d) {
			t.Fatalf("got %v", err)
		}
	})
	t.Run("missing", func(t *testing.T) {
		p := filepath.Join(dir, "missing")
		_, err := ReadSecretFile(p)
		if !errors.Is(err, fs.ErrNotExist) || !strings.Contains(err.Error(), p) {
			t.Fatalf("got %v", err)
		}
	})
	t.Run("symlink to a good file", func(t *testing.T) {
		target := write("target", "s3cr3t\n", 0o400)
		link := filepath.Join(dir, "link")
		if err := os.Symlink(target, link); err != nil {
			t.Skip(err)
		}
		if got, err := ReadSecretFile(link); err != nil || string(got) != "s3cr3t" {
			t.Fatalf("got %q, %v", got, err)
		}
	})
}

// FuzzServerHandshake feeds arbitrary client bytes, whole and split in two,
// to the server's half with a fixed challenge: it must never panic, must
// accept exactly the right response, and must answer anything else with
// nothing (a short read) or 03.
func FuzzServerHandshake(f *testing.F) {
	var challenge [AccessChallengeSize]byte
	for i := range challenge {
		challenge[i] = byte(i)
	}
	secret := []byte("s3cr3t")
	good := append([]byte{AccessResponse}, appendMAC(nil, secret, accessClientLabel, challenge[:])...)
	good = append(good, make([]byte, AccessNonceSize)...)
	f.Add(good, uint8(1))
	f.Add(good[:40], uint8(20))
	f.Add([]byte("N\x01\x00\x00\x00\x00\x00\x02{}"), uint8(3))
	f.Fuzz(func(t *testing.T, in []byte, cut uint8) {
		run := func(r io.Reader) ([]byte, error) {
			s := &script{Reader: r}
			err := serverHandshake(s, secret, challenge)
			return s.written.Bytes(), err
		}
		out1, err1 := run(bytes.NewReader(in))
		split := min(int(cut), len(in))
		out2, err2 := run(io.MultiReader(bytes.NewReader(in[:split]), bytes.NewReader(in[split:])))
		if !bytes.Equal(out1, out2) || (err1 == nil) != (err2 == nil) {
			t.Fatalf("whole and split input disagree: % x %v / % x %v", out1, err1, out2, err2)
		}
		right := len(in) >= accessResponseMsg && bytes.Equal(in[:1+AccessMACSize], good[:1+AccessMACSize])
		if right != (err1 == nil) {
			t.Fatalf("accepted=%v for a response that is right=%v (%v)", err1 == nil, right, err1)
		}
		if !bytes.HasPrefix(out1, append([]byte{AccessChallenge}, challenge[:]...)) {
			t.Fatalf("no challenge first: % x", out1)
		}
		switch after := out1[accessChallengeMsg:]; {
		case right:
			if len(after) != accessOKMsg || after[0] != AccessOK {
				t.Fatalf("accepted with % x", after)
			}
		case len(after) == 0:
			if !errors.Is(err1, io.ErrUnexpectedEOF) {
				t.Fatalf("silent failure %v is not a short read", err1)
			}
		case !bytes.Equal(after, []byte{AccessRejected}):
			t.Fatalf("rejected with % x, want 03", after)
		}
	})
}
