package nano

import "testing"

// TestDevGenesis recomputes the dev genesis from the node's published data
// (nano/secure/common.cpp) and checks it end to end: the key pair, the
// account encoding, the block hash (which a dev node reports as its
// network_identifier), the signature, and the work against the dev epoch-1
// threshold. Each passing check proves one primitive agrees with the node.
func TestDevGenesis(t *testing.T) {
	priv := DevGenesisKey()
	pub := priv.PublicKey()
	if pub.String() != DevGenesisPublicKeyHex {
		t.Fatalf("public key = %s", pub)
	}
	if pub.Account() != DevGenesisAccount {
		t.Fatalf("account = %s", pub.Account())
	}
	if k, err := ParseAccount(DevGenesisAccount); err != nil || k != pub {
		t.Fatalf("ParseAccount: %v", err)
	}
	b := DevGenesisBlock()
	if b.Type != BlockTypeOpen || b.Account != pub || b.Representative != pub || b.Source != Hash(pub) {
		t.Fatalf("block %+v", b)
	}
	h := b.Hash()
	if h.String() != DevGenesisHashHex {
		t.Fatalf("hash = %s, want %s", h, DevGenesisHashHex)
	}
	if !b.VerifySignature(pub) {
		t.Fatal("signature does not verify")
	}
	if Sign(priv, h[:]) != b.Signature {
		t.Fatal("signing the hash does not reproduce the signature")
	}
	if b.Root() != Hash(pub) {
		t.Fatal("an open block's root is its account")
	}
	if d := b.Difficulty(); d < DevThresholds().Epoch1 {
		t.Fatalf("work difficulty %x below dev epoch 1", d)
	}
	if !Validate(b.Root(), b.Work, DevThresholds().Entry()) {
		t.Fatal("work below the dev entry threshold")
	}
	if GenesisAmount.String() != "340282366920938463463374607431768211455" {
		t.Fatal("genesis amount")
	}
	if DevGenesisBlock() == DevGenesisBlock() {
		t.Fatal("DevGenesisBlock must return a fresh copy")
	}
}
