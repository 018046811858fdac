package nano

// Epoch blocks. An epoch block is a state block whose link is an epoch link
// and whose balance equals its previous block's (zero for an epoch open);
// it is signed by the epoch's signer, not by its account. The links are
// the same on every network: the ASCII messages "epoch v1 block" and
// "epoch v2 block", left-aligned and zero padded (nano/secure/common.cpp of
// nanocurrency/nano-node). On the dev network both epochs' signer is the
// genesis key.

var epochLinks = func() (l [2]Hash) {
	copy(l[0][:], "epoch v1 block")
	copy(l[1][:], "epoch v2 block")
	return l
}()

// EpochLink returns the link of epoch e's blocks, and false for Epoch0,
// which has none.
func EpochLink(e Epoch) (Hash, bool) {
	switch e {
	case Epoch1, Epoch2:
		return epochLinks[e-1], true
	}
	return Hash{}, false
}

// EpochOfLink returns the epoch whose link link is, and false if it is no
// epoch link.
func EpochOfLink(link Hash) (Epoch, bool) {
	switch link {
	case epochLinks[0]:
		return Epoch1, true
	case epochLinks[1]:
		return Epoch2, true
	}
	return Epoch0, false
}

// IsEpochLink reports whether link is an epoch link.
func IsEpochLink(link Hash) bool {
	_, ok := EpochOfLink(link)
	return ok
}

// DevEpochSigner returns the account that signs the dev network's epoch v1
// and v2 blocks: the genesis account (the node's dev ledger_constants).
func DevEpochSigner() PublicKey { return DevGenesisBlock().Account }
