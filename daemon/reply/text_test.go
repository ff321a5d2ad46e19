package reply

import (
	"strings"
	"testing"
	"time"
)

func runText(t *testing.T, in string) string {
	t.Helper()
	got, err := userText(in, templateHeadings, newBudget(time.Minute))
	if err != nil {
		t.Fatalf("userText() = %v", err)
	}
	return got
}

// TestUserText covers each rule of userText on a small input.
func TestUserText(t *testing.T) {
	const q = "> Decisions:\n> -\n>\n> Action items:\n> -\n"
	tests := []struct {
		name, in, want string
	}{
		// Quotes and attributions.
		{"quoted lines dropped", "ok\n\n> quoted\n>> deeper\n", "ok"},
		{"attribution en", "ok\n\nOn Tue, 24 Nov 2026 at 17:05, leadup <leadup@example.com> wrote:\n\n" + q, "ok"},
		{"attribution wrapped", "ok\n\nOn Tue, 24 Nov 2026 at 17:05, leadup · follow-ups <\nfollowups@leadup.example.com> wrote:\n" + q, "ok"},
		{"attribution de", "ok\n\nAm Di., 24. Nov. 2026 um 17:05 Uhr schrieb leadup <leadup@example.com>:\n" + q, "ok"},
		{"attribution fr", "ok\n\nLe mar. 24 nov. 2026 à 17:05, leadup <leadup@example.com> a écrit :\n" + q, "ok"},
		{"attribution es", "ok\n\nEl mar, 24 nov 2026 a las 17:05, leadup (<leadup@example.com>)\nescribió:\n" + q, "ok"},
		{"attribution it", "ok\n\nIl giorno mar 24 nov 2026 alle ore 17:05 leadup <leadup@example.com> ha scritto:\n" + q, "ok"},
		{"attribution nl", "ok\n\nOp di 24 nov 2026 om 17:05 schreef leadup <leadup@example.com>:\n" + q, "ok"},
		{"attribution nl apple", "ok\n\nOp 24 nov 2026 om 17:05 heeft leadup <leadup@example.com> het volgende geschreven:\n" + q, "ok"},
		{"attribution pt", "ok\n\nEm ter., 24 de nov. de 2026 às 17:05, leadup <leadup@example.com> escreveu:\n" + q, "ok"},
		{"attribution followed by unquoted original", "ok\n\nOn Tue, Nov 24, 2026 at 17:05, leadup <leadup@example.com> wrote:\nHow did your 1:1 go?\n\nDecisions:\n-\n", "ok"},
		{"a sentence ending in wrote: is kept", "On the plan Dana wrote:\nship it", "On the plan Dana wrote:\nship it"},

		// Outlook's unquoted originals.
		{"original message en", "ok\n\n-----Original Message-----\nFrom: leadup\nDecisions:\n-", "ok"},
		{"original message de", "ok\n-----Ursprüngliche Nachricht-----\nVon: leadup", "ok"},
		{"original message fr", "ok\n-----Message d'origine-----\nDe : leadup", "ok"},
		{"original message es", "ok\n-----Mensaje original-----\nDe: leadup", "ok"},
		{"original message it", "ok\n-----Messaggio originale-----\nDa: leadup", "ok"},
		{"original message nl", "ok\n-----Oorspronkelijk bericht-----\nVan: leadup", "ok"},
		{"original message pt", "ok\n-----Mensagem original-----\nDe: leadup", "ok"},
		{"header block en", "ok\n\nFrom: leadup <leadup@example.com>\nSent: Tuesday, November 24, 2026 5:05 PM\nTo: Sam Lee <sam@contoso.com>\nSubject: Follow-up\n\nDecisions:\n-", "ok"},
		{"header block en bold", "ok\n\n*From:* leadup <leadup@example.com>\n*Sent:* Tuesday, November 24, 2026 5:05 PM\n*To:* Sam Lee\n*Subject:* Follow-up\n", "ok"},
		{"header block de", "ok\n\nVon: leadup <leadup@example.com>\nGesendet: Dienstag, 24. November 2026 17:05\nAn: Sam\nBetreff: Follow-up", "ok"},
		{"header block fr", "ok\n\nDe : leadup <leadup@example.com>\nEnvoyé : mardi 24 novembre 2026 17:05\nÀ : Sam\nObjet : Follow-up", "ok"},
		{"header block es", "ok\n\nDe: leadup <leadup@example.com>\nEnviado: martes, 24 de noviembre de 2026 17:05\nPara: Sam\nAsunto: Follow-up", "ok"},
		{"header block it", "ok\n\nDa: leadup <leadup@example.com>\nInviato: martedì 24 novembre 2026 17:05\nA: Sam\nOggetto: Follow-up", "ok"},
		{"header block nl", "ok\n\nVan: leadup <leadup@example.com>\nVerzonden: dinsdag 24 november 2026 17:05\nAan: Sam\nOnderwerp: Follow-up", "ok"},
		{"header block pt", "ok\n\nDe: leadup <leadup@example.com>\nEnviada: terça-feira, 24 de novembro de 2026 17:05\nPara: Sam\nAssunto: Follow-up", "ok"},
		{"underscore separator", "ok\n\n________________________________\nFrom: leadup <leadup@example.com>\nSent: Tuesday", "ok"},
		{"a lone From: line is the user's", "From: Dana, approve the plan\nme: send it", "From: Dana, approve the plan\nme: send it"},
		{"forwarded message", "notes\n\n---------- Forwarded message ---------\nFrom: leadup <leadup@example.com>\n\nDecisions:\n-", "notes"},
		{"apple forward", "notes\n\nBegin forwarded message:\n\nFrom: leadup <leadup@example.com>", "notes"},

		// Signatures.
		{"sig separator", "ok\n\n-- \nSam Lee\n+1 415 555 0134", "ok"},
		{"sig separator without space", "ok\n--\nSam Lee", "ok"},
		{"three dashes are the user's", "Decisions:\n- a\n---\nAction items:\n- b", "Decisions:\n- a\n---\nAction items:\n- b"},
		{"sig ends where the quote resumes", "-- \nSam\n\n> Decisions:\n> -\n\nship it", "Decisions:\nship it"},
		{"sent from my iPhone", "ok\n\nSent from my iPhone", "ok"},
		{"sent from my iPad", "ok\nSent from my iPad", "ok"},
		{"outlook ios with link", "ok\n\nGet Outlook for iOS<https://aka.ms/o0ukef>", "ok"},
		{"outlook android", "ok\nGet Outlook for Android", "ok"},
		{"sent from outlook for android", "ok\nSent from Outlook for Android", "ok"},
		{"sent from my android", "ok\nSent from my Android phone", "ok"},
		{"samsung", "ok\nSent from my Galaxy", "ok"},
		{"proton", "ok\n\nSent with Proton Mail secure email.", "ok"},
		{"proton old", "ok\nSent with ProtonMail Secure Email.", "ok"},
		{"de", "ok\nVon meinem iPhone gesendet", "ok"},
		{"fr", "ok\nEnvoyé de mon iPhone", "ok"},
		{"es", "ok\nEnviado desde mi iPhone", "ok"},
		{"it", "ok\nInviato da iPhone", "ok"},
		{"nl", "ok\nVerzonden vanaf mijn iPhone", "ok"},
		{"pt", "ok\nEnviado do meu iPhone", "ok"},
		{"a sentence mentioning a phone stays", "Inviato da Marco il documento", "Inviato da Marco il documento"},
		{"closing stays", "me: ship it\n\nThanks,\nSam", "me: ship it\n\nThanks,\nSam"},

		// Inline answers.
		{"inline heading kept", "> Decisions:\n> -\nship it\n> Action items:\n> -\nme: budget\n", "Decisions:\nship it\n\nAction items:\nme: budget"},
		{"inline heading case and colon", "> DECISIONS\nship it", "Decisions:\nship it"},
		{"inline heading nested quote", "> > Next time:\nask about the reorg", "Next time:\nask about the reorg"},
		{"inline after a non-heading", "> Still open with Dana:\n> - [12] Send the plan\ndone 12", "done 12"},
		{"inline done under an open item", "> - [12] Send the plan (you, 4 days overdue)\nDone\n> - [14] Book the room (you)\nerledigt ✅\n> - [15] Call legal\nI sent it on Monday",
			"[12] Send the plan (you, 4 days overdue)\nDone\n\n[14] Book the room (you)\nerledigt ✅\nI sent it on Monday"},
		{"inline user wrote the heading", "> Decisions:\nAction items:\nme: x", "Action items:\nme: x"},
		{"top-posting gets no heading", "ship it\n\nOn Tue, 24 Nov 2026, leadup <l@example.com> wrote:\n> Decisions:\n> -", "ship it"},
		{"attribution resets the quote", "> Decisions:\nOn Tue, 24 Nov 2026, leadup <l@example.com> wrote:\n> hello\nx", "x"},
		{"bottom-posting after the whole template", "> Decisions:\n> -\n> Reply to this email.\n\nship it", "ship it"},

		// Normalisation.
		{"crlf and trailing spaces", "a  \r\nb\t\r\n", "a\nb"},
		{"lone cr", "a\rb", "a\nb"},
		{"blank runs", "a\n\n\n\nb", "a\n\nb"},
		{"control characters", "a\x00b\x1bc\u0085d\te", "abcd\te"},
		{"nbsp and zero width", "a\u00a0b\u200bc\ufeff", "a bc"},
		{"snip marker", "> x\n[...]\n\nok", "ok"},
		{"common indentation", " a\n  - b\n c", "a\n - b\nc"},
		{"list indentation kept", "- a\n  - b", "- a\n  - b"},
		{"invalid utf-8", "a\xffb", "a\uFFFDb"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := runText(t, tt.in); got != tt.want {
				t.Errorf("userText(%q) =\n%q\nwant\n%q", tt.in, got, tt.want)
			}
		})
	}
}

// TestUnflow covers format=flowed decoding (RFC 3676).
func TestUnflow(t *testing.T) {
	tests := []struct {
		name  string
		in    string
		delSp bool
		want  string
	}{
		{"soft break", "one two \nthree\n", false, "one two three\n"},
		{"hard break", "one\ntwo\n", false, "one\ntwo\n"},
		{"delsp", "Decem \nber\n", true, "December\n"},
		{"space stuffing", " From here\n >not a quote\n", false, "From here\n>not a quote\n"},
		{"quote depth", "> a \n> b\n>> c \n>> d\n", false, "> a b\n>> c d\n"},
		{"quote depth change ends paragraph", "> a \nb\n", false, "> a \nb\n"},
		{"signature separator is not flowed", "-- \nSam\n", false, "-- \nSam\n"},
		{"crlf", "a \r\nb\r\n", false, "a b\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := unflow(tt.in, tt.delSp); got != tt.want {
				t.Errorf("unflow(%q, %v) = %q, want %q", tt.in, tt.delSp, got, tt.want)
			}
		})
	}
}

// TestTextInvariants checks the promises on Text's shape on odd input.
func TestTextInvariants(t *testing.T) {
	for _, in := range []string{"", "\n\n", " \t \n", "\r\r\r", "> only\n> quoted", "a\n\n\n\n\nb   \n\n", strings.Repeat("x\n\n\n", 50)} {
		got := runText(t, in)
		if got != strings.TrimSpace(got) || strings.Contains(got, "\n\n\n") || strings.Contains(got, " \n") || strings.Contains(got, "\r") {
			t.Errorf("userText(%q) = %q: not trimmed or tidy", in, got)
		}
	}
}
