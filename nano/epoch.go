package nano

// The epoch links: the link field of an epoch block, which upgrades an
// account's epoch without changing its balance. Each is an ASCII message,
// left-aligned and zero padded to 32 bytes, as the node's ledger_constants
// define them (epoch_link_v1, epoch_link_v2); they are the same on every
// network, where only the key that signs epoch blocks differs (the genesis
// key on the dev network).
var (
	EpochLinkV1 = epochLink("epoch v1 block")
	EpochLinkV2 = epochLink("epoch v2 block")
)

func epochLink(msg string) (h Hash) {
	copy(h[:], msg)
	return h
}

// IsEpochLink reports whether link is one of the epoch links.
func IsEpochLink(link Hash) bool { return link == EpochLinkV1 || link == EpochLinkV2 }
