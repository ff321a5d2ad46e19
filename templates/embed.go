// Package templates holds leadup's built-in email templates: for each kind of
// email (brief, followup, notice, confirm, digest) a one-line subject (K.subject.tmpl,
// text/template), a plain-text part (K.txt.tmpl, text/template) and an HTML
// part (K.html.tmpl, html/template), plus shared partials (parts.txt.tmpl,
// parts.html.tmpl, layout.html.tmpl) made of named {{define}} blocks.
//
// The daemon/render package parses these files first and a user's template
// directory after them, so a user file with the same name replaces a built-in
// one and a user {{define}} replaces the block of the same name. The data each
// template receives and the helper functions it may call are documented in
// daemon/render.
package templates

import "embed"

// FS holds the built-in templates, one file per template, at the top level.
//
//go:embed *.tmpl
var FS embed.FS
