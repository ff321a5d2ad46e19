package e2e_test

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/leadup/leadup/daemon/meetinglog"
	"github.com/leadup/leadup/daemon/store"
	"github.com/leadup/leadup/e2e/mailstack"
	"github.com/leadup/leadup/e2e/procstat"
)

// BenchmarkReplyToItems measures how long a reply takes from OpenSMTPD
// accepting it to its action item being in leadup's store: delivery over
// LMTP to Dovecot, Dovecot's IDLE notice, leadup fetching, parsing and
// logging it. It reports the median and the 95th percentile. Replies come
// a second apart, as from a person: back to back, OpenSMTPD's queue and the
// confirmations leadup sends in return add their own delays. The setup is
// the commonest one (gmailMail): leadup sends as the user, so each of its
// confirmations lands in the watched mailbox too and has to be recognised
// as its own.
func BenchmarkReplyToItems(b *testing.B) {
	w := newWorldMail(b, "1h", "1s", gmailMail())
	w.meeting("bench", "Benchmark sync", time.Now().Add(2*time.Second), time.Second)
	p := w.start(b)
	p.waitLog(b, "leadup running", 30*time.Second)
	followup := w.stack.WaitMessage(b, mailstack.Me, func(m mailstack.Message) bool {
		return strings.HasPrefix(m.MessageID, "<leadup.followup.")
	}, 30*time.Second)

	st, err := store.Open(context.Background(), filepath.Join(w.dir, "state", store.FileName), store.Options{})
	if err != nil {
		b.Fatal(err)
	}
	defer st.Close()
	logged := func(text string) bool {
		items, err := st.ListItems(context.Background(), store.ItemQuery{Kinds: []meetinglog.Kind{meetinglog.Action}})
		if err != nil {
			b.Fatal(err)
		}
		return slices.ContainsFunc(items, func(it meetinglog.Item) bool { return it.Text == text })
	}

	var lat []time.Duration
	b.ResetTimer()
	for i := range b.N {
		text := "Bench item " + strconv.Itoa(i)
		_, to, msg := reply(followup, "Action items:\n- "+text)
		w.stack.Send(b, mailstack.Me, to, msg)
		accepted := time.Now()
		deadline := accepted.Add(30 * time.Second)
		for !logged(text) {
			if time.Now().After(deadline) {
				b.Fatalf("reply %d not logged within 30s:\n%s", i, p.logs.String())
			}
			time.Sleep(2 * time.Millisecond)
		}
		lat = append(lat, time.Since(accepted))
		b.StopTimer()
		time.Sleep(time.Second) // the confirmation goes out and comes in
		b.StartTimer()
	}
	b.StopTimer()
	slices.Sort(lat)
	b.ReportMetric(float64(lat[len(lat)/2].Milliseconds()), "p50-ms")
	b.ReportMetric(float64(lat[(len(lat)*95+99)/100-1].Milliseconds()), "p95-ms")
	b.ReportMetric(float64(lat[len(lat)-1].Milliseconds()), "max-ms")
}

// BenchmarkIdleDaemonRealStack runs "leadup run" against Dovecot and
// OpenSMTPD, with IDLE on the mailbox and a calendar where nothing falls
// due, and reports its memory and CPU. LEADUP_IDLE_SECONDS sets how long it
// watches (default 60; 600 for the figure in docs/BENCHMARKS.md); CPU is
// counted after a 15 s warm-up and scaled to an hour. Run it with
// -benchtime=1x.
func BenchmarkIdleDaemonRealStack(b *testing.B) {
	watch := 60 * time.Second
	if v, err := strconv.Atoi(os.Getenv("LEADUP_IDLE_SECONDS")); err == nil && v > 15 {
		watch = time.Duration(v) * time.Second
	}
	const warmup = 15 * time.Second
	for range b.N {
		w := newWorld(b, "1h", "5m")
		// A week of meetings starting in a week: nothing is due while
		// we watch.
		w.google.GenerateWithin("primary", 2000, time.Now().Add(7*24*time.Hour), 14, 1)
		data, err := os.ReadFile(w.config)
		must(b, err)
		must(b, os.WriteFile(w.config, []byte(strings.Replace(string(data), `poll = "10s"`, `poll = "1m"`, 1)), 0o600))
		p := w.start(b)
		p.waitLog(b, "watching mailbox", 30*time.Second)
		time.Sleep(warmup)
		pid := p.cmd.Process.Pid
		cpu0, err := procstat.CPUSeconds(pid)
		must(b, err)
		time.Sleep(watch - warmup)
		cpu1, err := procstat.CPUSeconds(pid)
		must(b, err)
		rss, peak, err := procstat.Memory(pid)
		must(b, err)
		p.cmd.Process.Signal(syscall.SIGTERM)
		if <-p.exited; p.err != nil {
			b.Fatalf("leadup run: %v\n%s", p.err, p.logs.String())
		}
		b.ReportMetric((cpu1-cpu0)/(watch-warmup).Hours(), "cpu-s/hour")
		b.ReportMetric(rss/1024, "rss-MiB")
		b.ReportMetric(peak/1024, "peak-rss-MiB")
	}
}
