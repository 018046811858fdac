package nano

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"slices"
	"testing"
)

var update = flag.Bool("update", false, "rewrite testdata/block_json.golden")

// goldenBlocks is one block of each type, every field set, so that each
// member's encoding shows in testdata/block_json.golden.
func goldenBlocks() []*Block {
	gen := DevGenesisBlock()
	k := gen.Account
	sig := gen.Signature
	return []*Block{
		gen,
		{Type: BlockTypeState, Account: k, Previous: gen.Hash(), Representative: PublicKey{1}, Balance: MaxAmount, Link: epochLinks[0], Signature: sig, Work: 0x1f},
		{Type: BlockTypeState, Account: PublicKey{2}, Representative: k, Balance: NewAmount(1), Link: Hash(k), Signature: sig, Work: 1},
		{Type: BlockTypeSend, Previous: gen.Hash(), Destination: PublicKey{3}, Balance: NewAmount(255), Signature: sig, Work: 0xfedcba9876543210},
		{Type: BlockTypeReceive, Previous: Hash{4}, Source: gen.Hash(), Signature: sig, Work: 2},
		{Type: BlockTypeChange, Previous: Hash{5}, Representative: k, Signature: sig, Work: 3},
	}
}

// TestBlockJSONGolden: MarshalJSON writes, byte for byte, the node's JSON of
// each block type (testdata/block_json.golden, one block a line), and
// JSONFields lists the same members in the same order.
func TestBlockJSONGolden(t *testing.T) {
	var got bytes.Buffer
	for _, b := range goldenBlocks() {
		data, err := b.MarshalJSON()
		if err != nil {
			t.Fatal(err)
		}
		got.Write(data)
		got.WriteByte('\n')

		var fields []string
		if err := b.JSONFields(func(k, v string) { fields = append(fields, k, v) }); err != nil {
			t.Fatal(err)
		}
		if members := jsonMembers(t, data); !slices.Equal(members, fields) {
			t.Errorf("%s: JSONFields %q, MarshalJSON %q", b.Type, fields, members)
		}
	}
	const path = "testdata/block_json.golden"
	if *update {
		if err := os.WriteFile(path, got.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got.Bytes(), want) {
		t.Errorf("block JSON differs from %s:\ngot\n%s\nwant\n%s", path, got.Bytes(), want)
	}
}

// TestBlockJSONFieldsInvalid: a block of no known type is an error, and put
// is never called.
func TestBlockJSONFieldsInvalid(t *testing.T) {
	for _, typ := range []BlockType{BlockTypeInvalid, blockTypeNotBlock, 7, 255} {
		calls := 0
		if err := (&Block{Type: typ}).JSONFields(func(string, string) { calls++ }); err == nil || calls != 0 {
			t.Errorf("type %d: err %v after %d members", typ, err, calls)
		}
	}
}

// jsonMembers returns an object's keys and string values in order.
func jsonMembers(t *testing.T, data []byte) []string {
	t.Helper()
	dec := json.NewDecoder(bytes.NewReader(data))
	if _, err := dec.Token(); err != nil {
		t.Fatal(err)
	}
	var out []string
	for dec.More() {
		k, err := dec.Token()
		if err != nil {
			t.Fatal(err)
		}
		v, err := dec.Token()
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, k.(string), v.(string))
	}
	return out
}
