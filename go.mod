module github.com/nipc/nipc

go 1.26.0

require (
	filippo.io/edwards25519 v1.2.0
	github.com/pelletier/go-toml/v2 v2.4.3
	go.uber.org/goleak v1.3.0
	golang.org/x/crypto v0.58.0
)

require (
	github.com/google/flatbuffers v25.12.19+incompatible // indirect
	github.com/stretchr/testify v1.11.1 // indirect
	golang.org/x/sys v0.49.0 // indirect
)
