package main

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"syscall"
	"testing"
	"time"

	"github.com/leadup/leadup/daemon/calendar/google/googletest"
	"github.com/leadup/leadup/e2e/procstat"
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
		cpu0, err := procstat.CPUSeconds(cmd.Process.Pid)
		if err != nil {
			b.Fatal(err)
		}
		srv.ResetStats()
		time.Sleep(watch - warmup)
		cpu1, err := procstat.CPUSeconds(cmd.Process.Pid)
		if err != nil {
			b.Fatal(err)
		}
		rss, hwm, err := procstat.Memory(cmd.Process.Pid)
		if err != nil {
			b.Fatal(err)
		}
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
