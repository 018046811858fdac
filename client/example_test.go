package client_test

import (
	"context"
	"fmt"
	"log"
	"time"

	"github.com/nipc/nipc/client"
)

// ExampleDial finds the node from the environment (NIPC_IPC_PATH, or
// NIPC_IPC_ADDR and NIPC_IPC_PORT) and asks for its version. It has no Output
// comment: it needs a running node, so it is compiled but not run.
func ExampleDial() {
	cfg, err := client.ConfigFromEnv()
	if err != nil {
		log.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	cl, err := client.Dial(ctx, cfg)
	if err != nil {
		log.Fatal(err) // an *UnreachableError says where it looked and what to set
	}
	defer cl.Close()
	reply, err := cl.Legacy(ctx, "version", nil)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("%s", reply)
}
