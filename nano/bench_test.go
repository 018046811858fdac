package nano

import (
	"context"
	"testing"
)

func benchStateBlock() *Block {
	priv := DeriveKey(Seed{}, 0)
	pub := priv.PublicKey()
	return &Block{Type: BlockTypeState, Account: pub, Previous: Hash{1}, Representative: pub, Balance: MaxAmount, Link: Hash{2}}
}

func BenchmarkBlockHash(b *testing.B) {
	blk := benchStateBlock()
	b.ReportAllocs()
	for b.Loop() {
		blk.Hash()
	}
}

func BenchmarkSign(b *testing.B) {
	priv := DeriveKey(Seed{}, 0)
	blk := benchStateBlock()
	h := blk.Hash()
	b.ReportAllocs()
	for b.Loop() {
		Sign(priv, h[:])
	}
}

func BenchmarkVerify(b *testing.B) {
	priv := DeriveKey(Seed{}, 0)
	pub := priv.PublicKey()
	blk := benchStateBlock()
	h := blk.Hash()
	sig := Sign(priv, h[:])
	b.ReportAllocs()
	for b.Loop() {
		if !Verify(pub, h[:], sig) {
			b.Fatal("invalid")
		}
	}
}

func BenchmarkParseAccount(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		if _, err := ParseAccount(DevGenesisAccount); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkAccountEncode(b *testing.B) {
	k := DevGenesisKey().PublicKey()
	b.ReportAllocs()
	for b.Loop() {
		_ = k.Account()
	}
}

func BenchmarkParseAmount(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		if _, err := ParseAmount("340282366920938463463374607431768211455"); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkAmountString(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		_ = MaxAmount.String()
	}
}

func BenchmarkDifficulty(b *testing.B) {
	h := newWorkHasher(Hash{1})
	b.ReportAllocs()
	var w uint64
	for b.Loop() {
		h.difficulty(w)
		w++
	}
}

func BenchmarkWorkGenerateDev(b *testing.B) {
	ctx := context.Background()
	threshold := DevThresholds().Base()
	var root Hash
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		root[0], root[1] = byte(i), byte(i>>8)
		if _, err := Generate(ctx, root, threshold); err != nil {
			b.Fatal(err)
		}
	}
}
