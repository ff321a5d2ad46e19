package reply

import (
	"strings"
	"testing"
)

// clientStrings are what each client writes around a reply in one
// language, as the clients write them: Gmail's attribution, Apple Mail's
// or Thunderbird's, Outlook's header block and separator, and the iOS or
// Outlook Mobile signature.
type clientStrings struct {
	lang        string
	gmail       string   // Gmail's attribution (web, Android)
	other       []string // Apple Mail, Thunderbird and other attributions
	header      []string // Outlook's header block, as its text part writes it
	separator   string   // Outlook's "-----Original Message-----"
	signatures  []string // one-line device signatures
	notMarkers  []string // lines of the user's that look a little like markers
	replyInLang string   // a reply in that language
}

var clients = []clientStrings{
	{
		lang:  "en",
		gmail: "On Tue, Nov 24, 2026 at 5:05 PM Dana Reyes <dana@contoso.com> wrote:",
		other: []string{
			"On 24 Nov 2026, at 17:05, Dana Reyes <dana@contoso.com> wrote:",
			"On 24/11/2026 17:05, Dana Reyes wrote:",
			"On Tuesday, November 24, 2026, 5:05:43 PM GMT+1, Dana Reyes <dana@contoso.com> wrote:",
			"At 11/24/2026 08:32 PM, you wrote:",
			"---- Dana Reyes wrote ----",
			"--- On Tue, 11/24/26, Dana Reyes <dana@contoso.com> wrote:",
			"2026-11-24 11:28 GMT+01:00 Dana Reyes <dana@contoso.com>:",
			"Dana Reyes <dana@contoso.com> wrote:",
		},
		header:     []string{"From: Dana Reyes <dana@contoso.com>", "Sent: Tuesday, November 24, 2026 5:05 PM", "To: Sam Lee <sam@contoso.com>", "Subject: Follow-up"},
		separator:  "-----Original Message-----",
		signatures: []string{"Sent from my iPhone", "Sent from my iPad", "Sent from my Galaxy", "Sent from my Android phone", "Sent from Outlook Mobile", "Get Outlook for iOS", "Get Outlook for Android<https://aka.ms/ghei36>", "Sent from Mail for Windows", "Sent from Yahoo Mail for iPhone", "Sent from Yahoo Mail on Android"},
		notMarkers: []string{"Sent from the office, not from home.", "From: Dana, approve the plan", "On the plan Dana wrote:"},
	},
	{
		lang:       "de",
		gmail:      "Am Di., 24. Nov. 2026 um 17:05 Uhr schrieb Dana Reyes <dana@contoso.com>:",
		other:      []string{"Am 24.11.2026 um 17:05 schrieb Dana Reyes <dana@contoso.com>:", "Am 24.11.26 um 17:05 schrieb Dana Reyes:", "Dana Reyes <dana@contoso.com> schrieb am Di., 24. Nov. 2026 um 11:53 Uhr:", "Dana Reyes <dana@contoso.com> schrieb:"},
		header:     []string{"Von: Dana Reyes <dana@contoso.com>", "Gesendet: Dienstag, 24. November 2026 17:05", "An: Sam Lee <sam@contoso.com>", "Betreff: Follow-up"},
		separator:  "-----Ursprüngliche Nachricht-----",
		signatures: []string{"Von meinem iPhone gesendet", "Von meinem Mobilgerät gesendet", "Gesendet von Outlook für Android", "Outlook für iOS herunterladen"},
		notMarkers: []string{"Von meiner Seite alles klar.", "Am Freitag schrieb Dana:"},
	},
	{
		lang:       "fr",
		gmail:      "Le mar. 24 nov. 2026 à 17:05, Dana Reyes <dana@contoso.com> a écrit :",
		other:      []string{"Le 24 nov. 2026 à 17:05, Dana Reyes <dana@contoso.com> a écrit :", "Le 24/11/2026 à 17:05, Dana Reyes a écrit :", "- Le 2026-11-24 23:25, Dana Reyes a écrit :"},
		header:     []string{"De : Dana Reyes <dana@contoso.com>", "Envoyé : mardi 24 novembre 2026 17:05", "À : Sam Lee <sam@contoso.com>", "Objet : Follow-up"},
		separator:  "-------- Message d'origine --------",
		signatures: []string{"Envoyé de mon iPhone", "Envoyé depuis mon iPad", "Obtenir Outlook pour iOS", "Télécharger Outlook pour Android"},
		notMarkers: []string{"Le budget a écrit l'histoire :"},
	},
	{
		lang:       "es",
		gmail:      "El mar, 24 nov 2026 a las 17:05, Dana Reyes (<dana@contoso.com>) escribió:",
		other:      []string{"El 24 nov 2026, a las 17:05, Dana Reyes <dana@contoso.com> escribió:"},
		header:     []string{"De: Dana Reyes <dana@contoso.com>", "Enviado: martes, 24 de noviembre de 2026 17:05", "Para: Sam Lee <sam@contoso.com>", "Asunto: Follow-up"},
		separator:  "-------- Mensaje original --------",
		signatures: []string{"Enviado desde mi iPhone", "Obtener Outlook para iOS"},
	},
	{
		lang:       "it",
		gmail:      "Il giorno mar 24 nov 2026 alle ore 17:05 Dana Reyes <dana@contoso.com> ha scritto:",
		other:      []string{"Il giorno 24 nov 2026, alle ore 17:05, Dana Reyes <dana@contoso.com> ha scritto:", "In data 24 novembre 2026 17:05:31 Dana Reyes <dana@contoso.com> ha scritto:"},
		header:     []string{"Da: Dana Reyes <dana@contoso.com>", "Inviato: martedì 24 novembre 2026 17:05", "A: Sam Lee <sam@contoso.com>", "Oggetto: Follow-up"},
		separator:  "-----Messaggio originale-----",
		signatures: []string{"Inviato da iPhone", "Inviato dal mio iPhone", "Inviato da Outlook per Android", "Ottieni Outlook per iOS"},
		notMarkers: []string{"Inviato da Marco il documento"},
	},
	{
		lang:       "nl",
		gmail:      "Op di 24 nov 2026 om 17:05 schreef Dana Reyes <dana@contoso.com>:",
		other:      []string{"Op 24 nov. 2026 om 17:05 heeft Dana Reyes <dana@contoso.com> het volgende geschreven:", "Op 24-11-2026 om 17:05 schreef Dana Reyes:"},
		header:     []string{"Van: Dana Reyes <dana@contoso.com>", "Verzonden: dinsdag 24 november 2026 17:05", "Aan: Sam Lee <sam@contoso.com>", "Onderwerp: Follow-up"},
		separator:  "-----Oorspronkelijk bericht-----",
		signatures: []string{"Verstuurd vanaf mijn iPhone", "Verzonden vanaf mijn iPad", "Outlook voor iOS downloaden"},
	},
	{
		lang:       "pt",
		gmail:      "Em ter., 24 de nov. de 2026 às 17:05, Dana Reyes <dana@contoso.com> escreveu:",
		other:      []string{"No dia 24/11/2026, às 17:05, Dana Reyes <dana@contoso.com> escreveu:"},
		header:     []string{"De: Dana Reyes <dana@contoso.com>", "Enviada: terça-feira, 24 de novembro de 2026 17:05", "Para: Sam Lee <sam@contoso.com>", "Assunto: Follow-up"},
		separator:  "-----Mensagem original-----",
		signatures: []string{"Enviado do meu iPhone", "Obter o Outlook para iOS"},
	},
	{
		lang:       "pl",
		gmail:      "wt., 24 lis 2026 o 17:05 Dana Reyes <dana@contoso.com> napisał(a):",
		other:      []string{"W dniu 24.11.2026 o 17:05, Dana Reyes pisze:", "Dnia 24 listopada 2026 17:05 Dana Reyes <dana@contoso.com> napisał(a):", "Wiadomość napisana przez Dana Reyes <dana@contoso.com> w dniu 24.11.2026, o godz. 17:05:"},
		header:     []string{"Od: Dana Reyes <dana@contoso.com>", "Wysłano: wtorek, 24 listopada 2026 17:05", "Do: Sam Lee <sam@contoso.com>", "Temat: Follow-up"},
		separator:  "-----Wiadomość oryginalna-----",
		signatures: []string{"Wysłane z iPhone'a", "Wysłane z mojego iPhone'a", "Pobierz aplikację Outlook dla systemu iOS"},
	},
	{
		lang:       "cs",
		gmail:      "út 24. 11. 2026 v 17:05 odesílatel Dana Reyes <dana@contoso.com> napsal:",
		other:      []string{"Dne 24. 11. 26 v 17:05 Dana Reyes napsal(a):"},
		header:     []string{"Od: Dana Reyes <dana@contoso.com>", "Odesláno: úterý 24. listopadu 2026 17:05", "Komu: Sam Lee <sam@contoso.com>", "Předmět: Follow-up"},
		separator:  "-----Původní zpráva-----",
		signatures: []string{"Odesláno z iPhonu", "Odesláno z mého iPhonu"},
	},
	{
		lang:       "sv",
		gmail:      "Den tis 24 nov. 2026 kl 17:05 skrev Dana Reyes <dana@contoso.com>:",
		other:      []string{"24 nov. 2026 kl. 17:05 skrev Dana Reyes <dana@contoso.com>:", "Den 2026-11-24 kl. 17:05, skrev Dana Reyes:"},
		header:     []string{"Från: Dana Reyes <dana@contoso.com>", "Skickat: den 24 november 2026 17:05", "Till: Sam Lee <sam@contoso.com>", "Ämne: Follow-up"},
		separator:  "-----Ursprungligt meddelande-----",
		signatures: []string{"Skickat från min iPhone", "Hämta Outlook för iOS"},
	},
	{
		lang:       "da",
		gmail:      "tir. 24. nov. 2026 kl. 17.05 skrev Dana Reyes <dana@contoso.com>:",
		other:      []string{"Den 24. nov. 2026 kl. 17.05 skrev Dana Reyes <dana@contoso.com>:"},
		header:     []string{"Fra: Dana Reyes <dana@contoso.com>", "Sendt: 24. november 2026 17:05", "Til: Sam Lee <sam@contoso.com>", "Emne: Follow-up"},
		separator:  "-----Oprindelig meddelelse-----",
		signatures: []string{"Sendt fra min iPhone", "Hent Outlook til iOS"},
	},
	{
		lang:       "no",
		gmail:      "tir. 24. nov. 2026 kl. 17:05 skrev Dana Reyes <dana@contoso.com>:",
		other:      []string{"24. nov. 2026 kl. 17:05 skrev Dana Reyes <dana@contoso.com>:", "På 24 november 2026 på 17:05:18, Dana Reyes (dana@contoso.com) skrev:"},
		header:     []string{"Fra: Dana Reyes <dana@contoso.com>", "Sendt: tirsdag 24. november 2026 17:05", "Til: Sam Lee <sam@contoso.com>", "Emne: Follow-up"},
		separator:  "-----Opprinnelig melding-----",
		signatures: []string{"Sendt fra min iPhone", "Last ned Outlook for iOS"},
	},
	{
		lang:       "fi",
		gmail:      "ti 24.11.2026 klo 17.05 Dana Reyes (dana@contoso.com) kirjoitti:",
		other:      []string{"Dana Reyes kirjoitti 24.11.2026 kello 17.05:", "24.11.2026 klo 17.05 Dana Reyes kirjoitti:"},
		header:     []string{"Lähettäjä: Dana Reyes <dana@contoso.com>", "Lähetetty: tiistai 24. marraskuuta 2026 17.05", "Vastaanottaja: Sam Lee <sam@contoso.com>", "Aihe: Follow-up"},
		separator:  "-----Alkuperäinen viesti-----",
		signatures: []string{"Lähetetty iPhonesta", "Hanki Outlook for iOS"},
	},
	{
		lang:       "ru",
		gmail:      "вт, 24 нояб. 2026 г. в 17:05, Dana Reyes <dana@contoso.com>:",
		other:      []string{"24.11.2026 17:05, Dana Reyes пишет:", "24 нояб. 2026 г., в 17:05, Dana Reyes <dana@contoso.com> написал(а):", "вторник, 24 ноября 2026 г. пользователь Dana Reyes написал:"},
		header:     []string{"От: Dana Reyes <dana@contoso.com>", "Отправлено: 24 ноября 2026 г. 17:05", "Кому: Sam Lee <sam@contoso.com>", "Тема: Follow-up"},
		separator:  "-----Исходное сообщение-----",
		signatures: []string{"Отправлено с iPhone", "Отправлено с моего iPhone"},
	},
	{
		lang:       "uk",
		gmail:      "вт, 24 лист. 2026 р. о 17:05 Dana Reyes <dana@contoso.com> пише:",
		other:      []string{"24 лист. 2026 р. о 17:05 Dana Reyes <dana@contoso.com> написав:"},
		header:     []string{"Від: Dana Reyes <dana@contoso.com>", "Надіслано: 24 листопада 2026 р. 17:05", "Кому: Sam Lee <sam@contoso.com>", "Тема: Follow-up"},
		separator:  "-----Оригінальне повідомлення-----",
		signatures: []string{"Надіслано з iPhone", "Надіслано з мого iPhone"},
	},
	{
		lang:       "tr",
		gmail:      "Dana Reyes <dana@contoso.com>, 24 Kas 2026 Sal, 17:05 tarihinde şunu yazdı:",
		other:      []string{"24 Kas 2026 tarihinde 17:05 saatinde, Dana Reyes <dana@contoso.com> şunları yazdı:"},
		header:     []string{"Kimden: Dana Reyes <dana@contoso.com>", "Gönderildi: 24 Kasım 2026 Salı 17:05", "Kime: Sam Lee <sam@contoso.com>", "Konu: Follow-up"},
		separator:  "-----Özgün İleti-----",
		signatures: []string{"iPhone'umdan gönderildi", "iOS için Outlook'u edinin"},
	},
	{
		lang:       "ja",
		gmail:      "2026年11月24日(火) 17:05 Dana Reyes <dana@contoso.com>:",
		other:      []string{"2026/11/24 17:05、Dana Reyes <dana@contoso.com>のメッセージ:", "2026/11/24 17:05 Dana Reyes さんは書きました:"},
		header:     []string{"差出人: Dana Reyes <dana@contoso.com>", "送信日時: 2026年11月24日 17:05", "宛先: Sam Lee <sam@contoso.com>", "件名: Follow-up"},
		separator:  "-----元のメッセージ-----",
		signatures: []string{"iPhoneから送信", "iOS 版 Outlook を入手"},
	},
	{
		lang:       "zh",
		gmail:      "Dana Reyes <dana@contoso.com> 于2026年11月24日周二 17:05写道：",
		other:      []string{"在 2026年11月24日，17:05，Dana Reyes <dana@contoso.com> 写道：", "Dana Reyes <dana@contoso.com> 於 2026年11月24日 週二 下午5:05寫道："},
		header:     []string{"发件人: Dana Reyes <dana@contoso.com>", "发送时间: 2026年11月24日 17:05", "收件人: Sam Lee <sam@contoso.com>", "主题: Follow-up"},
		separator:  "------------------ 原始邮件 ------------------",
		signatures: []string{"发自我的iPhone", "從我的 iPhone 傳送"},
	},
	{
		lang:       "ko",
		gmail:      "2026년 11월 24일 (화) 오후 5:05, Dana Reyes <dana@contoso.com>님이 작성:",
		other:      []string{"2026. 11. 24. 오후 5:05, Dana Reyes <dana@contoso.com> 작성:"},
		header:     []string{"보낸 사람: Dana Reyes <dana@contoso.com>", "보낸 날짜: 2026년 11월 24일 화요일 오후 5:05", "받는 사람: Sam Lee <sam@contoso.com>", "제목: Follow-up"},
		separator:  "-----원본 메시지-----",
		signatures: []string{"iPhone에서 보냄", "iOS용 Outlook 받기"},
	},
	{
		lang:       "hu",
		gmail:      "Dana Reyes <dana@contoso.com> ezt írta (időpont: 2026. nov. 24., K, 17:05):",
		other:      []string{"2026. 11. 24. 17:05 keltezéssel, Dana Reyes írta:"},
		header:     []string{"Feladó: Dana Reyes <dana@contoso.com>", "Elküldve: 2026. november 24. 17:05", "Címzett: Sam Lee <sam@contoso.com>", "Tárgy: Follow-up"},
		separator:  "-----Eredeti üzenet-----",
		signatures: []string{"iPhone-ról küldve", "Az iPhone-omról küldve"},
	},
	{
		lang:       "ca",
		gmail:      "El dt., 24 de nov. 2026 a les 17:05, Dana Reyes (<dana@contoso.com>) va escriure:",
		other:      []string{"El 24/11/2026 a les 17:05, Dana Reyes va escriure:"},
		header:     []string{"De: Dana Reyes <dana@contoso.com>", "Enviat: dimarts, 24 de novembre de 2026 17:05", "Per a: Sam Lee <sam@contoso.com>", "Assumpte: Follow-up"},
		separator:  "-----Missatge original-----",
		signatures: []string{"Enviat des del meu iPhone", "Obtén l'Outlook per a iOS"},
	},
}

// TestClientStrings checks every client string of every language in the
// shapes replies take: top-posted above a quote, above an unquoted
// original, wrapped, in bold, with the header fields in another order.
func TestClientStrings(t *testing.T) {
	const reply = "me: send the budget\n\nBest,\nSam"
	const quote = "> Decisions:\n> -\n> Reply to this email."
	const original = "How did your 1:1 with Dana go?\n\nDecisions:\n-"
	for _, c := range clients {
		run := func(name, in, want string) {
			t.Helper()
			t.Run(c.lang+"/"+name, func(t *testing.T) {
				if got := runText(t, in); got != want {
					t.Errorf("userText(%q) =\n%q\nwant\n%q", in, got, want)
				}
			})
		}
		for k, a := range append([]string{c.gmail}, c.other...) {
			run("attribution/quoted/"+itoa(k), reply+"\n\n"+a+"\n\n"+quote, reply)
			run("attribution/unquoted/"+itoa(k), reply+"\n\n"+a+"\n\n"+original, reply)
			run("attribution/no-blank/"+itoa(k), reply+"\n"+a+"\n"+quote, reply)
		}
		if w := wrap(c.gmail); w != c.gmail {
			run("attribution/wrapped", reply+"\n\n"+w+"\n\n"+quote, reply)
		}
		h := strings.Join(c.header, "\n")
		run("header", reply+"\n\n"+h+"\n\n"+original, reply)
		run("header/rule", reply+"\n\n________________________________\n"+h+"\n\n"+original, reply)
		run("header/bold", reply+"\n\n"+bold(c.header)+"\n\n"+original, reply)
		run("header/reordered", reply+"\n\n"+strings.Join([]string{c.header[1], c.header[3], c.header[0], c.header[2]}, "\n")+"\n\n"+original, reply)
		run("header/from-date-only", reply+"\n\n"+c.header[0]+"\n"+c.header[1]+"\n\n"+original, reply)
		run("separator", reply+"\n\n"+c.separator+"\n"+h+"\n\n"+original, reply)
		run("separator/bold", reply+"\n\n*"+c.separator+"*\n\n"+original, reply)
		for k, s := range c.signatures {
			run("signature/"+itoa(k), reply+"\n\n"+s+"\n\n"+quote, reply)
			run("signature/above-original/"+itoa(k), reply+"\n\n"+s+"\n\n"+original, reply)
		}
		for k, s := range c.notMarkers {
			run("not-a-marker/"+itoa(k), reply+"\n"+s+"\nmore", reply+"\n"+s+"\nmore")
		}
	}
}

// wrap breaks an attribution the way Gmail's text part does: at the last
// space within 78 columns, or, for a shorter line, before its last word.
func wrap(s string) string {
	limit := len(s) - 1
	if len(s) > 78 {
		limit = 78
	}
	if i := strings.LastIndex(s[:limit], " "); i > 0 {
		return s[:i] + "\n" + s[i+1:]
	}
	return s
}

func bold(fields []string) string {
	var b strings.Builder
	for i, f := range fields {
		name, value, _ := strings.Cut(f, ":")
		if i > 0 {
			b.WriteByte('\n')
		}
		b.WriteString("*" + name + ":*" + value)
	}
	return b.String()
}

func itoa(n int) string { return string(rune('0' + n%10)) }

// TestReplyShapes covers the shapes of attributions, separators and
// signatures that are not a matter of language.
func TestReplyShapes(t *testing.T) {
	const q = "> Decisions:\n> -\n"
	tests := []struct {
		name, in, want string
	}{
		{"date-first attribution over three lines, address split", "ok\n\n2026-11-24 11:28 GMT+01:00 Dana Reyes\n<dana@contoso.com\n>:\n\n" + q, "ok"},
		{"attribution over three lines", "ok\n\nOn Wed, Dec 9, Dana Reyes\n<dana@contoso.com>\nwrote:\n" + q, "ok"},
		{"attribution over four lines", "ok\n\nOn Tue, Nov 24, 2026 at 5:05 PM Dana Reyes <\ndana.reyes.with.a.long.address@contoso.com\n>\nwrote:\n\n" + q, "ok"},
		{"attribution with a mailto inside", "ok\n\nOn Jun 17, 2017, at 14:15, Dana Reyes <dana@contoso.com<\nmailto:dana@contoso.com>> wrote:\n" + q, "ok"},
		{"reply shares the attribution's line", "Sounds good On Tue, Nov 24, 2026 at 5:05 PM Dana Reyes <dana@contoso.com> wrote:\n" + q, "Sounds good"},
		{"reply shares the line, dashes between", "reply--- On Wed, Apr 4, 2012 at 3:59 PM, dana@contoso.com wrote:\n> Hi", "reply"},
		{"attribution indented by a space", "Thanks\n On Mar 8, 2012 9:59 AM, \"Dana\" <\ndana@contoso.com> wrote:\n\n>  x", "Thanks"},
		{"attribution without a colon", "ok\n\nOn Wed, 14 Nov 2018 08:14:43 -0200 Dana Reyes <dana@contoso.com> wrote\n\nHow did your 1:1 go?", "ok"},
		{"old Gmail date and address above a quote", "ok\n2011/4/7 Dana Reyes <dana@contoso.com>\n\n>  x", "ok"},
		{"a bare attribution above a quote", "Feedback:\n- Lead with the numbers\n\nOn Sun, leadup wrote:\n> Decisions:", "Feedback:\n- Lead with the numbers"},
		{"a bare attribution without a quote is the user's", "ok\nOn Sunday, Dana wrote:\nplease check", "ok\nOn Sunday, Dana wrote:\nplease check"},
		{"old Gmail date and address without a quote is the user's", "ok\n2011/4/7 Dana Reyes <dana@contoso.com>\nmore", "ok\n2011/4/7 Dana Reyes <dana@contoso.com>\nmore"},
		{"bottom-posted under an unmarked original", "On Tue, 24 Nov 2026 at 17:05, leadup <leadup@example.com> wrote:\nHow did your 1:1 go?\n\nship it", "How did your 1:1 go?\n\nship it"},
		{"text between quotes is kept", "Hi,\nOn Tue, 24 Nov 2026 at 17:05, Dana <dana@contoso.com> wrote:\n> q1\n\na1\n\n> q2\n\na2", "Hi,\n\na1\n\na2"},
		{"wrapped quoted line without its marker", "ok\n\nOn Tue, 24 Nov 2026 at 17:05, Dana <dana@contoso.com> wrote:\n> a long quoted line that the client wrapped without repeating the marker on\nthe next line\n> more", "ok"},
		{"short line between quotes is an inline answer", "> Decisions:\n> -\nship it\n> Action items:\n> -\nme: budget", "Decisions:\nship it\n\nAction items:\nme: budget"},
		{"gmail tracker glyph", "ok\n\nᐧ", "ok"},
		{"gmail tracker glyph above the quote", "ok\nᐧ\n\nOn Tue, 24 Nov 2026 at 17:05, Dana <dana@contoso.com> wrote:\n" + q, "ok"},
		{"thunderbird separator", "ok\n\n-------- Original Message --------\nSubject: x", "ok"},
		{"reply message separator", "ok\n\n-----Reply Message-----\nx", "ok"},
		{"german reply separator", "ok\n\n-----Antwort Nachricht-----\nx", "ok"},
		{"thunderbird french separator", "ok\n\n-------- Message d'origine --------\nx", "ok"},
		{"thunderbird spanish separator", "ok\n\n-------- Mensaje original --------\nx", "ok"},
		{"bold separator", "ok\n\n*-----Original Message-----*\nx", "ok"},
		{"forward", "ok\n\n---------- Forwarded message ---------\nFrom: Dana <dana@contoso.com>", "ok"},
		{"apple forward", "ok\n\nBegin forwarded message:\n\nFrom: Dana <dana@contoso.com>", "ok"},
		{"header block on one line", "ok\n\nDate: Tue, 2 Oct 2012 02:35:10 +0000 From: dana@contoso.com To: Sam Subject: x\n\nold", "ok"},
		{"header block starting with Date", "ok\n\nDate: Wed, 16 May 2012 00:15:02 -0600\nTo: sam@contoso.com\n\nold", "ok"},
		{"header block with a wrapped From", "ok\n\n  *From:* dana@contoso.com [mailto:\n  dana@contoso.com]\n  *Sent:* Wednesday, June 27, 2012 3:05 PM\n  *To:* sam@contoso.com\n  *Subject:* Hello\n", "ok"},
		{"header block in Markdown bold", "ok\n\n---\n\n**From:** Dana <dana@contoso.com>\n**Sent:** Monday, July 28, 2025 15:45\n**To:** Sam\n**Subject:** x\n\nold", "ok"},
		{"header block of the French Orange webmail", "ok\n\n====\n\nMessage du : 12/12/2016 13:20\nDe : \"Dana \" <dana@contoso.com>\nA : sam@contoso.com\nCopie à : \nSujet :  x\n\nold", "ok"},
		{"two fields without evidence are the user's", "ok\nTo: the team\nSubject: budget\nmore", "ok\nTo: the team\nSubject: budget\nmore"},
		{"an invitation's date is the user's", "Invitation:\n\nDate: Wednesday 3, October 2011\nTime: 7 : 00am\nAddress: 130 Fox St\n\nBring your ID.", "Invitation:\n\nDate: Wednesday 3, October 2011\nTime: 7 : 00am\nAddress: 130 Fox St\n\nBring your ID."},
		{"a rule between the user's paragraphs stays", "one\n\n________________________________\n\ntwo", "one\n\n________________________________\n\ntwo"},
		{"a rule above an unknown field", "ok\n\n________________________________\nΑπό: Dana\nold", "ok"},
		{"mailing list footer", "ok\n\n-Sam\n\n\n__\nteam mailing list\nteam@lists.example.com", "ok\n\n-Sam"},
		{"device signature above an unquoted original", "ok\n\nSent from my iPhone\n\nHow did your 1:1 go?", "ok"},
		{"device signature with an app link", "ok\n\nSent from TypeApp<http://www.typeapp.com/r?b=2621>\nOn Jun 17, 2017, at 14:15, Dana <dana@contoso.com> wrote:\nold", "ok"},
		{"outlook mobile link without brackets", "ok\n\nGet Outlook for iOShttps://aka.ms/o0ukef", "ok"},
		{"a sentence starting like a signature stays", "Sent from my desk, which is better than my phone, as agreed.", "Sent from my desk, which is better than my phone, as agreed."},
		{"signature then the quote then an answer", "ok\n\nSent from my iPhone\n\n> Decisions:\n> -\nship it", "ok\n\nDecisions:\nship it"},
		{"someone wrote without a date is the user's", "ok\n\nSomebody wrote:\nthat we ship", "ok\n\nSomebody wrote:\nthat we ship"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := runText(t, tt.in); got != tt.want {
				t.Errorf("userText(%q) =\n%q\nwant\n%q", tt.in, got, tt.want)
			}
		})
	}
}

// TestHTMLClients covers the HTML of the clients whose text is only in
// HTML: Outlook desktop in other languages, Windows Mail, Zimbra, Outlook
// for Mac, Hotmail, Mail.ru and Gmail's localized attributions.
func TestHTMLClients(t *testing.T) {
	const tpl = "<p>Decisions:</p><p>-</p>"
	tests := []struct {
		name, in, want string
	}{
		{"outlook desktop german", `<p class=MsoNormal>ok<o:p></o:p></p><div><div style='border:none;border-top:solid #E1E1E1 1.0pt;padding:3.0pt 0cm 0cm 0cm'><p class=MsoNormal><b>Von:</b> Dana &lt;dana@contoso.com&gt;<br><b>Gesendet:</b> Dienstag, 24. November 2026 17:05<br><b>An:</b> Sam<br><b>Betreff:</b> Follow-up</p></div></div>` + tpl, "ok"},
		{"outlook desktop japanese", `<p class=MsoNormal>了解です<o:p></o:p></p><div style='border:none;border-top:solid #E1E1E1 1.0pt;padding:3.0pt 0mm 0mm 0mm'><p class=MsoNormal><b>差出人:</b> Dana &lt;dana@contoso.com&gt;<br><b>送信日時:</b> 2026年11月24日 17:05<br><b>宛先:</b> Sam<br><b>件名:</b> Follow-up</p></div>` + tpl, "了解です"},
		{"outlook 2003 rule and header", `<p class=MsoNormal>ok</p><div><div class=MsoNormal align=center style='text-align:center'><hr size=3 width="100%" align=center tabindex=-1></div><p class=MsoNormal><b>From:</b> Dana [mailto:dana@contoso.com]<br><b>Sent:</b> Friday, June 27, 2014 12:06 PM<br><b>To:</b> Sam<br><b>Subject:</b> x</p></div>` + tpl, "ok"},
		{"windows mail", `<div>ok</div><div style="padding-top: 5px; border-top-color: rgb(229, 229, 229); border-top-width: 1px; border-top-style: solid;"><div><b>От:</b>&nbsp;Dana<br><b>Отправлено:</b>&nbsp;24 ноября 2026 г. 17:05<br><b>Кому:</b>&nbsp;Sam</div></div>` + tpl, "ok"},
		{"zimbra", `<div>ok</div><hr id="zwchr" data-marker="__DIVIDER__"><div data-marker="__HEADERS__"><b>De: </b>"Dana" &lt;dana@contoso.com&gt;<br><b>À: </b>Sam</div>` + tpl, "ok"},
		{"outlook for mac", `<div>ok</div><span id="OLK_SRC_BODY_SECTION"><div><span>From: </span>Dana<br><span>Date: </span>Tue, 24 Nov 2026</div>` + tpl + `</span>`, "ok"},
		{"hotmail", `<div dir='ltr'>ok<div><hr id="stopSpelling">Date: Thu, 26 Jun 2014 13:53:45 +0400<br>Subject: x<br>From: dana@contoso.com<br>To: sam@contoso.com<br><br>` + tpl + `</div></div>`, "ok"},
		{"mail.ru", `<p>ok</p><br>Thu, 26 Jun 2014 14:00:51 +0400 от Dana &lt;dana@contoso.com&gt;:<br><blockquote style="border-left:1px solid #0857A6">` + tpl + `</blockquote>`, "ok"},
		{"gmail korean", `<div dir="ltr">좋아요</div><br><div class="gmail_quote"><div dir="ltr" class="gmail_attr">2026년 11월 24일 (화) 오후 5:05, Dana &lt;<a href="mailto:dana@contoso.com">dana@contoso.com</a>&gt;님이 작성:<br></div><blockquote class="gmail_quote">` + tpl + `</blockquote></div>`, "좋아요"},
		{"gmail tracker glyph", `<div dir="ltr">ok<div hspace="streak-pt-mark" style="max-height:1px"><img alt="" style="width:0px;max-height:0px;overflow:hidden" src="https://mailfoogae.appspot.com/t?sender=x"><font color="#ffffff" size="1">ᐧ</font></div></div>`, "ok"},
		{"outlook web reply header in a div without an id", `<div>ok</div><hr style="display:inline-block;width:98%"><div dir="ltr"><font face="Calibri"><b>De :</b> Dana &lt;dana@contoso.com&gt;<br><b>Envoyé :</b> mardi 24 novembre 2026 17:05<br><b>À :</b> Sam<br><b>Objet :</b> Follow-up</font></div>` + tpl, "ok"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := runHTML(t, tt.in); got != tt.want {
				t.Errorf("HTML %q =\n%q\nwant\n%q", tt.in, got, tt.want)
			}
		})
	}
}
