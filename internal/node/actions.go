package node

// LegacyActions lists the legacy actions this node answers, sorted.
func (n *Node) LegacyActions() []string { return n.legacy.Registry.Names() }
