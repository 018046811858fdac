package nano

import (
	"encoding/json"
	"errors"
	"slices"
	"strings"
	"testing"
)

// FuzzParseAccount: every accepted address re-encodes to the nano_ form of
// the same key, and every rejection is exactly ErrBadAccount.
func FuzzParseAccount(f *testing.F) {
	f.Add(DevGenesisAccount)
	f.Add("xrb_1111111111111111111111111111111111111111111111111111hifc8npp")
	f.Add("nano-3zzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzc3yoon41")
	f.Fuzz(func(t *testing.T, s string) {
		k, err := ParseAccount(s)
		if err != nil {
			if err != ErrBadAccount {
				t.Fatalf("ParseAccount(%q) error %v is not ErrBadAccount", s, err)
			}
			return
		}
		enc := k.Account()
		if len(enc) != 65 || enc[5:] != s[len(s)-60:] {
			t.Fatalf("ParseAccount(%q) = %s, which encodes as %s", s, k, enc)
		}
		if back, err := ParseAccount(enc); err != nil || back != k {
			t.Fatalf("re-parse of %s: %v", enc, err)
		}
	})
}

// FuzzParseAmount: accepted amounts print back as the input (decode_dec
// admits no leading zeros or signs), and rejections are ErrInvalidAmount.
func FuzzParseAmount(f *testing.F) {
	f.Add("0")
	f.Add("340282366920938463463374607431768211455")
	f.Add("340282366920938463463374607431768211456")
	f.Fuzz(func(t *testing.T, s string) {
		a, err := ParseAmount(s)
		if err != nil {
			if err != ErrInvalidAmount {
				t.Fatalf("ParseAmount(%q) error %v", s, err)
			}
			return
		}
		if a.String() != s {
			t.Fatalf("ParseAmount(%q).String() = %s", s, a)
		}
		if back, err := ParseAmountHex(a.Hex()); err != nil || back != a {
			t.Fatalf("hex round trip of %s: %v", s, err)
		}
	})
}

// FuzzParseBlockJSON: a parsed block encodes to JSON that parses back to the
// same block and holds JSONFields' members in their order, and every failure matches ErrInvalidBlock.
func FuzzParseBlockJSON(f *testing.F) {
	f.Add([]byte(devGenesisJSON))
	f.Add([]byte(`{"type":"state","account":"nano_1111111111111111111111111111111111111111111111111111hifc8npp","previous":"0","representative":"nano_1111111111111111111111111111111111111111111111111111hifc8npp","balance":"1","link":"0","signature":"0","work":"0"}`))
	f.Add([]byte(`"{\"type\":\"receive\",\"previous\":\"1\",\"source\":\"2\",\"work\":\"3\",\"signature\":\"4\"}"`))
	f.Fuzz(func(t *testing.T, data []byte) {
		b, err := ParseBlockJSON(data)
		if err != nil {
			if !errors.Is(err, ErrInvalidBlock) {
				t.Fatalf("ParseBlockJSON(%q) error %v does not match ErrInvalidBlock", data, err)
			}
			return
		}
		enc, err := json.Marshal(b)
		if err != nil {
			t.Fatalf("Marshal of parsed %q: %v", data, err)
		}
		back, err := ParseBlockJSON(enc)
		if err != nil || *back != *b {
			t.Fatalf("round trip of %q through %s: %v", data, enc, err)
		}
		var fields []string
		if err := b.JSONFields(func(k, v string) { fields = append(fields, k, v) }); err != nil {
			t.Fatalf("JSONFields of parsed %q: %v", data, err)
		}
		if members := jsonMembers(t, enc); !slices.Equal(members, fields) {
			t.Fatalf("JSONFields %q, MarshalJSON %s", fields, enc)
		}
	})
}

// FuzzParseQualifiedRoot: an accepted root prints as 128 hex digits that
// end with the input's digits (right-aligned, zero-padded) and parse back
// to the same root; every rejection is exactly ErrInvalidRoot.
func FuzzParseQualifiedRoot(f *testing.F) {
	f.Add(DevGenesisHashHex + DevGenesisHashHex)
	f.Add("1")
	f.Add("")
	f.Add("0x1")
	f.Fuzz(func(t *testing.T, s string) {
		r, err := ParseQualifiedRoot(s)
		if err != nil {
			if err != ErrInvalidRoot {
				t.Fatalf("ParseQualifiedRoot(%q) error %v is not ErrInvalidRoot", s, err)
			}
			return
		}
		enc := r.String()
		if len(enc) != 128 || !strings.EqualFold(enc[128-len(s):], s) || strings.Trim(enc[:128-len(s)], "0") != "" {
			t.Fatalf("ParseQualifiedRoot(%q) prints as %s", s, enc)
		}
		if back, err := ParseQualifiedRoot(enc); err != nil || back != r {
			t.Fatalf("re-parse of %s: %v", enc, err)
		}
	})
}
