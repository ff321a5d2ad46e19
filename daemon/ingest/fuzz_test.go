package ingest_test

import (
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/leadup/leadup/daemon/reply"
	"github.com/leadup/leadup/daemon/reply/grammar"
)

// FuzzReadAndParse runs arbitrary emails through the whole path a reply
// takes before it touches the store: MIME decoding, keeping the user's
// text, and the grammar. It may reject an email, never panic or hang.
func FuzzReadAndParse(f *testing.F) {
	files, _ := filepath.Glob("../reply/testdata/replies/*.eml")
	for _, name := range files {
		if b, err := os.ReadFile(name); err == nil {
			f.Add(b)
		}
	}
	f.Add([]byte("From: a@b\r\n\r\nDecisions:\r\n- x by Friday\r\ndone 12\r\n"))
	f.Add([]byte("From: a@b\r\n\r\n7 owner Priya\r\n7 due 12/11\r\nundo 3\r\nundo\r\n4: new text\r\nPriya will send it by next Tue\r\n"))
	loc, _ := time.LoadLocation("Europe/Berlin")
	opts := grammar.Options{BossNames: []string{"Dana Whitfield"}, People: []string{"Priya Nair <priya@example.com>", "jo@example.com"},
		Now: time.Date(2026, 11, 24, 10, 0, 0, 0, loc), Location: loc}
	confirm := opts
	confirm.Confirmation, confirm.DateOrder = true, grammar.MonthFirst
	f.Fuzz(func(t *testing.T, raw []byte) {
		msg, err := reply.Extract(raw, reply.Options{MaxSize: 1 << 20, Deadline: 2 * time.Second, TemplateHeadings: followupHeadings})
		if err != nil {
			return
		}
		for _, o := range []grammar.Options{opts, confirm} {
			log := grammar.Parse(msg.Text, o)
			for _, a := range log.Of(grammar.Action) {
				if a.Owner == "" {
					t.Errorf("an action without an owner: %+v", a)
				}
			}
			if !o.Confirmation && slices.ContainsFunc(log.Corrections, func(c grammar.Correction) bool { return c.Op != grammar.SetDue }) {
				t.Errorf("corrections other than new due dates read outside a reply to a confirmation: %+v", log.Corrections)
			}
		}
	})
}
