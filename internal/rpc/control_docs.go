package rpc

// documentedControl are the actions the Nano RPC documentation marks
// enable_control that the node at 9efd849 does not: bootstrap_priorities
// and bootstrap_reset (V28 actions it lacks) and node_id_delete (which it
// answers without enable_control). IsControl follows the documentation.
var documentedControl = map[string]bool{
	"bootstrap_priorities": true, "bootstrap_reset": true, "node_id_delete": true,
}
