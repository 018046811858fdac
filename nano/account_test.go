package nano

import (
	"errors"
	"strings"
	"testing"
)

// Public keys and their addresses. Unless noted, each pair is from a comment
// next to the key in nano/secure/common.cpp of nanocurrency/nano-node (the
// node's own genesis, canary and test keys); the node writes some of them
// with the xrb_ prefix, which encodes the same characters.
var accountVectors = []struct {
	name, key, account string
}{
	{"dev genesis", "B0311EA55708D6A53C75CDBF88300259C6D018522FE3D4D0A242E431F9E8B6D0", "nano_3e3j5tkog48pnny9dmfzj1r16pg8t1e76dz5tmac6iq689wyjfpiij4txtdo"},
	{"live genesis", "E89208DD038FBB269987689621D52292AE9C35941A7484756ECCED92A65093BA", "nano_3t6k35gi95xu6tergt6p69ck76ogmitsa8mnijtpxm9fkcm736xtoncuohr3"},
	{"beta genesis", "259A43ABDB779E97452E188BA3EB951B41C961D3318CA6B925380F4D99F0577A", "nano_1betagoxpxwykx4kw86dnhosc8t3s7ix8eeentwkcg1hbpez1outjrcyg4n1"},
	{"test genesis", "45C6FF9D1706D61F0821327752671BDA9F9ED2DA40326B01935AB566FB9E08ED", "nano_1jg8zygjg3pp5w644emqcbmjqpnzmubfni3kfe1s8pooeuxsw49fdq1mco9j"},
	{"beta canary", "868C6A9F79D4506E029B378262B91538C5CB26D7C346B63902FFEB365F1C1947", "nano_33nefchqmo4ifr3bpfw4ecwjcg87semfhit8prwi7zzd8shjr8c9qdxeqmnx"},
	{"live canary", "7CBAF192A3763DAEC9F9BAC1B2CDF665D8369F8400B4BC5AB4BA31C00BAA4404", "nano_1z7ty8bc8xjxou6zmgp3pd8zesgr8thra17nqjfdbgjjr17tnj16fjntfqfn"},
	// The burn account (ledger_constants::burn_account is 0).
	{"burn", "0000000000000000000000000000000000000000000000000000000000000000", "nano_1111111111111111111111111111111111111111111111111111hifc8npp"},
	// Seed 0, index 0 (feeless crate's keys test, docs.rs/crate/feeless 0.1.11 src/keys/mod.rs).
	{"seed 0 index 0", "C008B814A7D269A1FA3C6528B19201A24D797912DB9996FF02A1FF356E45552B", "nano_3i1aq1cchnmbn9x5rsbap8b15akfh7wj7pwskuzi7ahz8oq6cobd99d4r3b7"},
	// All ones: computed with Python's hashlib.blake2b from the encoding rule.
	{"all ones", strings.Repeat("F", 64), "nano_3zzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzc3yoon41"},
}

func TestAccountEncodeDecode(t *testing.T) {
	for _, v := range accountVectors {
		t.Run(v.name, func(t *testing.T) {
			key := PublicKey(mustHex32(t, v.key))
			if got := key.Account(); got != v.account {
				t.Fatalf("Account() = %s, want %s", got, v.account)
			}
			body := strings.TrimPrefix(v.account, "nano_")
			for _, form := range []string{"nano_", "xrb_", "nano-", "xrb-", "node_"} {
				got, err := ParseAccount(form + body)
				if err != nil || got != key {
					t.Errorf("ParseAccount(%s...) = %s, %v; want %s", form, got, err, key)
				}
			}
			if got := key.NodeID(); got != "node_"+body {
				t.Errorf("NodeID() = %s", got)
			}
			if got := key.String(); got != strings.ToUpper(v.key) {
				t.Errorf("String() = %s", got)
			}
		})
	}
}

func TestParseAccountRejects(t *testing.T) {
	good := "nano_3e3j5tkog48pnny9dmfzj1r16pg8t1e76dz5tmac6iq689wyjfpiij4txtdo"
	body := good[5:]
	cases := map[string]string{
		"empty":              "",
		"prefix only":        "nano_",
		"short":              good[:64],
		"long":               good + "1",
		"xrb_ too long":      "xrb_" + body + "1",
		"xrb_ too short":     "xrb_" + body[:59],
		"no prefix":          body,
		"other prefix":       "ban_" + body,
		"node- dash":         "node-" + body,
		"uppercase prefix":   "NANO_" + body,
		"uppercase body":     "nano_" + strings.ToUpper(body),
		"bad checksum":       good[:64] + "p",
		"changed key char":   good[:30] + "b" + good[31:],
		"first char 4":       "nano_4" + body[1:],
		"first char 1 wrong": "nano_1" + body[1:],
		"char 0":             "nano_3e3j5tkog48pnny9dmfzj1r16pg8t1e76dz5tmac6iq689wyjfpiij4txtd0",
		"char 2":             "nano_3e3j5tkog48pnny9dmfzj1r16pg8t1e76dz5tmac6iq689wyjfpiij4txtd2",
		"char l":             "nano_3e3j5tkog48pnny9dmfzj1r16pg8t1e76dz5tmac6iq689wyjfpiij4txtdl",
		"char v":             "nano_3e3j5tkog48pnny9dmfzj1r16pg8t1e76dz5tmac6iq689wyjfpiij4txtdv",
		"char ~":             "nano_3e3j5tkog48pnny9dmfzj1r16pg8t1e76dz5tmac6iq689wyjfpiij4txtd~",
		"non-ASCII":          "nano_3e3j5tkog48pnny9dmfzj1r16pg8t1e76dz5tmac6iq689wyjfpiij4txtdé"[:65],
		"space":              " " + good[1:],
		"hex key":            "B0311EA55708D6A53C75CDBF88300259C6D018522FE3D4D0A242E431F9E8B6D0",
	}
	for name, s := range cases {
		t.Run(name, func(t *testing.T) {
			k, err := ParseAccount(s)
			if !errors.Is(err, ErrBadAccount) || err.Error() != "Bad account number" {
				t.Fatalf("ParseAccount(%q) = %s, %v; want Bad account number", s, k, err)
			}
			if k != (PublicKey{}) {
				t.Fatalf("ParseAccount(%q) returned a key with its error", s)
			}
		})
	}
}

func TestIsDeprecatedFormat(t *testing.T) {
	cases := map[string]bool{
		"nano_3e3j5tkog48pnny9dmfzj1r16pg8t1e76dz5tmac6iq689wyjfpiij4txtdo": false,
		"nano-3e3j5tkog48pnny9dmfzj1r16pg8t1e76dz5tmac6iq689wyjfpiij4txtdo": true,
		"xrb_3e3j5tkog48pnny9dmfzj1r16pg8t1e76dz5tmac6iq689wyjfpiij4txtdo":  false,
		"xrb-3e3j5tkog48pnny9dmfzj1r16pg8t1e76dz5tmac6iq689wyjfpiij4txtdo":  true,
		"":     false,
		"xrb-": false,
	}
	for s, want := range cases {
		if got := IsDeprecatedFormat(s); got != want {
			t.Errorf("IsDeprecatedFormat(%q) = %v, want %v", s, got, want)
		}
	}
}

func TestParsePublicKey(t *testing.T) {
	k, err := ParsePublicKey("b0311ea55708d6a53c75cdbf88300259c6d018522fe3d4d0a242e431f9e8b6d0")
	if err != nil || k.Account() != DevGenesisAccount {
		t.Fatalf("lowercase hex: %s, %v", k, err)
	}
	if k, err := ParsePublicKey("1"); err != nil || k != (PublicKey{31: 1}) {
		t.Fatalf(`ParsePublicKey("1") = %s, %v; the node right-aligns short hex`, k, err)
	}
	for _, bad := range []string{"", "x", strings.Repeat("0", 65), "0x01", " 1", "-1"} {
		if _, err := ParsePublicKey(bad); !errors.Is(err, ErrBadPublicKey) {
			t.Errorf("ParsePublicKey(%q) error = %v, want ErrBadPublicKey", bad, err)
		}
	}
}
