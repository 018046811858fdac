package nano

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"
)

func TestThresholds(t *testing.T) {
	// publish_full, publish_beta and publish_dev in nano/lib/config.cpp
	// (nano/lib/constants.cpp in V28) of nanocurrency/nano-node.
	cases := []struct {
		name          string
		got           Thresholds
		e1, e2, e2r   uint64
		base, entry   uint64
		e2OverE1      float64
		e2rOverE1     float64
		e1OverLiveE1  float64
		e2rOverEntry  float64
		e2OverBase    float64
		checkLiveBeta bool
	}{
		{"live", LiveThresholds(), 0xffffffc000000000, 0xfffffff800000000, 0xfffffe0000000000, 0xfffffff800000000, 0xfffffe0000000000, 8, 1. / 8, 1, 1, 1, false},
		{"beta", BetaThresholds(), 0xfffff00000000000, 0xfffff00000000000, 0xffffe00000000000, 0xfffff00000000000, 0xffffe00000000000, 1, 1. / 2, 1. / 64, 1, 1, true},
		{"dev", DevThresholds(), 0xfe00000000000000, 0xffc0000000000000, 0xf000000000000000, 0xffc0000000000000, 0xf000000000000000, 8, 1. / 8, 0, 1, 1, false},
	}
	for _, c := range cases {
		g := c.got
		if g.Epoch1 != c.e1 || g.Epoch2 != c.e2 || g.Epoch2Receive != c.e2r || g.Base() != c.base || g.Entry() != c.entry {
			t.Errorf("%s: %+v base %x entry %x", c.name, g, g.Base(), g.Entry())
		}
		// The ratios the node's difficulty.network_constants test asserts.
		near := func(what string, got, want float64) {
			if d := got - want; d > 1e-10 || d < -1e-10 {
				t.Errorf("%s %s = %v, want %v", c.name, what, got, want)
			}
		}
		near("epoch2/epoch1", Multiplier(g.Epoch2, g.Epoch1), c.e2OverE1)
		near("epoch2receive/epoch1", Multiplier(g.Epoch2Receive, g.Epoch1), c.e2rOverE1)
		near("epoch2receive/entry", Multiplier(g.Epoch2Receive, g.Entry()), c.e2rOverEntry)
		near("epoch2/base", Multiplier(g.Epoch2, g.Base()), c.e2OverBase)
		if c.checkLiveBeta {
			near("epoch1/live epoch1", Multiplier(g.Epoch1, LiveThresholds().Epoch1), c.e1OverLiveE1)
		}
	}
	d := DevThresholds()
	for _, c := range []struct {
		epoch   Epoch
		receive bool
		want    uint64
	}{
		{Epoch0, false, d.Epoch1}, {Epoch1, true, d.Epoch1}, {Epoch2, false, d.Epoch2}, {Epoch2, true, d.Epoch2Receive},
	} {
		if got := d.Threshold(c.epoch, c.receive); got != c.want {
			t.Errorf("Threshold(%d, %v) = %x", c.epoch, c.receive, got)
		}
	}
}

func TestDifficultyVectors(t *testing.T) {
	// Difficulties computed with Python's hashlib.blake2b (digest_size=8)
	// from the rule in work_thresholds::value; the genesis works are the
	// node's, and the last work is nanocurrency-js's INVALID_WORK vector
	// (packages/nanocurrency/__tests__/work.js), invalid at ffffffc000000000.
	cases := []struct {
		root       string
		work, want uint64
	}{
		{DevGenesisPublicKeyHex, DevGenesisWork, 0xff1475ba5c832b89},
		{"E89208DD038FBB269987689621D52292AE9C35941A7484756ECCED92A65093BA", 0x62f05417dd3fb691, 0xfffffff4000d3dac},
		{"3ed191ec702f384514ba35e1f9081148df5a9ab48fe0f604b6e5b9f7177cee32", 0xbb6737f2daf01a2c, 0x74bbaa4490886de7},
		{strings.Repeat("0", 64), 0, 0xd60fba25f7d14965},
	}
	for _, c := range cases {
		root := Hash(mustHex32(t, c.root))
		if got := Difficulty(root, c.work); got != c.want {
			t.Errorf("Difficulty(%s, %x) = %x, want %x", c.root, c.work, got, c.want)
		}
		if !Validate(root, c.work, c.want) || Validate(root, c.work, c.want+1) {
			t.Errorf("Validate is not difficulty >= threshold")
		}
	}
	if !Validate(Hash(mustHex32(t, "E89208DD038FBB269987689621D52292AE9C35941A7484756ECCED92A65093BA")), 0x62f05417dd3fb691, LiveThresholds().Epoch1) {
		t.Error("live genesis work is below the live epoch-1 threshold")
	}
}

func TestGenerate(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	for i := range 20 {
		root := Hash{byte(i), 0xaa}
		threshold := DevThresholds().Base()
		work, err := Generate(ctx, root, threshold)
		if err != nil {
			t.Fatal(err)
		}
		if !Validate(root, work, threshold) {
			t.Fatalf("generated %x below threshold", work)
		}
	}
	if _, err := Generate(ctx, Hash{}, 0); err != nil {
		t.Fatal(err)
	}
}

func TestGenerateStopsOnContext(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	start := time.Now()
	_, err := Generate(ctx, Hash{1}, ^uint64(0)) // practically unreachable
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("err = %v", err)
	}
	if time.Since(start) > 2*time.Second {
		t.Fatal("Generate did not stop promptly")
	}
	done, stop := context.WithCancel(context.Background())
	stop()
	if _, err := Generate(done, Hash{1}, 0); !errors.Is(err, context.Canceled) {
		t.Fatalf("cancelled context: %v", err)
	}
	// goleak in TestMain checks that no worker outlives Generate.
}

func TestMultiplierVectors(t *testing.T) {
	// difficultyDeathTest.multipliers, difficulty.overflow and
	// difficulty.zero in nano/core_test/difficulty.cpp.
	cases := []struct {
		base, difficulty uint64
		multiplier       float64
	}{
		{0xff00000000000000, 0xfff27e7a57c285cd, 18.95461493377003},
		{0xffffffc000000000, 0xfffffe0000000000, 0.125},
		{0xffffffffffffffff, 0xffffffffffffff00, 0.00390625},
		{0x8000000000000000, 0xf000000000000000, 8.0},
	}
	for _, c := range cases {
		if got := Multiplier(c.difficulty, c.base); got-c.multiplier > 1e-10 || c.multiplier-got > 1e-10 {
			t.Errorf("Multiplier(%x, %x) = %v, want %v", c.difficulty, c.base, got, c.multiplier)
		}
		if got := DifficultyFromMultiplier(c.multiplier, c.base); got != c.difficulty {
			t.Errorf("DifficultyFromMultiplier(%v, %x) = %x, want %x", c.multiplier, c.base, got, c.difficulty)
		}
	}
	edges := []struct {
		multiplier float64
		base, want uint64
	}{
		{1.001, ^uint64(0), ^uint64(0)}, // overflow max
		{0.999, 1, 0},                   // overflow min
		{0.000000001, 0, 0},             // zero base
		{1000000000.0, 0, 0},
		{0, 0xffffffc000000000, 0},
		{-1, 0xffffffc000000000, 0},
	}
	for _, e := range edges {
		if got := DifficultyFromMultiplier(e.multiplier, e.base); got != e.want {
			t.Errorf("DifficultyFromMultiplier(%v, %x) = %x, want %x", e.multiplier, e.base, got, e.want)
		}
	}
	if Multiplier(0, 1) != 0 {
		t.Error("Multiplier of difficulty 0")
	}
	// nano::to_string (double): std::fixed, 15 decimals, correctly rounded
	// like C's printf("%.15f") (checked with Python's "%.15f").
	for m, want := range map[float64]string{1: "1.000000000000000", 8: "8.000000000000000", 0.125: "0.125000000000000", 18.95461493377003: "18.954614933770031"} {
		if got := FormatMultiplier(m); got != want {
			t.Errorf("FormatMultiplier(%v) = %s, want %s", m, got, want)
		}
	}
}

func TestWorkText(t *testing.T) {
	for s, want := range map[string]uint64{"7b42a00ee91d5810": 0x7b42a00ee91d5810, "7B42A00EE91D5810": 0x7b42a00ee91d5810, "0": 0, "1f": 0x1f, "ffffffffffffffff": ^uint64(0)} {
		if got, err := ParseWork(s); err != nil || got != want {
			t.Errorf("ParseWork(%s) = %x, %v", s, got, err)
		}
	}
	for _, bad := range []string{"", "10000000000000000", "0x1", "+1", "-1", "g", " 1", "1_0"} {
		if _, err := ParseWork(bad); !errors.Is(err, ErrBadWork) {
			t.Errorf("ParseWork(%q) = %v", bad, err)
		}
	}
	if FormatWork(0x1f) != "000000000000001f" || FormatWork(^uint64(0)) != "ffffffffffffffff" {
		t.Error("FormatWork")
	}
}
