package systemd

import (
	"strconv"
	"testing"
)

// FuzzParseEnv: whatever the LISTEN_* variables hold, parseEnv returns an
// error or a name for each of LISTEN_FDS descriptors (at most maxFDs), and
// nothing for another process; it never panics.
func FuzzParseEnv(f *testing.F) {
	const pid = 4242
	f.Add("4242", "2", "ipc-tcp:ipc-unix", true)
	f.Add("4242", "1", "", false)
	f.Add("4242", "3", "rpc::websocket", true)
	f.Add("1", "2", "a:b", true)
	f.Add("-4242", "1", "rpc", true)
	f.Add("4242", "99999999999999999999", "rpc", true)
	f.Add("4242", "65", "", false)
	f.Add("4242", "0x2", "a:b", true)
	f.Fuzz(func(t *testing.T, pidText, count, names string, haveNames bool) {
		env := map[string]string{"LISTEN_PID": pidText, "LISTEN_FDS": count}
		if haveNames {
			env["LISTEN_FDNAMES"] = names
		}
		got, err := parseEnv(func(k string) (string, bool) { v, ok := env[k]; return v, ok }, pid)
		if err != nil {
			if got != nil {
				t.Fatalf("names %q with error %v", got, err)
			}
			return
		}
		if got == nil {
			return
		}
		if p, err := strconv.Atoi(pidText); err != nil || p != pid {
			t.Fatalf("names %q for LISTEN_PID=%q", got, pidText)
		}
		n, cerr := strconv.Atoi(count)
		if cerr != nil || n != len(got) || n > maxFDs || n <= 0 {
			t.Fatalf("LISTEN_FDS=%q gave %d names", count, len(got))
		}
	})
}
