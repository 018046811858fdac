package nano

import (
	"errors"
	"math/big"
	"math/rand/v2"
	"strings"
	"testing"
)

func TestParseAmountVectors(t *testing.T) {
	// The accepted forms follow uint128_union::decode_dec in
	// nano/lib/numbers.cpp: 1 to 39 digits, no leading zero, no sign, at
	// most 2^128-1.
	valid := []string{
		"0", "1", "9", "10", "18446744073709551615", "18446744073709551616",
		"1000000000000000000000000000000",         // 1 nano
		"340282366920938463463374607431768211455", // genesis amount
		"340282366920938463463374607431768211454",
		"99999999999999999999999999999999999999",
	}
	for _, s := range valid {
		a, err := ParseAmount(s)
		if err != nil {
			t.Errorf("ParseAmount(%s): %v", s, err)
			continue
		}
		if a.String() != s {
			t.Errorf("ParseAmount(%s).String() = %s", s, a)
		}
	}
	invalid := []string{
		"", "-1", "+1", "01", "00", " 1", "1 ", "1.5", "1e3", "0x10", "abc",
		"340282366920938463463374607431768211456",  // 2^128
		"999999999999999999999999999999999999999",  // 39 digits, too big
		"1000000000000000000000000000000000000000", // 40 digits
	}
	for _, s := range invalid {
		if _, err := ParseAmount(s); !errors.Is(err, ErrInvalidAmount) || err.Error() != "Invalid amount number" {
			t.Errorf("ParseAmount(%q) = %v, want Invalid amount number", s, err)
		}
	}
	if MaxAmount.String() != "340282366920938463463374607431768211455" || GenesisAmount != MaxAmount {
		t.Fatal("MaxAmount")
	}
}

func TestAmountArithmeticAgainstBig(t *testing.T) {
	max128 := new(big.Int).Sub(new(big.Int).Lsh(big.NewInt(1), 128), big.NewInt(1))
	toBig := func(a Amount) *big.Int { b := a.Bytes(); return new(big.Int).SetBytes(b[:]) }
	r := rand.New(rand.NewPCG(1, 2))
	random := func() Amount {
		switch r.IntN(4) {
		case 0:
			return NewAmount(r.Uint64())
		case 1:
			return Amount{hi: r.Uint64() >> r.UintN(64), lo: r.Uint64() >> r.UintN(64)}
		case 2:
			return Amount{hi: r.Uint64N(3), lo: r.Uint64()}
		}
		return Amount{hi: r.Uint64(), lo: r.Uint64()}
	}
	for range 20000 {
		a, b := random(), random()
		A, B := toBig(a), toBig(b)
		if got := a.Cmp(b); got != A.Cmp(B) {
			t.Fatalf("%s Cmp %s = %d", a, b, got)
		}
		if a.String() != A.String() {
			t.Fatalf("String %s != %s", a, A)
		}
		if back, err := ParseAmount(A.String()); err != nil || back != a {
			t.Fatalf("ParseAmount(%s) = %s, %v", A, back, err)
		}
		sum, ok := a.Add(b)
		want := new(big.Int).Add(A, B)
		if ok != (want.Cmp(max128) <= 0) || ok && toBig(sum).Cmp(want) != 0 {
			t.Fatalf("%s + %s = %s, %v", a, b, sum, ok)
		}
		diff, ok := a.Sub(b)
		want = new(big.Int).Sub(A, B)
		if ok != (want.Sign() >= 0) || ok && toBig(diff).Cmp(want) != 0 {
			t.Fatalf("%s - %s = %s, %v", a, b, diff, ok)
		}
		prod, ok := a.Mul(b)
		want = new(big.Int).Mul(A, B)
		if ok != (want.Cmp(max128) <= 0) || ok && toBig(prod).Cmp(want) != 0 {
			t.Fatalf("%s * %s = %s, %v", a, b, prod, ok)
		}
		if !b.IsZero() {
			q, ok := a.Div(b)
			if !ok || toBig(q).Cmp(new(big.Int).Quo(A, B)) != 0 {
				t.Fatalf("%s / %s = %s", a, b, q)
			}
		}
		if back := AmountFromBytes(a.Bytes()); back != a {
			t.Fatal("bytes round trip")
		}
		if back, err := ParseAmountHex(a.Hex()); err != nil || back != a {
			t.Fatalf("hex round trip %s: %v", a.Hex(), err)
		}
	}
	if _, ok := NewAmount(1).Div(Amount{}); ok {
		t.Fatal("division by zero succeeded")
	}
}

func TestAmountEncodings(t *testing.T) {
	a, _ := ParseAmount("340282366920938463463374607431768211455")
	if a.Hex() != strings.Repeat("F", 32) || a.Bytes() != [16]byte{0: 0xff, 1: 0xff, 2: 0xff, 3: 0xff, 4: 0xff, 5: 0xff, 6: 0xff, 7: 0xff, 8: 0xff, 9: 0xff, 10: 0xff, 11: 0xff, 12: 0xff, 13: 0xff, 14: 0xff, 15: 0xff} {
		t.Fatal("max encodings")
	}
	if v, err := ParseAmountHex("1"); err != nil || v != NewAmount(1) {
		t.Fatal(`ParseAmountHex("1")`)
	}
	for _, bad := range []string{"", strings.Repeat("0", 33), "z"} {
		if _, err := ParseAmountHex(bad); !errors.Is(err, ErrBadBalance) {
			t.Errorf("ParseAmountHex(%q) = %v", bad, err)
		}
	}
	if v, ok := NewAmount(7).Uint64(); !ok || v != 7 {
		t.Fatal("Uint64")
	}
	if _, ok := MaxAmount.Uint64(); ok {
		t.Fatal("Uint64 of MaxAmount fits")
	}
	var u Amount
	if err := u.UnmarshalText([]byte("123")); err != nil || u != NewAmount(123) {
		t.Fatal("UnmarshalText")
	}
	if txt, _ := u.MarshalText(); string(txt) != "123" {
		t.Fatal("MarshalText")
	}
	if err := u.UnmarshalText([]byte("-1")); err == nil {
		t.Fatal("UnmarshalText(-1)")
	}
}

func TestNanoRawConversion(t *testing.T) {
	one, _ := ParseAmount("1000000000000000000000000000000")
	if RawPerNano != one {
		t.Fatalf("RawPerNano = %s", RawPerNano)
	}
	cases := []struct {
		nano, raw string
		err       error
	}{
		{"1", "1000000000000000000000000000000", nil},
		{"0", "0", nil},
		{"340282366", "340282366000000000000000000000000000000", nil},
		{"340282367", "", ErrAmountTooBig},
		{"340282366920938463463374607431768211455", "", ErrAmountTooBig},
	}
	for _, c := range cases {
		n, _ := ParseAmount(c.nano)
		raw, err := NanoToRaw(n)
		if err != c.err || err == nil && raw.String() != c.raw {
			t.Errorf("NanoToRaw(%s) = %s, %v", c.nano, raw, err)
		}
	}
	// raw_to_nano divides and truncates.
	for raw, nano := range map[string]string{
		"0": "0", "999999999999999999999999999999": "0", "1000000000000000000000000000000": "1",
		"1999999999999999999999999999999": "1", "340282366920938463463374607431768211455": "340282366",
	} {
		a, _ := ParseAmount(raw)
		if got := RawToNano(a).String(); got != nano {
			t.Errorf("RawToNano(%s) = %s, want %s", raw, got, nano)
		}
	}
}

// TestNodeNanoToRaw pins the node's nano_to_raw check (json_handler.cpp):
// the product is taken modulo 2^128 and accepted only if it exceeds the input.
func TestNodeNanoToRaw(t *testing.T) {
	if _, err := NodeNanoToRaw(Amount{}); err != ErrAmountTooBig {
		t.Errorf(`NodeNanoToRaw(0) = %v; the node answers "Amount too big"`, err)
	}
	if raw, err := NodeNanoToRaw(NewAmount(2)); err != nil || raw.String() != "2000000000000000000000000000000" {
		t.Errorf("NodeNanoToRaw(2) = %s, %v", raw, err)
	}
	// 2^98 nano: the product wraps; compare with big.Int modulo 2^128.
	n := Amount{hi: 1 << 34}
	raw, err := NodeNanoToRaw(n)
	b := n.Bytes()
	want := new(big.Int).Mul(new(big.Int).SetBytes(b[:]), new(big.Int).Exp(big.NewInt(10), big.NewInt(30), nil))
	want.Mod(want, new(big.Int).Lsh(big.NewInt(1), 128))
	nb := new(big.Int).SetBytes(b[:])
	if want.Cmp(nb) > 0 {
		if err != nil || raw.String() != want.String() {
			t.Errorf("NodeNanoToRaw(2^98) = %s, %v; want wrapped %s", raw, err, want)
		}
	} else if err != ErrAmountTooBig {
		t.Errorf("NodeNanoToRaw(2^98) = %v, want ErrAmountTooBig", err)
	}
}
