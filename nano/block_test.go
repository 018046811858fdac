package nano

import "testing"

// Hash vectors for every block type. The genesis rows are the node's
// (dev: network_identifier 04270D7F... reported by a dev node; live: the
// well-known live genesis hash). The others were computed with Python's
// hashlib.blake2b (an independent implementation) from the field order in
// nano/lib/blocks.cpp, on these fields:
//
//	account/representative = dev genesis key, previous = dev genesis hash,
//	destination/link = the seed-0 index-0 key, balance = 2^128-1 - 10^30,
//	source = live genesis hash.
func TestBlockHashVectors(t *testing.T) {
	gen := PublicKey(mustHex32(t, DevGenesisPublicKeyHex))
	other := PublicKey(mustHex32(t, "C008B814A7D269A1FA3C6528B19201A24D797912DB9996FF02A1FF356E45552B"))
	prev := Hash(mustHex32(t, DevGenesisHashHex))
	bal, _ := ParseAmount("340282365920938463463374607431768211455")
	cases := []struct {
		name  string
		block *Block
		hash  string
	}{
		{"dev genesis open", DevGenesisBlock(), DevGenesisHashHex},
		{"live genesis open", liveGenesisBlock(t), liveGenesisHash},
		{"state send", &Block{Type: BlockTypeState, Account: gen, Previous: prev, Representative: gen, Balance: bal, Link: Hash(other)},
			"D44399D1CF1F28929DBCB7258D1042723629D5AEFC078FEE7F2F1759CD9F66F0"},
		{"send", &Block{Type: BlockTypeSend, Previous: prev, Destination: other, Balance: bal},
			"FC967356EE4DB5E02B3BAFF6000E90C2D9C576074A268B58E54D49CF8CE7BC62"},
		{"receive", &Block{Type: BlockTypeReceive, Previous: prev, Source: Hash(mustHex32(t, liveGenesisHash))},
			"8E93493D1DE27A8AFAE2AC198DFE95D1CADD3E6B36B71F274EF604F0F28C4041"},
		{"change", &Block{Type: BlockTypeChange, Previous: prev, Representative: other},
			"514EA8B9232BAE0C5B7D9569A91666B99D1ADEE8F6AA8015C6AC91BD98B09E48"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got := c.block.Hash(); got.String() != c.hash {
				t.Fatalf("Hash() = %s, want %s", got, c.hash)
			}
			// Signature and work are not hashed.
			c.block.Signature[0] ^= 1
			c.block.Work++
			if got := c.block.Hash(); got.String() != c.hash {
				t.Fatal("signature or work changed the hash")
			}
		})
	}
	if h := (&Block{}).Hash(); !h.IsZero() {
		t.Fatal("an invalid block hashed to non-zero")
	}
}

func TestStateHashIgnoresLegacyFields(t *testing.T) {
	b := &Block{Type: BlockTypeState, Balance: NewAmount(5)}
	h := b.Hash()
	b.Source[0], b.Destination[0] = 1, 1
	if b.Hash() != h {
		t.Fatal("legacy fields changed a state block hash")
	}
	b.Balance = NewAmount(6)
	if b.Hash() == h {
		t.Fatal("balance does not change the hash")
	}
}

func TestBlockRoot(t *testing.T) {
	acct := PublicKey{1}
	prev := Hash{2}
	cases := []struct {
		block Block
		want  Hash
	}{
		{Block{Type: BlockTypeOpen, Account: acct, Previous: prev}, Hash(acct)},
		{Block{Type: BlockTypeState, Account: acct}, Hash(acct)},
		{Block{Type: BlockTypeState, Account: acct, Previous: prev}, prev},
		{Block{Type: BlockTypeSend, Previous: prev}, prev},
		{Block{Type: BlockTypeReceive, Previous: prev}, prev},
		{Block{Type: BlockTypeChange, Previous: prev}, prev},
	}
	for _, c := range cases {
		if got := c.block.Root(); got != c.want {
			t.Errorf("%s root = %s, want %s", c.block.Type, got, c.want)
		}
	}
}

func TestBlockTypeNames(t *testing.T) {
	for typ, name := range map[BlockType]string{
		BlockTypeState: "state", BlockTypeSend: "send", BlockTypeReceive: "receive",
		BlockTypeOpen: "open", BlockTypeChange: "change", BlockTypeInvalid: "invalid",
		blockTypeNotBlock: "not_a_block", 99: "invalid",
	} {
		if typ.String() != name {
			t.Errorf("%d.String() = %s, want %s", typ, typ, name)
		}
		if got, ok := ParseBlockType(name); ok != (typ >= BlockTypeSend && typ <= BlockTypeState) || ok && got != typ {
			t.Errorf("ParseBlockType(%s) = %v, %v", name, got, ok)
		}
	}
}

func TestBlockSignVerify(t *testing.T) {
	priv := DeriveKey(Seed{}, 0)
	pub := priv.PublicKey()
	b := &Block{Type: BlockTypeState, Account: pub, Representative: pub, Balance: NewAmount(1), Link: Hash{9}}
	b.Sign(priv)
	if !b.VerifySignature(pub) {
		t.Fatal("signed block does not verify")
	}
	if b.VerifySignature(DevGenesisKey().PublicKey()) {
		t.Fatal("verifies under another key")
	}
	b.Balance = NewAmount(2)
	if b.VerifySignature(pub) {
		t.Fatal("verifies after the block changed")
	}
	if got := b.LinkAsAccount(); got != PublicKey(b.Link).Account() {
		t.Fatal("LinkAsAccount")
	}
}
