package api

import (
	"bytes"
	"encoding/binary"
	"errors"
	"math/rand/v2"
	"reflect"
	"testing"

	flatbuffers "github.com/google/flatbuffers/go"

	"github.com/nipc/nipc/api/fb"
	"github.com/nipc/nipc/api/internal/schema"
)

func TestVectorsDecode(t *testing.T) {
	env, err := Decode(vecIsAlive)
	if err != nil {
		t.Fatalf("IsAlive: %v", err)
	}
	if env.Message == nil || env.Message.Type != fb.MessageIsAlive || env.Message.Value == nil || env.Time != 0 || env.Credentials != "" || env.CorrelationId != "" {
		t.Errorf("IsAlive decoded as %+v", env)
	}

	env, err = Decode(vecAccountWeight)
	if err != nil {
		t.Fatalf("AccountWeight: %v", err)
	}
	aw, ok := env.Message.Value.(*fb.AccountWeightT)
	if env.Message.Type != fb.MessageAccountWeight || !ok || aw.Account != burnAccount || env.CorrelationId != "42" {
		t.Errorf("AccountWeight decoded as %+v / %+v", env, env.Message.Value)
	}

	env, err = Decode(vecServiceRegister)
	if err != nil {
		t.Fatalf("ServiceRegister: %v", err)
	}
	sr, ok := env.Message.Value.(*fb.ServiceRegisterT)
	if env.Message.Type != fb.MessageServiceRegister || !ok || sr.ServiceName != "svc" || env.Credentials != "secret" {
		t.Errorf("ServiceRegister decoded as %+v / %+v", env, env.Message.Value)
	}
}

// Every proper prefix of a valid buffer fails cleanly, except prefixes that
// only drop trailing alignment padding: those are still complete buffers (the
// C++ verifier accepts them too) and must decode to the same envelope.
func TestTruncationsFail(t *testing.T) {
	for name, v := range vectors() {
		full, err := Decode(v)
		if err != nil {
			t.Fatal(err)
		}
		for n := 0; n < len(v); n++ {
			b := bytes.Clone(v[:n])
			env, err := Decode(b)
			if len(bytes.Trim(v[n:], "\x00")) == 0 && n > 0 && v[n-1] == 0 && err == nil {
				if !reflect.DeepEqual(env, full) {
					t.Errorf("%s without %d padding bytes decodes differently", name, len(v)-n)
				}
				continue
			}
			if Verify(b) == nil {
				t.Errorf("%s truncated to %d bytes passed the verifier", name, n)
			}
			if err != ErrVerify || env != nil {
				t.Errorf("%s truncated to %d: Decode = %v, %v", name, n, env, err)
			}
		}
	}
}

// checkInvariant: whatever Verify accepts unpacks without panicking (no
// recover here), re-encodes to a verified buffer and decodes to the same.
func checkInvariant(t testing.TB, b []byte) {
	t.Helper()
	if Verify(b) != nil {
		return
	}
	env := unpack(b)
	out, err := Encode(env)
	if err != nil {
		t.Fatalf("Encode(Decode(%x)): %v", b, err)
	}
	back, err := Decode(out)
	if err != nil {
		t.Fatalf("re-encoded buffer %x fails: %v (from %x)", out, err, b)
	}
	if !reflect.DeepEqual(back, env) {
		t.Fatalf("round trip of %x:\n got %+v\nwant %+v", b, back, env)
	}
}

func TestRandomFlips(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for name, v := range vectors() {
		passed := 0
		// Every byte through several values, then random multi-byte damage.
		for i := range v {
			for _, x := range []byte{0, 1, 0x7f, 0x80, 0xff, v[i] ^ 0x01, v[i] ^ 0x10} {
				b := bytes.Clone(v)
				b[i] = x
				checkInvariant(t, b)
				if Verify(b) == nil {
					passed++
				}
			}
		}
		for range 20000 {
			b := bytes.Clone(v)
			for range 1 + r.IntN(4) {
				b[r.IntN(len(b))] = byte(r.Uint32())
			}
			checkInvariant(t, b)
		}
		t.Logf("%s: %d of %d single-byte changes still verify", name, passed, 7*len(v))
	}
}

func envelopeBuf(t *testing.T, env *fb.EnvelopeT) []byte {
	t.Helper()
	b, err := Encode(env)
	if err != nil {
		t.Fatal(err)
	}
	if err := Verify(b); err != nil {
		t.Fatalf("Encode output %x does not verify", b)
	}
	return b
}

func TestVerifierRejects(t *testing.T) {
	le := binary.LittleEndian
	isAlive := func(f func(b []byte)) []byte { b := bytes.Clone(vecIsAlive); f(b); return b }
	cases := map[string][]byte{
		"empty":                nil,
		"below minimum size":   vecIsAlive[:11],
		"root offset zero":     isAlive(func(b []byte) { le.PutUint32(b, 0) }),
		"root offset outside":  isAlive(func(b []byte) { le.PutUint32(b, 40) }),
		"root misaligned":      isAlive(func(b []byte) { le.PutUint32(b, 0x15) }),
		"root negative":        isAlive(func(b []byte) { le.PutUint32(b, 0x80000014) }),
		"vtable size odd":      isAlive(func(b []byte) { b[6] = 0x0f }),
		"vtable past end":      isAlive(func(b []byte) { b[6] = 0xfe }),
		"vtable before start":  isAlive(func(b []byte) { le.PutUint32(b[20:], 40) }),
		"vtable after end":     isAlive(func(b []byte) { le.PutUint32(b[20:], 0xffffff00) }),
		"vtable misaligned":    isAlive(func(b []byte) { le.PutUint32(b[20:], 13) }),
		"scalar past end":      isAlive(func(b []byte) { le.PutUint16(b[16:], 40) }),
		"uint64 misaligned":    isAlive(func(b []byte) { le.PutUint16(b[10:], 7) }),
		"message outside":      isAlive(func(b []byte) { le.PutUint32(b[28:], 100) }),
		"message offset zero":  isAlive(func(b []byte) { le.PutUint32(b[28:], 0) }),
		"message bad vtable":   isAlive(func(b []byte) { le.PutUint32(b[36:], 0x100) }),
		"string offset inside": isAlive(func(b []byte) { le.PutUint16(b[12:], 8) }), // credentials -> the message offset, whose "string" has no NUL
	}
	// A string whose terminator is not NUL, and one too long.
	withCred := envelopeBuf(t, &fb.EnvelopeT{Credentials: "abc", Message: MessageOf(&fb.IsAliveT{})})
	i := bytes.Index(withCred, []byte("abc\x00"))
	noNUL := bytes.Clone(withCred)
	noNUL[i+3] = 'x'
	cases["string without NUL"] = noNUL
	long := bytes.Clone(withCred)
	le.PutUint32(long[i-4:], 0x7ffffff0)
	cases["string too long"] = long
	huge := bytes.Clone(withCred)
	le.PutUint32(huge[i-4:], 0xffffffff)
	cases["string length overflow"] = huge

	// Vector lengths.
	opts := envelopeBuf(t, &fb.EnvelopeT{Message: MessageOf(&fb.TopicConfirmationT{Options: &fb.TopicConfirmationOptionsT{Accounts: []string{"ab"}}})})
	j := bytes.Index(opts, []byte("ab\x00"))
	// The vector {1, offset} precedes the string: find its length word.
	k := bytes.LastIndex(opts[:j-4], []byte{1, 0, 0, 0})
	for name, n := range map[string]uint32{"vector length overflow": 0x40000000, "vector past end": 2, "vector huge": 0x1fffffff} {
		b := bytes.Clone(opts)
		le.PutUint32(b[k:], n)
		cases[name] = b
	}
	elem := bytes.Clone(opts)
	le.PutUint32(elem[k+4:], 0x1000)
	cases["vector element outside"] = elem

	// Required fields.
	for name, build := range map[string]func(b *flatbuffers.Builder) flatbuffers.UOffsetT{
		"AccountWeight.account missing": func(b *flatbuffers.Builder) flatbuffers.UOffsetT {
			b.StartObject(1)
			return b.EndObject()
		},
		"ServiceStop.service_name missing": func(b *flatbuffers.Builder) flatbuffers.UOffsetT {
			b.StartObject(2)
			b.PrependBoolSlot(1, true, false)
			return b.EndObject()
		},
	} {
		b := flatbuffers.NewBuilder(0)
		msg := build(b)
		tag := fb.MessageAccountWeight
		if name[0] == 'S' {
			tag = fb.MessageServiceStop
		}
		b.StartObject(5)
		b.PrependUOffsetTSlot(4, msg, 0)
		b.PrependUint8Slot(3, byte(tag), 0)
		b.Finish(b.EndObject())
		cases[name] = b.FinishedBytes()
	}
	{
		b := flatbuffers.NewBuilder(0)
		b.StartObject(1)
		aw := b.EndObject()
		b.StartObject(5)
		b.PrependUOffsetTSlot(4, aw, 0)
		b.PrependUint8Slot(3, byte(fb.MessageAccountWeightResponse), 0)
		b.Finish(b.EndObject())
		cases["AccountWeightResponse.voting_weight missing"] = b.FinishedBytes()
	}

	for name, b := range cases {
		if err := Verify(b); !errors.Is(err, ErrVerify) {
			t.Errorf("%s: Verify = %v, want ErrVerify", name, err)
		}
		if _, err := Decode(b); err != ErrVerify {
			t.Errorf("%s: Decode error %v", name, err)
		}
	}
}

func TestVerifierAccepts(t *testing.T) {
	le := binary.LittleEndian
	// An unknown union type passes (as in C++) whatever its table is, and
	// decodes to the type alone.
	b := bytes.Clone(vecIsAlive)
	b[27] = 99
	le.PutUint32(b[36:], 0x100) // the "table" is garbage; nobody looks at it
	env, err := Decode(b)
	if err != nil || env.Message == nil || env.Message.Type != 99 || env.Message.Value != nil {
		t.Fatalf("unknown type: %+v, %v", env, err)
	}
	// A handled type without its table verifies; Decode keeps the type.
	nomsg := envelopeBuf(t, &fb.EnvelopeT{CorrelationId: "c", Message: &fb.MessageT{Type: fb.MessageTopicConfirmation}})
	env, err = Decode(nomsg)
	if err != nil || env.Message == nil || env.Message.Type != fb.MessageTopicConfirmation || env.Message.Value != nil {
		t.Fatalf("type without table: %+v, %v", env, err)
	}
	// NONE with a table offset: the table is ignored.
	none := bytes.Clone(vecIsAlive)
	none[27] = 0
	if env, err := Decode(none); err != nil || env.Message != nil {
		t.Fatalf("NONE: %+v, %v", env, err)
	}
	// An empty string in a required field is present, so it verifies.
	if _, err := Decode(envelopeBuf(t, NewEnvelope(&fb.AccountWeightT{}, "", zeroTime))); err != nil {
		t.Fatalf("empty required string: %v", err)
	}
}

// Synthetic schemas exercise the depth and table-count limits, which
// nanoapi.fbs is too shallow to reach.
func TestVerifierLimits(t *testing.T) {
	node := &schema.TableDef{Name: "Node", Fields: []*schema.Field{{Name: "child", Slot: 0, Kind: schema.Table, Ref: "Node"}}}
	s, err := schema.Build("t", "Node", nil, []*schema.TableDef{node})
	if err != nil {
		t.Fatal(err)
	}
	chain := func(n int) []byte {
		b := flatbuffers.NewBuilder(0)
		var prev flatbuffers.UOffsetT
		for i := 0; i < n; i++ {
			b.StartObject(1)
			if prev != 0 {
				b.PrependUOffsetTSlot(0, prev, 0)
			}
			prev = b.EndObject()
		}
		b.Finish(prev)
		return b.FinishedBytes()
	}
	if !verifyRoot(chain(MaxDepth), s.Root) {
		t.Errorf("depth %d rejected", MaxDepth)
	}
	if verifyRoot(chain(MaxDepth+1), s.Root) {
		t.Errorf("depth %d accepted", MaxDepth+1)
	}

	item := &schema.TableDef{Name: "Item"}
	list := &schema.TableDef{Name: "List", Fields: []*schema.Field{{Name: "items", Slot: 0, Kind: schema.Vector, Elem: schema.Table, Ref: "Item"}}}
	s, err = schema.Build("t", "List", nil, []*schema.TableDef{item, list})
	if err != nil {
		t.Fatal(err)
	}
	many := func(n int) []byte {
		b := flatbuffers.NewBuilder(4*n + 64)
		b.StartObject(0)
		one := b.EndObject()
		b.StartVector(4, n, 4)
		for i := 0; i < n; i++ {
			b.PrependUOffsetT(one) // every element is the same table
		}
		vec := b.EndVector(n)
		b.StartObject(1)
		b.PrependUOffsetTSlot(0, vec, 0)
		b.Finish(b.EndObject())
		return b.FinishedBytes()
	}
	if !verifyRoot(many(MaxTables-1), s.Root) {
		t.Errorf("%d tables rejected", MaxTables)
	}
	if verifyRoot(many(MaxTables), s.Root) {
		t.Errorf("%d tables accepted", MaxTables+1)
	}
}

// TestDecodeLimit: a buffer whose vector entries all point at one string
// verifies, but Decode refuses it once its Go objects pass DecodeLimit.
func TestDecodeLimit(t *testing.T) {
	tests := []struct {
		name    string
		n, size int
		ok      bool
	}{
		{"within", 16, 1024, true},
		{"past the limit", 64, 4096, false},
	}
	for _, tt := range tests {
		b := aliasedAccounts(tt.n, tt.size)
		if err := Verify(b); err != nil {
			t.Fatalf("%s: Verify: %v", tt.name, err)
		}
		env, err := Decode(b)
		if (err == nil) != tt.ok || !tt.ok && err != ErrVerify {
			t.Errorf("%s: Decode = %v", tt.name, err)
		}
		if tt.ok && len(env.Message.Value.(*fb.TopicConfirmationT).Options.Accounts) != tt.n {
			t.Errorf("%s: accounts lost", tt.name)
		}
	}
}
