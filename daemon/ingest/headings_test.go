package ingest_test

import "github.com/leadup/leadup/daemon/render"

// followupHeadings are the built-in follow-up's headings, which the daemon
// passes as Options.TemplateHeadings.
var followupHeadings = func() []string {
	r, err := render.New("")
	if err != nil {
		panic(err)
	}
	return r.FollowupHeadings()
}()
