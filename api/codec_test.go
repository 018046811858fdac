package api

import (
	"bytes"
	"errors"
	"fmt"
	"reflect"
	"strings"
	"testing"
	"time"

	flatbuffers "github.com/google/flatbuffers/go"

	"github.com/nipc/nipc/api/fb"
	"github.com/nipc/nipc/api/internal/schema"
)

var zeroTime = time.UnixMilli(0)

// fill sets every field of the struct pointed to by v to a distinct,
// non-default value (seed makes values differ between calls), unions to
// their first member.
func fill(v reflect.Value, seed *int) {
	st := v.Elem()
	for i := 0; i < st.NumField(); i++ {
		f := st.Field(i)
		*seed++
		n := *seed
		switch f.Kind() {
		case reflect.Bool:
			f.SetBool(true) // every bool default is false except two, filled below
		case reflect.Int8, reflect.Int32:
			f.SetInt(int64(n%100 + 2))
		case reflect.Uint8, reflect.Uint64:
			f.SetUint(uint64(n)<<40 | 7)
		case reflect.String:
			f.SetString(fmt.Sprintf("s%d-é", n))
		case reflect.Slice:
			s := reflect.MakeSlice(f.Type(), 2, 2)
			for j := 0; j < 2; j++ {
				if s.Index(j).Kind() == reflect.String {
					s.Index(j).SetString(fmt.Sprintf("e%d.%d", n, j))
				} else {
					p := reflect.New(f.Type().Elem().Elem())
					fill(p, seed)
					s.Index(j).Set(p)
				}
			}
			f.Set(s)
		case reflect.Pointer:
			p := reflect.New(f.Type().Elem())
			if p.Elem().NumField() == 2 && p.Elem().Field(1).Kind() == reflect.Interface {
				continue // unions are set by the caller
			}
			fill(p, seed)
			f.Set(p)
		}
	}
}

// Every message table, every field set: Encode, Verify, Decode gives back
// the same values, and flatc's generated accessors read the same values (so
// the Go-side schema's slots and types agree with flatc's code).
func TestEncodeDecodeEveryMessage(t *testing.T) {
	seed := 0
	for _, m := range Messages() {
		v := reflect.New(codecs.plans[schema.Nano.EnumNamed("Message").ByValue(int64(m.Type), true).Table].ptr.Elem())
		fill(v, &seed)
		if bi, ok := v.Interface().(*fb.BlockInfoT); ok {
			bs := &fb.BlockStateT{}
			fill(reflect.ValueOf(bs), &seed)
			bi.Block = &fb.BlockT{Type: fb.BlockBlockState, Value: bs}
		}
		if ec, ok := v.Interface().(*fb.EventConfirmationT); ok {
			bs := &fb.BlockSendT{}
			fill(reflect.ValueOf(bs), &seed)
			ec.Block = &fb.BlockT{Type: fb.BlockBlockSend, Value: bs}
		}
		if o, ok := v.Interface().(*fb.TopicConfirmationT); ok {
			o.Options.IncludeBlock = false
			o.Options.IncludeElectionInfo = false
		}
		env := &fb.EnvelopeT{Time: 1 << 60, Credentials: "k", CorrelationId: "c/é", Message: MessageOf(v.Interface())}
		buf, err := Encode(env)
		if err != nil {
			t.Fatalf("%s: %v", m.Name, err)
		}
		got, err := Decode(buf)
		if err != nil {
			t.Fatalf("%s: %v", m.Name, err)
		}
		if !reflect.DeepEqual(got, env) {
			t.Errorf("%s: round trip\n got %+v\nwant %+v", m.Name, got.Message.Value, env.Message.Value)
		}
		// flatc's own Pack output must decode to the same values too.
		b := builders.Get().(*flatbuffers.Builder)
		b.Reset()
		b.Finish(env.Pack(b))
		got2, err := Decode(b.FinishedBytes())
		if err != nil {
			t.Fatalf("%s: generated Pack output fails verification: %v", m.Name, err)
		}
		if !reflect.DeepEqual(got2, env) {
			t.Errorf("%s: generated Pack round trip differs", m.Name)
		}
		builders.Put(b)
	}
}

func TestEncodeLikeTheNode(t *testing.T) {
	// Empty optional strings are omitted, required ones kept, defaults
	// omitted, vectors always written.
	buf, err := Encode(&fb.EnvelopeT{Message: MessageOf(&fb.AccountWeightResponseT{})})
	if err != nil {
		t.Fatal(err)
	}
	e := fb.GetRootAsEnvelope(buf, 0)
	if e.Credentials() != nil || e.CorrelationId() != nil || e.Time() != 0 {
		t.Errorf("empty envelope fields written: %x", buf)
	}
	if bytes.Count(buf, []byte{0, 0, 0, 0}) == 0 {
		t.Errorf("required empty string not written: %x", buf)
	}
	if _, err := Decode(buf); err != nil {
		t.Fatal(err)
	}
	buf, err = Encode(NewEnvelope(&fb.TopicConfirmationT{Options: &fb.TopicConfirmationOptionsT{IncludeBlock: true, IncludeElectionInfo: true}}, "", zeroTime))
	if err != nil {
		t.Fatal(err)
	}
	env, err := Decode(buf)
	if err != nil {
		t.Fatal(err)
	}
	o := env.Message.Value.(*fb.TopicConfirmationT).Options
	if o.Accounts == nil || !o.IncludeBlock || !o.IncludeElectionInfo {
		t.Errorf("options decoded as %+v", o)
	}
}

// TestAppendEncode: AppendEncode appends exactly Encode's bytes after dst's,
// and fills dst's spare capacity.
func TestAppendEncode(t *testing.T) {
	env := NewEnvelope(&fb.AccountWeightT{Account: burnAccount}, "42", zeroTime)
	want, err := Encode(env)
	if err != nil {
		t.Fatal(err)
	}
	for _, prefix := range []string{"", "x", "length and header"} {
		out, err := AppendEncode([]byte(prefix), env)
		if err != nil || string(out) != prefix+string(want) {
			t.Errorf("AppendEncode(%q) = %x, %v; want the prefix then %x", prefix, out, err, want)
		}
	}
	dst := make([]byte, 3, 3+len(want))
	out, _ := AppendEncode(dst, env)
	if &out[0] != &dst[0] {
		t.Error("AppendEncode did not append into dst's capacity")
	}
}

func TestEncodeErrors(t *testing.T) {
	for name, env := range map[string]*fb.EnvelopeT{
		"nil":           nil,
		"type mismatch": {Message: &fb.MessageT{Type: fb.MessageIsAlive, Value: &fb.AccountWeightT{}}},
		"unknown type":  {Message: &fb.MessageT{Type: 200, Value: &fb.IsAliveT{}}},
		"NONE value":    {Message: &fb.MessageT{Type: fb.MessageNONE, Value: &fb.IsAliveT{}}},
		"not a table":   {Message: &fb.MessageT{Type: fb.MessageIsAlive, Value: "x"}},
		"nil element": {Message: MessageOf(&fb.RepresentativesResponseT{
			Representatives: []*fb.RepresentativeT{nil}})},
	} {
		if _, err := Encode(env); err == nil {
			t.Errorf("%s: Encode succeeded", name)
		}
		dst := []byte("prefix")
		if out, err := AppendEncode(dst, env); err == nil || string(out) != "prefix" {
			t.Errorf("%s: AppendEncode = %q, %v; want the prefix unchanged and an error", name, out, err)
		}
	}
	// A typed nil Value is a type without a table.
	buf, err := Encode(&fb.EnvelopeT{Message: &fb.MessageT{Type: fb.MessageIsAlive, Value: (*fb.IsAliveT)(nil)}})
	if err != nil {
		t.Fatal(err)
	}
	env, err := Decode(buf)
	if err != nil || env.Message.Type != fb.MessageIsAlive || env.Message.Value != nil {
		t.Fatalf("%+v %v", env, err)
	}
}

func TestMessageOf(t *testing.T) {
	if m := MessageOf(&fb.ReloadT{}); m.Type != fb.MessageReload {
		t.Errorf("MessageOf(ReloadT) type %d", m.Type)
	}
	defer func() {
		if r := recover(); r == nil || !strings.Contains(fmt.Sprint(r), "BlockStateT") {
			t.Errorf("MessageOf(BlockStateT) did not panic helpfully: %v", r)
		}
	}()
	MessageOf(&fb.BlockStateT{})
}

func TestSchemaLimits(t *testing.T) {
	for _, tb := range schema.Nano.Tables {
		if len(tb.Fields) > maxFields {
			t.Errorf("%s has %d fields; raise maxFields", tb.Name, len(tb.Fields))
		}
	}
}

func TestErrorEnvelope(t *testing.T) {
	now := time.UnixMilli(1579736914615)
	env := ErrorEnvelope(fmt.Errorf("wrap: %w", ErrAccessDenied), "c1", now)
	if env.Time != 1579736914615 || env.CorrelationId != "c1" || env.Message.Type != fb.MessageError {
		t.Fatalf("%+v", env)
	}
	if e := env.Message.Value.(*fb.ErrorT); e.Code != 3 || e.Message != "Access denied" || e.Category != 0 {
		t.Fatalf("%+v", e)
	}
	if e := ErrorEnvelope(fmt.Errorf("disk on fire"), "", now).Message.Value.(*fb.ErrorT); e.Code != 1 || e.Message != "Unknown exception" {
		t.Fatalf("internal error leaked: %+v", e)
	}
	if AsError(nil) != nil {
		t.Fatal("AsError(nil) != nil")
	}
	if !errors.Is(&Error{3, "Access denied"}, ErrAccessDenied) || errors.Is(&Error{3, "x"}, ErrAccessDenied) {
		t.Fatal("Error.Is")
	}
	if NewError(CodeBadAccountNumber).Message != "Bad account number" || CodeText(999) != "Invalid error code" {
		t.Fatal("CodeText")
	}
	if got := ErrVerify.Error(); got != "api: error 1: Envelope buffer did not pass verifier" {
		t.Fatal(got)
	}
	for code := int32(1); code <= 44; code++ {
		if _, ok := codeTexts[code]; !ok {
			t.Errorf("no text for code %d", code)
		}
	}
}
