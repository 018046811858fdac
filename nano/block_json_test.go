package nano

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"
)

// devGenesisJSON is dev_genesis_data from nano/secure/common.cpp, verbatim:
// the node parses it with deserialize_block_json at startup.
const devGenesisJSON = `{
	"type": "open",
	"source": "B0311EA55708D6A53C75CDBF88300259C6D018522FE3D4D0A242E431F9E8B6D0",
	"representative": "xrb_3e3j5tkog48pnny9dmfzj1r16pg8t1e76dz5tmac6iq689wyjfpiij4txtdo",
	"account": "xrb_3e3j5tkog48pnny9dmfzj1r16pg8t1e76dz5tmac6iq689wyjfpiij4txtdo",
	"work": "7b42a00ee91d5810",
	"signature": "ECDA914373A2F0CA1296475BAEE40500A7F0A7AD72A5A80C81D7FAB7F6C802B2CC7DB50F5DD0FB25B2EF11761FA7344A158DD5A700B21BD47DE5BD0F63153A02"
	}`

func TestParseDevGenesisJSON(t *testing.T) {
	b, err := ParseBlockJSON([]byte(devGenesisJSON))
	if err != nil {
		t.Fatal(err)
	}
	if *b != *DevGenesisBlock() {
		t.Fatalf("parsed %+v", b)
	}
	// The same object as a JSON string (process with json_block=false).
	quoted, _ := json.Marshal(devGenesisJSON)
	b2, err := ParseBlockJSON(quoted)
	if err != nil || *b2 != *b {
		t.Fatalf("string form: %v", err)
	}
}

func TestMarshalBlockJSON(t *testing.T) {
	// The node's serialize_json field order for each type (nano/lib/blocks.cpp).
	gen := DevGenesisBlock()
	got, err := json.Marshal(gen)
	if err != nil {
		t.Fatal(err)
	}
	want := `{"type":"open","source":"B0311EA55708D6A53C75CDBF88300259C6D018522FE3D4D0A242E431F9E8B6D0",` +
		`"representative":"nano_3e3j5tkog48pnny9dmfzj1r16pg8t1e76dz5tmac6iq689wyjfpiij4txtdo",` +
		`"account":"nano_3e3j5tkog48pnny9dmfzj1r16pg8t1e76dz5tmac6iq689wyjfpiij4txtdo",` +
		`"work":"7b42a00ee91d5810","signature":"` + DevGenesisSignatureHex + `"}`
	if string(got) != want {
		t.Fatalf("got  %s\nwant %s", got, want)
	}

	state := &Block{
		Type: BlockTypeState, Account: gen.Account, Previous: gen.Hash(), Representative: gen.Account,
		Balance: MaxAmount, Link: Hash{31: 1}, Work: 0x1f,
	}
	got, _ = json.Marshal(state)
	want = `{"type":"state","account":"` + DevGenesisAccount + `","previous":"` + DevGenesisHashHex +
		`","representative":"` + DevGenesisAccount + `","balance":"340282366920938463463374607431768211455",` +
		`"link":"0000000000000000000000000000000000000000000000000000000000000001",` +
		`"link_as_account":"` + PublicKey{31: 1}.Account() + `","signature":"` + strings.Repeat("0", 128) +
		`","work":"000000000000001f"}`
	if string(got) != want {
		t.Fatalf("got  %s\nwant %s", got, want)
	}

	for _, b := range []*Block{
		{Type: BlockTypeSend, Previous: Hash{1}, Destination: PublicKey{2}, Balance: NewAmount(255), Work: 3},
		{Type: BlockTypeReceive, Previous: Hash{1}, Source: Hash{2}, Signature: Signature{3}},
		{Type: BlockTypeChange, Previous: Hash{1}, Representative: PublicKey{2}},
		state,
	} {
		data, err := json.Marshal(b)
		if err != nil {
			t.Fatal(err)
		}
		back, err := ParseBlockJSON(data)
		if err != nil || *back != *b {
			t.Fatalf("%s round trip: %v\n%s", b.Type, err, data)
		}
	}
	send, _ := json.Marshal(&Block{Type: BlockTypeSend, Balance: NewAmount(255)})
	if !strings.Contains(string(send), `"balance":"000000000000000000000000000000FF"`) {
		t.Fatalf("legacy send balance is not hex: %s", send)
	}
	if byValue, _ := json.Marshal(*gen); string(byValue) != string(must(json.Marshal(gen))) {
		t.Fatalf("a Block value encodes differently: %s", byValue)
	}
	if _, err := json.Marshal(&Block{}); err == nil {
		t.Fatal("an invalid block encoded")
	}
}

func must(data []byte, err error) []byte {
	if err != nil {
		panic(err)
	}
	return data
}

func TestParseBlockNodeLeniency(t *testing.T) {
	base := map[string]string{
		"type":            "state",
		"account":         DevGenesisAccount,
		"previous":        "0",
		"representative":  "xrb-3e3j5tkog48pnny9dmfzj1r16pg8t1e76dz5tmac6iq689wyjfpiij4txtdo",
		"balance":         "1000",
		"link":            DevGenesisAccount,
		"signature":       "0",
		"work":            "0",
		"link_as_account": "ignored",
		"extra":           "ignored",
	}
	b, err := ParseBlockMap(base)
	if err != nil {
		t.Fatal(err)
	}
	if b.Link != Hash(b.Account) || !b.Previous.IsZero() || b.Balance != NewAmount(1000) {
		t.Fatalf("parsed %+v", b)
	}
	base["link"] = "ab"
	if b, err = ParseBlockMap(base); err != nil || b.Link != (Hash{31: 0xab}) {
		t.Fatalf("hex link: %v", err)
	}

	// Numbers and booleans are taken as their text, nested values as "",
	// and the first of repeated keys wins, as in the node's property tree.
	raw := `{"type":"state","type":"send","account":"` + DevGenesisAccount + `","previous":0,` +
		`"representative":"` + DevGenesisAccount + `","balance":1000,"link":0,"signature":"0","work":"0"}`
	if b, err = ParseBlockJSON([]byte(raw)); err != nil || b.Type != BlockTypeState || b.Balance != NewAmount(1000) {
		t.Fatalf("ptree-style scalars: %v", err)
	}
	nested := strings.Replace(raw, `"balance":1000`, `"balance":{"x":[1,2]}`, 1)
	if _, err = ParseBlockJSON([]byte(nested)); !errors.Is(err, ErrBadBalance) {
		t.Fatalf("nested balance: %v", err)
	}
}

func TestParseBlockErrors(t *testing.T) {
	valid := func() map[string]string {
		return map[string]string{
			"type": "state", "account": DevGenesisAccount, "previous": DevGenesisHashHex,
			"representative": DevGenesisAccount, "balance": "1", "link": "0",
			"signature": DevGenesisSignatureHex, "work": "7b42a00ee91d5810",
		}
	}
	cases := []struct {
		field, value string // value "-" deletes the field
		sentinel     error
	}{
		{"type", "-", ErrInvalidBlockType},
		{"type", "State", ErrInvalidBlockType},
		{"type", "state2", ErrInvalidBlockType},
		{"account", "nano_1", ErrBadAccount},
		{"account", "-", ErrBadAccount},
		{"previous", "xyz", ErrBadPrevious},
		{"previous", strings.Repeat("0", 65), ErrBadPrevious},
		{"previous", "", ErrBadPrevious},
		{"representative", DevGenesisHashHex, ErrBadRepresentative},
		{"balance", "-1", ErrBadBalance},
		{"balance", "340282366920938463463374607431768211456", ErrBadBalance},
		{"balance", "0x10", ErrBadBalance},
		{"link", "nano_zz", ErrBadLink},
		{"link", "-", ErrBadLink},
		{"signature", strings.Repeat("0", 129), ErrBadSignature},
		{"work", "00000000000000000", ErrBadWork},
		{"work", "", ErrBadWork},
		{"work", "-", ErrBadWork},
	}
	for _, c := range cases {
		fields := valid()
		if c.value == "-" {
			delete(fields, c.field)
		} else {
			fields[c.field] = c.value
		}
		_, err := ParseBlockMap(fields)
		var fe *BlockFieldError
		if !errors.As(err, &fe) || fe.Field != c.field || fe.Missing != (c.value == "-") {
			t.Errorf("%s=%q: error %v", c.field, c.value, err)
			continue
		}
		if !errors.Is(err, ErrInvalidBlock) || !errors.Is(err, c.sentinel) {
			t.Errorf("%s=%q: %v does not match ErrInvalidBlock and %v", c.field, c.value, err, c.sentinel)
		}
		if !strings.HasPrefix(err.Error(), "nano: ") {
			t.Errorf("error text %q lacks the nano: prefix", err)
		}
	}

	legacy := []struct {
		typ, field string
		sentinel   error
	}{
		{"send", "destination", ErrBadDestination},
		{"send", "balance", ErrBadBalance},
		{"receive", "source", ErrBadSource},
		{"open", "source", ErrBadSource},
		{"open", "account", ErrBadAccount},
		{"change", "representative", ErrBadRepresentative},
	}
	for _, c := range legacy {
		fields := map[string]string{"type": c.typ, "previous": "1", "source": "2", "destination": DevGenesisAccount,
			"representative": DevGenesisAccount, "account": DevGenesisAccount, "balance": "FF", "signature": "0", "work": "0"}
		if _, err := ParseBlockMap(fields); err != nil {
			t.Fatalf("valid %s: %v", c.typ, err)
		}
		fields[c.field] = "!"
		if _, err := ParseBlockMap(fields); !errors.Is(err, c.sentinel) {
			t.Errorf("%s.%s: %v, want %v", c.typ, c.field, err, c.sentinel)
		}
	}

	for _, bad := range []string{``, `[]`, `"x"`, `{`, `{"type":"state"} x`, `null`, `"{\"type\":1}"`, `{"type":["state"]}`} {
		if _, err := ParseBlockJSON([]byte(bad)); !errors.Is(err, ErrInvalidBlock) {
			t.Errorf("ParseBlockJSON(%s) = %v, want ErrInvalidBlock", bad, err)
		}
	}
	var b Block
	if err := json.Unmarshal([]byte(devGenesisJSON), &b); err != nil || b != *DevGenesisBlock() {
		t.Fatalf("UnmarshalJSON: %v", err)
	}
}
