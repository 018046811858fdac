package nano

import (
	"crypto/rand"
	"errors"
	"math/big"
	"strings"
	"testing"
)

// The live genesis open block (live_genesis_data in nano/secure/common.cpp)
// and its well-known hash, 991CF190...8948: a second independent vector for
// legacy hashing, signing and work besides the dev genesis.
func liveGenesisBlock(t testing.TB) *Block {
	pub := PublicKey(mustHex32(t, "E89208DD038FBB269987689621D52292AE9C35941A7484756ECCED92A65093BA"))
	sig, err := ParseSignature("9F0C933C8ADE004D808EA1985FA746A7E95BA2A38F867640F53EC8F180BDFE9E2C1268DEAD7C2664F356E37ABA362BC58E46DBA03E523A7B5A19E4B6EB12BB02")
	if err != nil {
		t.Fatal(err)
	}
	return &Block{Type: BlockTypeOpen, Source: Hash(pub), Representative: pub, Account: pub, Signature: sig, Work: 0x62f05417dd3fb691}
}

const liveGenesisHash = "991CF190094C00F0B68E2E5F75F6BEE95A2E0BD93CEAA4A6734DB9F19B728948"

func TestSignReproducesGenesisSignatures(t *testing.T) {
	// The node signs deterministically; signing the dev genesis hash with
	// the published dev key must give the published signature bit for bit.
	b := DevGenesisBlock()
	h := b.Hash()
	if got := Sign(DevGenesisKey(), h[:]); got != b.Signature {
		t.Fatalf("Sign(dev genesis) = %s\nwant %s", got, b.Signature)
	}
	live := liveGenesisBlock(t)
	lh := live.Hash()
	if lh.String() != liveGenesisHash {
		t.Fatalf("live genesis hash = %s", lh)
	}
	if !Verify(live.Account, lh[:], live.Signature) {
		t.Fatal("live genesis signature does not verify")
	}
}

func TestSignVerifyRoundTrip(t *testing.T) {
	for _, n := range []int{0, 1, 32, 200} {
		var seed Seed
		rand.Read(seed[:])
		priv := DeriveKey(seed, uint32(n))
		pub := priv.PublicKey()
		msg := make([]byte, n)
		rand.Read(msg)
		sig := Sign(priv, msg)
		if !Verify(pub, msg, sig) {
			t.Fatalf("len %d: signature does not verify", n)
		}
		if Sign(priv, msg) != sig {
			t.Fatalf("len %d: signing is not deterministic", n)
		}
		other := DeriveKey(seed, uint32(n)+1).PublicKey()
		if Verify(other, msg, sig) {
			t.Fatalf("len %d: verifies under another key", n)
		}
		if n > 0 {
			bad := append([]byte(nil), msg...)
			bad[0] ^= 1
			if Verify(pub, bad, sig) {
				t.Fatalf("len %d: verifies another message", n)
			}
		}
		for _, i := range []int{0, 31, 32, 62} {
			bad := sig
			bad[i] ^= 0x01
			if Verify(pub, msg, bad) {
				t.Fatalf("len %d: verifies with byte %d flipped", n, i)
			}
		}
	}
}

// groupOrder is l = 2^252 + 27742317777372353535851937790883648493.
var groupOrder, _ = new(big.Int).SetString("7237005577332262213973186563042994240857116359379907606001950938285454250989", 10)

// TestVerifyAcceptsWhatTheNodeAccepts pins ed25519-donna's rule, which the
// node uses: S is only required to have its top three bits clear, so S+l
// (always below 2^253) verifies like S; anything with those bits set fails.
func TestVerifyAcceptsWhatTheNodeAccepts(t *testing.T) {
	b := DevGenesisBlock()
	h := b.Hash()

	le := func(x *big.Int) [32]byte { // little-endian 32 bytes
		var out [32]byte
		bs := x.Bytes()
		for i, v := range bs {
			out[len(bs)-1-i] = v
		}
		return out
	}
	sBytes := b.Signature[32:]
	rev := make([]byte, 32)
	for i, v := range sBytes {
		rev[31-i] = v
	}
	s := new(big.Int).SetBytes(rev)
	sPlusL := le(new(big.Int).Add(s, groupOrder))
	malleated := b.Signature
	copy(malleated[32:], sPlusL[:])
	if !Verify(b.Account, h[:], malleated) {
		t.Error("S+l is rejected; the node accepts it")
	}

	high := b.Signature
	high[63] |= 0x20
	if Verify(b.Account, h[:], high) {
		t.Error("S with bit 253 set is accepted; the node rejects it")
	}

	var notOnCurve PublicKey
	notOnCurve[0] = 2 // y = 2 has no x on the curve
	if Verify(notOnCurve, h[:], b.Signature) {
		t.Error("a key that is not a curve point verifies")
	}
}

func TestParseSignature(t *testing.T) {
	if s, err := ParseSignature(strings.ToLower(DevGenesisSignatureHex)); err != nil || s.String() != DevGenesisSignatureHex {
		t.Fatalf("lowercase: %s, %v", s, err)
	}
	if s, err := ParseSignature("0"); err != nil || s != (Signature{}) {
		t.Fatalf(`ParseSignature("0") = %v; the node's process accepts "0"`, err)
	}
	for _, bad := range []string{"", strings.Repeat("0", 129), "g", "0x0"} {
		if _, err := ParseSignature(bad); !errors.Is(err, ErrBadSignature) {
			t.Errorf("ParseSignature(%q) = %v", bad, err)
		}
	}
	var s Signature
	if err := s.UnmarshalText([]byte(DevGenesisSignatureHex)); err != nil {
		t.Fatal(err)
	}
	if txt, _ := s.MarshalText(); string(txt) != DevGenesisSignatureHex {
		t.Fatal("text round trip")
	}
}
