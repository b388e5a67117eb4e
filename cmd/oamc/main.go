// Command oamc compiles OAM Applications into Kubernetes manifests, offline.
package main

import (
	"os"

	"github.com/oamc/oamc/cmd/oamc/cli"
)

func main() { os.Exit(cli.Main()) }
