package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"time"

	"github.com/spf13/cobra"

	"github.com/nipc/nipc/client"
	"github.com/nipc/nipc/internal/config"
	"github.com/nipc/nipc/internal/node"
	"github.com/nipc/nipc/internal/rpc"
	"github.com/nipc/nipc/internal/wallet"
	"github.com/nipc/nipc/nano"
)

func newWalletCmd(cf *clientFlags) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "wallet",
		Short: "list the wallets of a data directory",
		Long:  `Works on the wallets of a data directory (wallets.db), with its node running or not.`,
		Example: `  nipc wallet list
  nipc wallet list --data_path /tmp/a --json`,
		GroupID: groupOffline,
		Args:    cobra.ArbitraryArgs,
		RunE:    groupRunE,
	}
	cmd.AddCommand(newWalletListCmd(cf))
	return cmd
}

// newWalletListCmd: nipc wallet list, as nano_node --wallet_list.
func newWalletListCmd(cf *clientFlags) *cobra.Command {
	var (
		d      dataFlags
		asJSON bool
	)
	cmd := &cobra.Command{
		Use:   "list [--data_path DIR] [--json]",
		Short: "print every wallet id and its accounts; marks the genesis wallet",
		Long: `Prints the wallets of the data directory's wallets.db and their accounts, as nano_node
--wallet_list does, marking the genesis wallet (the one holding the dev genesis account).
Wallet ids are what send, receive and account_create take as WALLET.

With the node stopped it reads the file (read-only). A running node holds the file locked,
so then it asks that node over IPC with nipc's wallet_list action, a control action: the
node needs enable_control = true (config-rpc.toml). It finds the node at DATA/nipc.sock
(--port-base), else as the data directory's config-node.toml says; -S, -A or -P point
elsewhere.`,
		Example: `  nipc wallet list
  nipc wallet list --data_path /tmp/a
  nipc wallet list --json`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			dir, err := d.dir()
			if err != nil {
				return err
			}
			l, err := listWallets(cmd, cf, &d, dir)
			if err != nil {
				return err
			}
			if asJSON {
				return writeJSON(cmd.OutOrStdout(), l)
			}
			return l.write(cmd.OutOrStdout(), dir)
		},
	}
	cmd.Flags().StringVar(&d.dataPath, "data_path", "", "data directory whose wallets.db to list (default ~/.nipc)")
	cmd.Flags().BoolVar(&asJSON, "json", false, `print one JSON object: {"genesis_wallet": ID, "wallets": [{"id": ID, "accounts": [...]}, ...]}`)
	c := clientVerb(cf, cmd)
	c.GroupID = "" // a sub-verb: the groups are the root's
	return c
}

// walletListing is what nipc wallet list prints.
type walletListing struct {
	GenesisWallet string        `json:"genesis_wallet,omitempty"`
	Wallets       []walletEntry `json:"wallets"`
	// From says where the list came from: "file" or "node".
	From string `json:"from"`
}

type walletEntry struct {
	ID       string   `json:"id"`
	Accounts []string `json:"accounts"`
}

func (l *walletListing) write(w io.Writer, dir string) error {
	if len(l.Wallets) == 0 {
		_, err := fmt.Fprintf(w, "no wallets in %s\n", filepath.Join(dir, node.WalletsFile))
		return err
	}
	for _, e := range l.Wallets {
		mark := ""
		if e.ID == l.GenesisWallet {
			mark = "  (genesis wallet: holds the dev genesis account)"
		}
		if _, err := fmt.Fprintf(w, "Wallet ID: %s%s\n", e.ID, mark); err != nil {
			return err
		}
		for _, a := range e.Accounts {
			if _, err := fmt.Fprintf(w, "  %s\n", a); err != nil {
				return err
			}
		}
	}
	return nil
}

// setGenesis marks the first wallet holding the dev genesis account.
func (l *walletListing) setGenesis() {
	for _, e := range l.Wallets {
		for _, a := range e.Accounts {
			if a == nano.DevGenesisAccount {
				l.GenesisWallet = e.ID
				return
			}
		}
	}
}

// listWallets reads dir's wallets.db, or asks the node that holds it.
func listWallets(cmd *cobra.Command, cf *clientFlags, d *dataFlags, dir string) (*walletListing, error) {
	path := filepath.Join(dir, node.WalletsFile)
	list, _, err := wallet.ReadList(path, 300*time.Millisecond)
	switch {
	case err == nil:
		l := &walletListing{Wallets: []walletEntry{}, From: "file"}
		for _, w := range list {
			e := walletEntry{ID: w.ID.String(), Accounts: []string{}}
			for _, p := range w.Accounts {
				e.Accounts = append(e.Accounts, p.Account())
			}
			l.Wallets = append(l.Wallets, e)
		}
		l.setGenesis()
		return l, nil
	case errors.Is(err, os.ErrNotExist):
		return nil, exitf(exitConfig, "no %s in %s: no node has run with this data directory (nipc node --data_path %s creates it)", node.WalletsFile, dir, dir)
	case errors.Is(err, wallet.ErrInUse):
		return listWalletsFromNode(cmd, cf, d, dir)
	}
	return nil, exitf(exitConfig, "%v", err)
}

// listWalletsFromNode asks the node holding dir's wallets.db.
func listWalletsFromNode(cmd *cobra.Command, cf *clientFlags, d *dataFlags, dir string) (*walletListing, error) {
	cfg, err := walletNodeConfig(cmd, cf, dir)
	if err != nil {
		return nil, err
	}
	network, addr := cfg.Network()
	where := network + ":" + addr
	ctx, cancel := context.WithTimeout(context.Background(), cf.timeout)
	defer cancel()
	cl, err := client.Dial(ctx, cfg)
	if err != nil {
		return nil, fmt.Errorf("%s is in use by a running node, which nipc cannot reach to ask: %w", filepath.Join(dir, node.WalletsFile), err)
	}
	defer cl.Close()
	raw, err := cl.Legacy(ctx, "wallet_list", nil)
	if se, ok := errors.AsType[*client.ServerError](err); ok && se.Text == rpc.TextControlDisabled {
		return nil, exitf(exitNoPerm, "%s is in use by the node at %s, which lists wallets only with enable_control = true (config-rpc.toml; wallet_list is a control action): stop the node and run this again, or start it with --rpcconfig enable_control=true",
			filepath.Join(dir, node.WalletsFile), where)
	}
	if err != nil {
		return nil, err
	}
	var reply struct {
		Wallets map[string]json.RawMessage `json:"wallets"`
	}
	if err := json.Unmarshal(raw, &reply); err != nil {
		return nil, &client.ProtocolError{Err: fmt.Errorf("wallet_list reply: %w", err)}
	}
	l := &walletListing{Wallets: []walletEntry{}, From: "node"}
	for id, accts := range reply.Wallets {
		e := walletEntry{ID: id, Accounts: []string{}}
		// An empty list renders as "" (the node's property trees).
		json.Unmarshal(accts, &e.Accounts)
		l.Wallets = append(l.Wallets, e)
	}
	sort.Slice(l.Wallets, func(i, j int) bool { return l.Wallets[i].ID < l.Wallets[j].ID })
	l.setGenesis()
	return l, nil
}

// walletNodeConfig is where the node of dir listens: the client flags when
// given, else DATA/nipc.sock when it exists (--port-base), else the data
// directory's config (the Unix socket when on, else TCP), with its access
// check secret.
func walletNodeConfig(cmd *cobra.Command, cf *clientFlags, dir string) (client.Config, error) {
	if changedFlags(cmd, "socket", "addr", "port") != "" {
		return cf.config()
	}
	nc, err := config.LoadNode(dir, nil) // the verb takes no overrides
	if err != nil {
		return client.Config{}, &exitError{code: exitConfig, err: err}
	}
	ipcc := nc.Node.IPC
	cfg := client.Config{Addr: ipcc.TCP.Address, Port: ipcc.TCP.Port}
	if ipcc.AccessCheck.Enable {
		cfg.AccessFile = ipcc.AccessCheck.File
	}
	if cf.accessFile != "" {
		cfg.AccessFile = cf.accessFile
	}
	if sock := filepath.Join(dir, PortBaseSocket); fileExists(sock) {
		cfg.Path = sock
	} else if ipcc.Local.Enable {
		cfg.Path = ipcc.Local.Path
	}
	return cfg, nil
}

func fileExists(path string) bool {
	_, err := os.Stat(path)
	return err == nil
}
