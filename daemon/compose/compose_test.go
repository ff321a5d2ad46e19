package compose

import (
	"strings"
	"testing"
	"time"

	"github.com/leadup/leadup/daemon/meeting"
	"github.com/leadup/leadup/daemon/outbox"
	"github.com/leadup/leadup/daemon/replytoken"
	"github.com/leadup/leadup/daemon/schedule"
)

func TestMessageID(t *testing.T) {
	job := func(kind, variant string) schedule.Job {
		return schedule.Job{Meeting: meeting.Meeting{Key: "google:primary/abc"}, Kind: kind, Variant: variant}
	}
	a := MessageID(job(outbox.KindBrief, "3600"), "", "example.com")
	if a != MessageID(job(outbox.KindBrief, "3600"), "", "example.com") {
		t.Error("MessageID is not deterministic")
	}
	ids := map[string]bool{a: true}
	for _, j := range []schedule.Job{job(outbox.KindBrief, "86400"), job(outbox.KindFollowup, ""),
		job(outbox.KindNotice, "cancelled"), job(outbox.KindNotice, "moved@1764000000")} {
		id := MessageID(j, "", "example.com")
		if ids[id] {
			t.Errorf("MessageID(%s/%s) = %q, not unique", j.Kind, j.Variant, id)
		}
		ids[id] = true
		if strings.Count(id, "@") != 1 || !strings.HasSuffix(id, "@example.com") || strings.ContainsAny(id, "<> ") {
			t.Errorf("MessageID(%s/%s) = %q, not a valid msg-id", j.Kind, j.Variant, id)
		}
	}
	m, _ := replytoken.New(make([]byte, 32))
	tok := m.Mint("google:primary/abc", time.Now().Add(time.Hour))
	id := MessageID(job(outbox.KindFollowup, ""), tok, "example.com")
	if got := replytoken.Candidates(id); len(got) != 1 || got[0] != tok {
		t.Errorf("follow-up MessageID %q carries tokens %q, want %q", id, got, tok)
	}
}
