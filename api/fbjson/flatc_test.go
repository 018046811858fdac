package fbjson

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/nipc/nipc/api"
	"github.com/nipc/nipc/api/fb"
)

// flatc (Debian's flatbuffers-compiler, 2.0.8) is the independent oracle.
func needFlatc(t *testing.T) string {
	t.Helper()
	path, err := exec.LookPath("flatc")
	if err != nil {
		if os.Getenv("CI") != "" {
			t.Fatal("flatc not installed: CI must run apt-get install -y flatbuffers-compiler")
		}
		t.Skip("flatc not installed (apt-get install -y flatbuffers-compiler); skipping the flatc oracle test")
	}
	return path
}

func fixtures(t *testing.T) []string {
	t.Helper()
	js, err := filepath.Glob("../testdata/*.json")
	if err != nil || len(js) < 10 {
		t.Fatalf("fixtures: %v %v", js, err)
	}
	return js
}

// The committed *.bin were made by flatc -b from the *.json beside them
// (api/testdata/mkbin.sh): our verifier+decoder must read them as the same
// envelope our parser makes of the JSON, and render both identically.
func TestFlatcFixtures(t *testing.T) {
	for _, j := range fixtures(t) {
		name := strings.TrimSuffix(filepath.Base(j), ".json")
		text, err := os.ReadFile(j)
		if err != nil {
			t.Fatal(err)
		}
		bin, err := os.ReadFile(strings.TrimSuffix(j, ".json") + ".bin")
		if err != nil {
			t.Fatalf("%s: %v (run api/testdata/mkbin.sh)", name, err)
		}
		want, err := api.Decode(bin)
		if err != nil {
			t.Fatalf("%s: flatc's binary fails our verifier: %v", name, err)
		}
		ours, err := Parse(text, Options{})
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		got, err := api.Decode(ours)
		if err != nil {
			t.Fatalf("%s: our binary fails our verifier: %v", name, err)
		}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("%s: our parse differs from flatc's\n got %+v\nwant %+v", name, got, want)
		}
		r1, err1 := Render(bin)
		r2, err2 := Render(ours)
		if err1 != nil || err2 != nil || !bytes.Equal(r1, r2) {
			t.Errorf("%s: renders differ (%v, %v)\n%s\n%s", name, err1, err2, r1, r2)
		}
		// We build in flatc's order, so the bytes are the same too.
		if !bytes.Equal(ours, bin) {
			t.Errorf("%s: our binary differs from flatc's\n ours %x\nflatc %x", name, ours, bin)
		}
	}
}

// If flatc is here, the committed fixtures must be what it makes.
func TestFlatcFixturesCurrent(t *testing.T) {
	flatc := needFlatc(t)
	dir := t.TempDir()
	for _, j := range fixtures(t) {
		out, err := exec.Command(flatc, "-b", "--strict-json", "-o", dir, "../nanoapi.fbs", j).CombinedOutput()
		if err != nil {
			t.Fatalf("flatc -b %s: %v\n%s", j, err, out)
		}
		base := strings.TrimSuffix(filepath.Base(j), ".json") + ".bin"
		fresh, _ := os.ReadFile(filepath.Join(dir, base))
		committed, _ := os.ReadFile(filepath.Join("../testdata", base))
		if !bytes.Equal(fresh, committed) {
			t.Errorf("%s is stale; run api/testdata/mkbin.sh", base)
		}
	}
}

func oracleEnvelopes(t *testing.T) map[string]*fb.EnvelopeT {
	t.Helper()
	now := time.UnixMilli(1579736914615)
	envs := map[string]*fb.EnvelopeT{
		"isalive":      api.NewEnvelope(&fb.IsAliveT{}, "", now),
		"access":       api.ErrorEnvelope(api.ErrAccessDenied, "c1", now),
		"unicode":      api.NewEnvelope(&fb.SuccessT{Message: "é ü \u2028 😀 / \\ \" \x01\x7f\t\n"}, "\u00e9", now),
		"weight":       api.NewEnvelope(&fb.AccountWeightResponseT{VotingWeight: "340282366920938463463374607431768211455"}, "42", now),
		"no message":   {Time: 1, Message: &fb.MessageT{Type: fb.MessageServiceStop}},
		"unknown type": {Time: 1, Message: &fb.MessageT{Type: 250}},
		"enum number":  api.NewEnvelope(&fb.EventConfirmationT{ConfirmationType: 9, Block: &fb.BlockT{Type: fb.BlockBlockState, Value: &fb.BlockStateT{Subtype: -1}}}, "", now),
		"empty vector": api.NewEnvelope(&fb.ReceivableResponseT{}, "", now),
		"int32":        api.NewEnvelope(&fb.ErrorT{Code: -2147483648, Category: 2147483647}, "", now),
	}
	for _, j := range fixtures(t) {
		text, _ := os.ReadFile(j)
		env, err := ParseEnvelope(text, Options{})
		if err != nil {
			t.Fatal(err)
		}
		envs[filepath.Base(j)] = env
	}
	return envs
}

// Our binary output, read back by flatc --json, is exactly our rendering.
func TestFlatcReadsOurBinary(t *testing.T) {
	flatc := needFlatc(t)
	dir := t.TempDir()
	for name, env := range oracleEnvelopes(t) {
		buf, err := api.Encode(env)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		in := filepath.Join(dir, "x.bin")
		if err := os.WriteFile(in, buf, 0o644); err != nil {
			t.Fatal(err)
		}
		out, err := exec.Command(flatc, "--json", "--strict-json", "--raw-binary", "-o", dir, "../nanoapi.fbs", "--", in).CombinedOutput()
		if err != nil {
			t.Fatalf("%s: flatc: %v\n%s", name, err, out)
		}
		want, err := os.ReadFile(filepath.Join(dir, "x.json"))
		if err != nil {
			t.Fatal(err)
		}
		got, err := Render(buf)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if !bytes.Equal(got, want) {
			t.Errorf("%s: flatc prints\n%s\nwe print\n%s", name, want, got)
		}
	}
}
