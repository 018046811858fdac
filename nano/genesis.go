package nano

// The dev network's genesis. Its private key is public on purpose: it is how
// the node's tests, and ours, hold the whole dev supply. The values are
// dev_private_key_data, dev_public_key_data and dev_genesis_data in
// nano/secure/common.cpp of nanocurrency/nano-node; the genesis is a legacy
// open block whose source, representative and account are all the genesis
// key, signed by it, with work above the dev epoch-1 threshold.
const (
	DevGenesisPrivateKeyHex = "34F0A37AAD20F4A260F0A5B3CB3D7FB50673212263E58A380BC10474BB039CE4"
	DevGenesisPublicKeyHex  = "B0311EA55708D6A53C75CDBF88300259C6D018522FE3D4D0A242E431F9E8B6D0"
	DevGenesisAccount       = "nano_3e3j5tkog48pnny9dmfzj1r16pg8t1e76dz5tmac6iq689wyjfpiij4txtdo"
	DevGenesisWork          = 0x7b42a00ee91d5810
	DevGenesisSignatureHex  = "ECDA914373A2F0CA1296475BAEE40500A7F0A7AD72A5A80C81D7FAB7F6C802B2" +
		"CC7DB50F5DD0FB25B2EF11761FA7344A158DD5A700B21BD47DE5BD0F63153A02"
	// DevGenesisHashHex is the hash of the dev genesis block, which the node
	// also reports as the dev network's identifier ("network_identifier" in
	// its version RPC).
	DevGenesisHashHex = "04270D7F11C4B2B472F2854C5A59F2A7E84226CE9ED799DE75744BD7D85FC9D9"
)

// GenesisAmount is the supply the genesis account starts with: 2^128-1 raw.
var GenesisAmount = MaxAmount

// DevGenesisKey returns the dev genesis private key.
func DevGenesisKey() PrivateKey {
	k, err := ParsePrivateKey(DevGenesisPrivateKeyHex)
	if err != nil {
		panic("nano: bad DevGenesisPrivateKeyHex")
	}
	return k
}

// DevGenesisBlock returns a new copy of the dev genesis open block.
func DevGenesisBlock() *Block {
	pub, err := ParsePublicKey(DevGenesisPublicKeyHex)
	if err != nil {
		panic("nano: bad DevGenesisPublicKeyHex")
	}
	sig, err := ParseSignature(DevGenesisSignatureHex)
	if err != nil {
		panic("nano: bad DevGenesisSignatureHex")
	}
	return &Block{
		Type:           BlockTypeOpen,
		Source:         Hash(pub),
		Representative: pub,
		Account:        pub,
		Signature:      sig,
		Work:           DevGenesisWork,
	}
}
