package client_test

import (
	"strings"
	"testing"
	"time"

	"github.com/nipc/nipc/client"
)

// setEnv sets every client variable: the ones in env to their value, the
// others to "" (which ConfigFromEnv treats as unset).
func setEnv(t *testing.T, env map[string]string) {
	t.Helper()
	for _, k := range []string{client.EnvIPCPath, client.EnvIPCAddr, client.EnvIPCPort, client.EnvAccessFile, client.EnvAPIKey} {
		t.Setenv(k, env[k])
	}
}

func TestConfigFromEnv(t *testing.T) {
	tests := []struct {
		name        string
		env         map[string]string
		network     string
		address     string
		access, key string
	}{
		{name: "defaults", network: "tcp", address: "127.0.0.1:7077"},
		{name: "addr and port", env: map[string]string{client.EnvIPCAddr: "10.1.2.3", client.EnvIPCPort: "17077"}, network: "tcp", address: "10.1.2.3:17077"},
		{name: "port only", env: map[string]string{client.EnvIPCPort: "1"}, network: "tcp", address: "127.0.0.1:1"},
		{name: "max port", env: map[string]string{client.EnvIPCPort: "65535"}, network: "tcp", address: "127.0.0.1:65535"},
		{name: "addr only", env: map[string]string{client.EnvIPCAddr: "localhost"}, network: "tcp", address: "localhost:7077"},
		{name: "ipv6 addr", env: map[string]string{client.EnvIPCAddr: "::1", client.EnvIPCPort: "7000"}, network: "tcp", address: "[::1]:7000"},
		{name: "path wins", env: map[string]string{client.EnvIPCPath: "/run/nipc.sock", client.EnvIPCAddr: "10.1.2.3", client.EnvIPCPort: "17077"}, network: "unix", address: "/run/nipc.sock"},
		{name: "access file and key", env: map[string]string{client.EnvAccessFile: "/etc/nipc/secret", client.EnvAPIKey: "k3y"}, network: "tcp", address: "127.0.0.1:7077", access: "/etc/nipc/secret", key: "k3y"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			setEnv(t, tt.env)
			c, err := client.ConfigFromEnv()
			if err != nil {
				t.Fatalf("ConfigFromEnv: %v", err)
			}
			if n, a := c.Network(); n != tt.network || a != tt.address {
				t.Errorf("Network() = %s %s, want %s %s", n, a, tt.network, tt.address)
			}
			if c.AccessFile != tt.access {
				t.Errorf("AccessFile = %q, want %q", c.AccessFile, tt.access)
			}
			if c.APIKey != tt.key {
				t.Errorf("APIKey = %q, want %q", c.APIKey, tt.key)
			}
		})
	}
}

func TestConfigFromEnvBadPort(t *testing.T) {
	for _, port := range []string{"x", "0", "70000", "-1", "65536", " 7077", "7077x"} {
		t.Run(port, func(t *testing.T) {
			setEnv(t, map[string]string{client.EnvIPCPort: port})
			_, err := client.ConfigFromEnv()
			if err == nil {
				t.Fatalf("%s=%q accepted", client.EnvIPCPort, port)
			}
			if !strings.Contains(err.Error(), client.EnvIPCPort) {
				t.Errorf("error %q does not name %s", err, client.EnvIPCPort)
			}
		})
	}
}

func TestConfigNetworkExplicit(t *testing.T) {
	tests := []struct {
		name             string
		cfg              client.Config
		network, address string
	}{
		{"zero value", client.Config{}, "tcp", "127.0.0.1:7077"},
		{"port", client.Config{Port: 9}, "tcp", "127.0.0.1:9"},
		{"addr", client.Config{Addr: "example.org"}, "tcp", "example.org:7077"},
		{"path beats tcp", client.Config{Path: "/tmp/s", Addr: "example.org", Port: 9}, "unix", "/tmp/s"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if n, a := tt.cfg.Network(); n != tt.network || a != tt.address {
				t.Errorf("Network() = %s %s, want %s %s", n, a, tt.network, tt.address)
			}
		})
	}
}

// TestConfigDefaults: Dial fills in PoolSize, DialTimeout and MaxFrameSize
// and keeps explicit values.
func TestConfigDefaults(t *testing.T) {
	f := startFake(t, silent)
	tests := []struct {
		name string
		in   client.Config
		want client.Config
	}{
		{"zero", f.config(), client.Config{PoolSize: client.DefaultPoolSize, DialTimeout: 5 * time.Second, MaxFrameSize: 32 << 20}},
		{"explicit", withCfg(f.config(), func(c *client.Config) { c.PoolSize, c.DialTimeout, c.MaxFrameSize = 2, time.Second, 100 }),
			client.Config{PoolSize: 2, DialTimeout: time.Second, MaxFrameSize: 100}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cl, err := client.Dial(ctx(t), tt.in)
			if err != nil {
				t.Fatal(err)
			}
			defer cl.Close()
			got := cl.Config()
			if got.PoolSize != tt.want.PoolSize || got.DialTimeout != tt.want.DialTimeout || got.MaxFrameSize != tt.want.MaxFrameSize {
				t.Errorf("Config() = %+v, want PoolSize %d DialTimeout %v MaxFrameSize %d", got, tt.want.PoolSize, tt.want.DialTimeout, tt.want.MaxFrameSize)
			}
			if got.Addr != tt.in.Addr || got.Port != tt.in.Port {
				t.Errorf("Config() address %s:%d, want %s:%d", got.Addr, got.Port, tt.in.Addr, tt.in.Port)
			}
		})
	}
}

func withCfg(c client.Config, f func(*client.Config)) client.Config { f(&c); return c }
