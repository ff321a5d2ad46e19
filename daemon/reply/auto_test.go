package reply

import (
	"strings"
	"testing"
)

// TestAuto feeds Extract messages sent by machines, and look-alikes sent by
// people, and checks Auto and AutoReason.
func TestAuto(t *testing.T) {
	const base = "From: Dana Boss <dana@contoso.com>\r\nTo: sam@contoso.com\r\nMessage-ID: <a1@contoso.com>\r\nDate: Tue, 24 Nov 2026 17:30:00 +0000\r\n"
	tests := []struct {
		name       string
		header     string // added to base
		subject    string
		body       string // whole body part including its header, or "" for a text body
		wantAuto   bool
		wantReason string // a substring of AutoReason
	}{
		{name: "plain reply", subject: "Re: Follow-up: 1:1 with Dana"},
		{name: "Auto-Submitted no", header: "Auto-Submitted: no\r\n", subject: "Re: Follow-up"},
		{name: "Auto-Submitted auto-replied", header: "Auto-Submitted: auto-replied\r\n", subject: "Re: Follow-up", wantAuto: true, wantReason: "auto-replied"},
		{name: "Auto-Submitted auto-generated with comment", header: "Auto-Submitted: auto-generated (vacation)\r\n", subject: "Re: Follow-up", wantAuto: true, wantReason: "Auto-Submitted"},
		{name: "Auto-Submitted with parameter", header: "Auto-Submitted: auto-replied; owner-email=\"dana@contoso.com\"\r\n", subject: "Re: Follow-up", wantAuto: true, wantReason: "auto-replied"},
		{name: "Precedence bulk", header: "Precedence: bulk\r\n", subject: "Newsletter", wantAuto: true, wantReason: "bulk"},
		{name: "Precedence junk", header: "Precedence: junk\r\n", subject: "Re: Follow-up", wantAuto: true, wantReason: "junk"},
		{name: "Precedence list", header: "Precedence: list\r\n", subject: "Re: Follow-up", wantAuto: true, wantReason: "list"},
		{name: "X-Autoreply", header: "X-Autoreply: yes\r\n", subject: "Re: Follow-up", wantAuto: true, wantReason: "X-Autoreply"},
		{name: "X-Autorespond", header: "X-Autorespond: Re: Follow-up\r\n", subject: "Re: Follow-up", wantAuto: true, wantReason: "X-Autorespond"},
		{name: "X-Auto-Response-Suppress is set by Outlook on normal mail", header: "X-Auto-Response-Suppress: All\r\n", subject: "RE: Follow-up"},
		{name: "Outlook out of office en", subject: "Automatic reply: Follow-up: 1:1 with Dana", wantAuto: true, wantReason: "Automatic reply"},
		{name: "out of office en", subject: "Out of Office: Follow-up: 1:1 with Dana", wantAuto: true, wantReason: "Out of Office"},
		{name: "out of office de", subject: "Abwesenheitsnotiz: Follow-up: 1:1 with Dana", wantAuto: true},
		{name: "automatic reply de", subject: "Automatische Antwort: Follow-up: 1:1 with Dana", wantAuto: true},
		{name: "automatic reply fr", subject: "=?utf-8?q?R=C3=A9ponse_automatique=C2=A0:_Follow-up?=", wantAuto: true, wantReason: "Réponse automatique"},
		{name: "automatic reply es", subject: "=?utf-8?q?Respuesta_autom=C3=A1tica:_Follow-up?=", wantAuto: true},
		{name: "automatic reply it", subject: "Risposta automatica: Follow-up: 1:1 with Dana", wantAuto: true},
		{name: "automatic reply nl", subject: "Automatisch antwoord: Follow-up: 1:1 with Dana", wantAuto: true},
		{name: "automatic reply pt", subject: "=?utf-8?q?Resposta_autom=C3=A1tica:_Follow-up?=", wantAuto: true},
		{name: "subject mentioning out of office later is a person", subject: "Re: Follow-up (I am out of office next week)"},
		{name: "MAILER-DAEMON", header: "Sender: MAILER-DAEMON@mx.contoso.com\r\n", subject: "Undelivered Mail Returned to Sender", wantAuto: true},
		{name: "null Return-Path", header: "Return-Path: <>\r\n", subject: "Re: Follow-up", wantAuto: true, wantReason: "Return-Path"},
		{name: "DSN", subject: "Delivery Status Notification (Failure)", wantAuto: true, wantReason: "delivery-status",
			body: "Content-Type: multipart/report; report-type=delivery-status; boundary=\"b\"\r\n\r\n--b\r\nContent-Type: text/plain\r\n\r\nYour message could not be delivered.\r\n--b\r\nContent-Type: message/delivery-status\r\n\r\nReporting-MTA: dns; mx.contoso.com\r\n\r\nFinal-Recipient: rfc822; dana@contoso.com\r\nAction: failed\r\nStatus: 5.1.1\r\n--b--\r\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			raw := base + tt.header + "Subject: " + tt.subject + "\r\n"
			if tt.body == "" {
				raw += "Content-Type: text/plain; charset=utf-8\r\n\r\nI'm away until Monday.\r\n"
			} else {
				raw += tt.body
			}
			m, err := Extract([]byte(raw), Options{})
			if err != nil {
				t.Fatalf("Extract() = %v", err)
			}
			if m.Auto != tt.wantAuto || !strings.Contains(m.AutoReason, tt.wantReason) {
				t.Errorf("Extract() Auto, AutoReason = %v, %q; want %v, containing %q", m.Auto, m.AutoReason, tt.wantAuto, tt.wantReason)
			}
		})
	}
}

// TestAutoMailerDaemonFrom checks the From-based rule on its own.
func TestAutoMailerDaemonFrom(t *testing.T) {
	for _, from := range []string{"MAILER-DAEMON@mx.contoso.com", "Mail Delivery System <MAILER-DAEMON@mx.contoso.com>", "postmaster@contoso.com"} {
		t.Run(from, func(t *testing.T) {
			raw := "From: " + from + "\r\nTo: leadup@example.com\r\nSubject: Returned mail: see transcript for details\r\n\r\nThe original message was received.\r\n"
			m, err := Extract([]byte(raw), Options{})
			if err != nil {
				t.Fatalf("Extract() = %v", err)
			}
			if !m.Auto {
				t.Errorf("Extract(From: %s).Auto = false, want true", from)
			}
		})
	}
}
