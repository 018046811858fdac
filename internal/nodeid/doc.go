// Package nodeid keeps the node's identity key: the ed25519-blake2b key the
// Nano node calls its node ID (node_id, telemetry's node_id and signature).
//
// The key lives in the data directory as FileName, the private key in 64
// uppercase hex digits and a newline, with mode 0600. Load creates it once,
// with a random key, and reads the same key on every later start; a file that
// others may read, or that holds anything but one key, fails the start with
// an error naming the file (never the key). Parse is the file's decoder.
package nodeid
