// Command driver runs one command on many hosts through internal/remote
// exactly as `mrsk server exec` does (default ~/.ssh paths, agent, one
// connection per host, all hosts in parallel) and prints each host's output
// under a "Host: <host>" heading. It is the benchmark's stand-in while the
// CLI is not available.
//
//	driver -hosts 10.201.0.2,10.201.0.3 true
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"strings"
	"sync"

	"github.com/mrsk-go/mrsk/internal/cmdline"
	"github.com/mrsk-go/mrsk/internal/remote"
)

func main() {
	hostList := flag.String("hosts", "", "comma-separated hosts")
	flag.Parse()
	if *hostList == "" || flag.NArg() == 0 {
		fmt.Fprintln(os.Stderr, "usage: driver -hosts H1,H2 CMD...")
		os.Exit(2)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	p, err := remote.New(remote.Options{Log: os.Stderr})
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	defer p.Close()
	hosts := strings.Split(*hostList, ",")
	cmd := cmdline.New(flag.Args()...)
	var mu sync.Mutex
	err = remote.OnHosts(ctx, hosts, func(ctx context.Context, h string) error {
		res, err := p.Run(ctx, h, cmd)
		if err != nil {
			return err
		}
		mu.Lock()
		fmt.Printf("Host: %s\n%s\n\n", h, p.Redact(res.Output()))
		mu.Unlock()
		return nil
	})
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}
