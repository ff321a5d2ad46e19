package main

import (
	"bufio"
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/leadup/leadup/daemon/calendar/google/googletest"
)

// BenchmarkIdleDaemon builds leadup, runs "leadup run" with poll = "1m"
// against a calendar with 2,000 events of which nothing changes and nothing
// falls due, and reports its memory and CPU. LEADUP_IDLE_SECONDS sets how
// long it watches (default 90); CPU is counted after a 15 s warm-up and
// scaled to an hour. Run it with -benchtime=1x.
func BenchmarkIdleDaemon(b *testing.B) {
	watch := 90 * time.Second
	if v, err := strconv.Atoi(os.Getenv("LEADUP_IDLE_SECONDS")); err == nil && v > 15 {
		watch = time.Duration(v) * time.Second
	}
	const warmup = 15 * time.Second
	bin := filepath.Join(b.TempDir(), "leadup")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		b.Fatalf("go build: %v\n%s", err, out)
	}
	for range b.N {
		srv := googletest.NewServer()
		defer srv.Close()
		// Meetings a week and more away: nothing is due while we watch.
		if os.Getenv("LEADUP_IDLE_EMPTY") == "" {
			srv.GenerateWithin("primary", 2000, time.Now().Add(7*24*time.Hour), 14, 1)
		}
		_, settings := mailSettings(b)
		cfg := setup(b, srv, settings)
		// setup wrote [google] with the endpoint; set the poll there.
		data, _ := os.ReadFile(cfg)
		os.WriteFile(cfg, bytes.Replace(data, []byte("lookahead = \"30d\""), []byte("lookahead = \"30d\"\npoll = \"1m\""), 1), 0o600)

		cmd := exec.Command(bin, "run", "-config", cfg, "-log-level", "warn")
		var logs bytes.Buffer
		cmd.Stderr = &logs
		if err := cmd.Start(); err != nil {
			b.Fatal(err)
		}
		time.Sleep(warmup)
		cpu0 := cpuSeconds(b, cmd.Process.Pid)
		srv.ResetStats()
		time.Sleep(watch - warmup)
		cpu1 := cpuSeconds(b, cmd.Process.Pid)
		rss, hwm := memory(b, cmd.Process.Pid)
		if os.Getenv("LEADUP_IDLE_SMAPS") != "" {
			smaps, _ := os.ReadFile("/proc/" + strconv.Itoa(cmd.Process.Pid) + "/smaps_rollup")
			b.Logf("smaps_rollup:\n%s", smaps)
			full, _ := os.ReadFile("/proc/" + strconv.Itoa(cmd.Process.Pid) + "/smaps")
			os.WriteFile("/tmp/leadup-idle.smaps", full, 0o644)
		}
		requests := len(srv.Requests())
		cmd.Process.Signal(syscall.SIGTERM)
		if err := cmd.Wait(); err != nil {
			b.Fatalf("leadup run: %v\n%s", err, logs.String())
		}
		if os.Getenv("LEADUP_IDLE_LOGS") != "" {
			b.Logf("leadup run's log:\n%s", logs.String())
		}
		b.ReportMetric((cpu1-cpu0)/(watch-warmup).Hours(), "cpu-s/hour")
		b.ReportMetric(rss/1024, "rss-MiB")
		b.ReportMetric(hwm/1024, "peak-rss-MiB")
		b.ReportMetric(float64(requests)/(watch-warmup).Minutes(), "api-requests/min")
	}
}

// cpuSeconds reads a process's user and system time from /proc.
func cpuSeconds(b *testing.B, pid int) float64 {
	b.Helper()
	data, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		b.Fatal(err)
	}
	// Fields after the ")" that ends the command name; utime and stime
	// are the 14th and 15th fields, counted in clock ticks (100 a second
	// on Linux).
	fields := strings.Fields(string(data[bytes.LastIndexByte(data, ')')+2:]))
	utime, _ := strconv.ParseFloat(fields[11], 64)
	stime, _ := strconv.ParseFloat(fields[12], 64)
	return (utime + stime) / 100
}

// memory returns a process's resident and peak resident set in KiB.
func memory(b *testing.B, pid int) (rss, hwm float64) {
	b.Helper()
	f, err := os.Open("/proc/" + strconv.Itoa(pid) + "/status")
	if err != nil {
		b.Fatal(err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		k, v, _ := strings.Cut(sc.Text(), ":")
		n, _ := strconv.ParseFloat(strings.TrimSuffix(strings.TrimSpace(v), " kB"), 64)
		switch k {
		case "VmRSS":
			rss = n
		case "VmHWM":
			hwm = n
		}
	}
	return rss, hwm
}
