package nano

import "testing"

// TestEpochLinks: the links are the node's epoch_link_v1 and v2 in hex
// (nano/secure/common.cpp), and IsEpochLink knows them and nothing else.
func TestEpochLinks(t *testing.T) {
	tests := []struct {
		link Hash
		want bool
	}{
		{Hash(mustHex32(t, "65706F636820763120626C6F636B000000000000000000000000000000000000")), true},
		{Hash(mustHex32(t, "65706F636820763220626C6F636B000000000000000000000000000000000000")), true},
		{Hash(mustHex32(t, "65706F636820763320626C6F636B000000000000000000000000000000000000")), false},
		{Hash{}, false},
		{Hash(mustHex32(t, DevGenesisPublicKeyHex)), false},
	}
	for _, tt := range tests {
		if got := IsEpochLink(tt.link); got != tt.want {
			t.Errorf("IsEpochLink(%s) = %v, want %v", tt.link, got, tt.want)
		}
	}
	if EpochLinkV1.String() != "65706F636820763120626C6F636B000000000000000000000000000000000000" {
		t.Errorf("EpochLinkV1 = %s", EpochLinkV1)
	}
}
