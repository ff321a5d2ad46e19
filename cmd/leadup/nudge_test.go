package main

import (
	"strings"
	"testing"
)

// TestPreviewNudge: a nudge previews from the sample; it belongs to a gap,
// not a meeting, so the other ways to pick one are refused with a reason.
func TestPreviewNudge(t *testing.T) {
	out, errOut, code := runCLI(t, "preview", "-sample", "-kind", "nudge")
	if code != exitOK || !strings.HasPrefix(out, "Subject: 3 weeks since you last met Dana") ||
		!strings.Contains(out, "STATUS UPDATE FOR DANA") || !strings.Contains(out, "Could we find 20 minutes this week?") {
		t.Errorf("preview -sample -kind nudge = exit %d:\n%s\n%s", code, out, errOut)
	}
	out, _, code = runCLI(t, "preview", "-sample", "-kind", "nudge", "-format", "html")
	if code != exitOK || !strings.Contains(out, "Ask Dana for time") || !strings.Contains(out, "Send to Dana") {
		t.Errorf("preview -sample -kind nudge -format html = exit %d:\n%.300s", code, out)
	}
	if _, errOut, code := runCLI(t, "preview", "-next", "-kind", "nudge"); code != exitConfig || !strings.Contains(errOut, "use it with -sample") {
		t.Errorf("preview -next -kind nudge = exit %d, %q; want %d and a reason", code, errOut, exitConfig)
	}
}
