// Package nodeinfo holds the facts about the running node that the version
// queries report (the legacy version action and the v2 Version message), so
// that both answer from one owner.
package nodeinfo

import "runtime"

// Info is what the node says about itself.
type Info struct {
	Version           string // nipc's version, e.g. "0.1.0"
	StoreVendor       string // e.g. "bbolt 1.5.0"
	StoreVersion      int    // the ledger's schema version
	ProtocolVersion   int    // the Nano protocol version whose ledger rules nipc follows
	NetworkIdentifier string // the genesis block hash, uppercase hex
}

// NodeVendor is the node_vendor of a version reply: "nipc V<version>".
func (i Info) NodeVendor() string { return "nipc V" + i.Version }

// BuildInfo is the build_info of a version reply: nipc's version, the Go
// release and the platform.
func (i Info) BuildInfo() string {
	return "nipc " + i.Version + " " + runtime.Version() + " " + runtime.GOOS + "/" + runtime.GOARCH
}
