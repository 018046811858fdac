package nano

import (
	"encoding/hex"
	"strings"
	"testing"
)

func TestEpochLinks(t *testing.T) {
	tests := []struct {
		epoch Epoch
		hex   string // the node's dev epoch links
		ok    bool
	}{
		{Epoch0, "", false},
		{Epoch1, "65706F636820763120626C6F636B000000000000000000000000000000000000", true},
		{Epoch2, "65706F636820763220626C6F636B000000000000000000000000000000000000", true},
		{Epoch(3), "", false},
	}
	for _, tt := range tests {
		link, ok := EpochLink(tt.epoch)
		if ok != tt.ok {
			t.Fatalf("EpochLink(%d) ok = %v", tt.epoch, ok)
		}
		if !ok {
			continue
		}
		if got := hex.EncodeToString(link[:]); got != strings.ToLower(tt.hex) {
			t.Errorf("EpochLink(%d) = %s, want %s", tt.epoch, got, tt.hex)
		}
		if e, ok := EpochOfLink(link); !ok || e != tt.epoch || !IsEpochLink(link) {
			t.Errorf("EpochOfLink(%s) = %d, %v", tt.hex, e, ok)
		}
	}
	if IsEpochLink(Hash{}) {
		t.Error("the zero link is an epoch link")
	}
	if DevEpochSigner() != DevGenesisKey().PublicKey() {
		t.Error("the dev epoch signer is not the genesis key")
	}
}
