package reply

import "strings"

// The localized strings mail clients write around a reply, as data. They
// were taken from the clients themselves (Gmail, Outlook desktop, web and
// mobile, Apple Mail and iOS, Thunderbird, Yahoo, Android clients) and from
// the fixtures of other reply trimmers; testdata/replies/README.md names the
// sources. Every table is read-only after package initialisation, and every
// entry is compared in lower case (strings.ToLower of both sides), so
// "Von:" and "VON:" are one entry.

// fieldKind is the role of a field in the header block Outlook, Yahoo,
// Hotmail and the Apple "Begin forwarded message" writes above an unquoted
// original.
type fieldKind uint8

const (
	fieldFrom fieldKind = iota + 1
	fieldDate           // Sent or Date: its value holds a date
	fieldTo
	fieldCc
	fieldSubject
	fieldOther // Reply-To and kin: part of a block, never its evidence
)

// headerFieldNames maps each localized field name, lower-cased and without
// its colon, to its role. Outlook translates the names with its interface
// language; Gmail's forward header and Apple Mail use their own words.
var headerFieldNames = lowerKeys(map[string]fieldKind{
	// English
	"from": fieldFrom, "sent": fieldDate, "date": fieldDate, "to": fieldTo, "cc": fieldCc, "bcc": fieldCc,
	"subject": fieldSubject, "reply-to": fieldOther, "sent by": fieldOther,
	// German
	"von": fieldFrom, "gesendet": fieldDate, "datum": fieldDate, "an": fieldTo, "kopie": fieldCc,
	"betreff": fieldSubject, "antwort an": fieldOther,
	// French (Outlook writes "De :" with a space before the colon)
	"de": fieldFrom, "expéditeur": fieldFrom, "envoyé": fieldDate, "envoyé le": fieldDate, "message du": fieldDate,
	"à": fieldTo, "destinataire": fieldTo, "copie à": fieldCc, "objet": fieldSubject, "sujet": fieldSubject,
	"répondre à": fieldOther,
	// Spanish
	"enviado": fieldDate, "enviado el": fieldDate, "fecha": fieldDate, "para": fieldTo, "asunto": fieldSubject,
	// Italian
	"da": fieldFrom, "inviato": fieldDate, "data": fieldDate, "a": fieldTo, "oggetto": fieldSubject, "ogg": fieldSubject,
	"risposta": fieldOther,
	// Dutch
	"van": fieldFrom, "verzonden": fieldDate, "aan": fieldTo, "onderwerp": fieldSubject,
	// Portuguese
	"enviada": fieldDate, "enviada em": fieldDate, "enviado em": fieldDate, "assunto": fieldSubject,
	// Polish
	"od": fieldFrom, "wysłano": fieldDate, "wysłane": fieldDate, "do": fieldTo, "dw": fieldCc, "temat": fieldSubject,
	// Czech
	"odesláno": fieldDate, "komu": fieldTo, "kopie (cc)": fieldCc, "předmět": fieldSubject,
	// Swedish
	"från": fieldFrom, "skickat": fieldDate, "till": fieldTo, "kopia": fieldCc, "ämne": fieldSubject,
	// Danish and Norwegian
	"fra": fieldFrom, "sendt": fieldDate, "dato": fieldDate, "til": fieldTo, "emne": fieldSubject,
	// Finnish
	"lähettäjä": fieldFrom, "lähetetty": fieldDate, "päivämäärä": fieldDate, "vastaanottaja": fieldTo,
	"kopio": fieldCc, "aihe": fieldSubject,
	// Russian
	"от": fieldFrom, "отправлено": fieldDate, "дата": fieldDate, "кому": fieldTo, "копия": fieldCc, "тема": fieldSubject,
	// Ukrainian
	"від": fieldFrom, "надіслано": fieldDate, "копія": fieldCc,
	// Turkish
	"kimden": fieldFrom, "gönderildi": fieldDate, "gönderilme": fieldDate, "tarih": fieldDate, "kime": fieldTo,
	"bilgi": fieldCc, "konu": fieldSubject,
	// Japanese
	"差出人": fieldFrom, "送信日時": fieldDate, "日付": fieldDate, "宛先": fieldTo, "件名": fieldSubject,
	// Chinese (simplified, traditional)
	"发件人": fieldFrom, "發件人": fieldFrom, "寄件者": fieldFrom, "发送时间": fieldDate, "發送時間": fieldDate,
	"寄件日期": fieldDate, "日期": fieldDate, "收件人": fieldTo, "收件者": fieldTo, "抄送": fieldCc, "副本": fieldCc,
	"主题": fieldSubject, "主題": fieldSubject, "主旨": fieldSubject,
	// Korean
	"보낸 사람": fieldFrom, "보낸 날짜": fieldDate, "날짜": fieldDate, "받는 사람": fieldTo, "참조": fieldCc, "제목": fieldSubject,
	// Hungarian
	"feladó": fieldFrom, "elküldve": fieldDate, "dátum": fieldDate, "címzett": fieldTo, "másolatot kap": fieldCc,
	"tárgy": fieldSubject,
	// Catalan
	"enviat": fieldDate, "per a": fieldTo, "assumpte": fieldSubject,
})

// originalSeparators are the words between the dashes of the line clients
// put above an unquoted original or forward: Outlook's "-----Original
// Message-----", Thunderbird's "-------- Original Message --------",
// Gmail's "---------- Forwarded message ---------", in every language.
var originalSeparators = lowerSet(
	// English
	"original message", "reply message", "forwarded message", "original email", "forwarded email",
	// German
	"ursprüngliche nachricht", "original-nachricht", "originalnachricht", "antwort nachricht",
	"weitergeleitete nachricht", "weitergeleitete e-mail",
	// French
	"message d'origine", "message d’origine", "message original", "message transféré", "e-mail d'origine",
	// Spanish
	"mensaje original", "mensaje reenviado", "correo original",
	// Italian
	"messaggio originale", "messaggio inoltrato", "messaggio originario",
	// Dutch
	"oorspronkelijk bericht", "origineel bericht", "doorgestuurd bericht",
	// Portuguese
	"mensagem original", "mensagem encaminhada", "mensagem reencaminhada",
	// Polish
	"wiadomość oryginalna", "oryginalna wiadomość", "wiadomość przekazana", "przekazana wiadomość",
	// Czech
	"původní zpráva", "přeposlaná zpráva", "původní e-mail",
	// Swedish
	"ursprungligt meddelande", "originalmeddelande", "vidarebefordrat meddelande",
	// Danish
	"oprindelig meddelelse", "oprindelig besked", "videresendt meddelelse", "videresendt besked",
	// Norwegian
	"opprinnelig melding", "videresendt melding", "original melding",
	// Finnish
	"alkuperäinen viesti", "välitetty viesti",
	// Russian
	"исходное сообщение", "пересылаемое сообщение", "перенаправленное сообщение", "оригинальное сообщение",
	// Ukrainian
	"оригінальне повідомлення", "вихідне повідомлення", "переслане повідомлення", "пересланий лист",
	// Turkish
	"özgün ileti", "orijinal mesaj", "orijinal ileti", "iletilen ileti", "iletilmiş ileti",
	// Japanese
	"元のメッセージ", "転送されたメッセージ", "オリジナルメッセージ",
	// Chinese
	"原始邮件", "原始郵件", "原始信件", "转发的邮件", "轉寄郵件",
	// Korean
	"원본 메시지", "원래 메시지", "전달된 메시지",
	// Hungarian
	"eredeti üzenet", "továbbított üzenet",
	// Catalan
	"missatge original", "missatge reenviat",
)

// forwardIntros are the one-line introductions Apple Mail and others write
// above a forwarded original, followed by a colon.
var forwardIntros = lowerSet(
	"begin forwarded message", "anfang der weitergeleiteten nachricht", "début du message réexpédié",
	"début du message transféré", "inicio del mensaje reenviado", "comienzo del mensaje reenviado",
	"inizio messaggio inoltrato", "begin doorgestuurd bericht", "início da mensagem reencaminhada",
	"início da mensagem encaminhada", "początek przekazywanej wiadomości", "začátek přeposlané zprávy",
	"vidarebefordrat brev", "start på videresendt besked", "videresendt melding", "välitetty viesti alkaa",
	"начало переадресованного сообщения", "початок пересланого повідомлення", "iletilen ileti başlangıcı",
	"転送されたメッセージ", "转发的邮件", "以下为转发的邮件", "전달된 메시지", "továbbított levél kezdete",
	"inici del missatge reenviat",
)

// attributionVerbs end the attribution line a client writes above the
// quote ("… wrote:"), in the languages leadup's users write in. Gmail,
// Apple Mail, Thunderbird, Outlook for Mac and the Android clients each
// have their own wording; the verb is what they share.
var attributionVerbs = lowerList(
	// English ("sent" is Outlook for Mac's older wording)
	"wrote", "writes", "said", "sent",
	// German
	"schrieb", "geschrieben", "schrieben sie",
	// French
	"a écrit", "a ecrit", "écrit", "nous a dit",
	// Spanish
	"escribió", "escribio",
	// Italian
	"ha scritto", "scritto",
	// Dutch
	"schreef", "het volgende geschreven",
	// Portuguese
	"escreveu",
	// Polish
	"napisał", "napisała", "napisał(a)", "pisze",
	// Czech
	"napsal", "napsala", "napsal(a)",
	// Swedish, Danish, Norwegian
	"skrev",
	// Finnish
	"kirjoitti",
	// Russian
	"написал", "написала", "написал(а)", "пишет",
	// Ukrainian
	"написав", "написала", "пише",
	// Turkish
	"şunu yazdı", "yazdı",
	// Japanese
	"のメッセージ", "は書きました", "さんは書きました", "書きました",
	// Chinese
	"写道", "寫道",
	// Korean
	"작성", "님이 작성",
	// Hungarian (Thunderbird; Gmail's form is matched by hungarianGmail)
	"írta",
	// Catalan
	"va escriure",
	// Vietnamese
	"đã viết",
)

// attributionOpeners start the "On <date>, <someone> wrote:" family of
// attributions. They let an attribution without an address or a time pass
// as long as it holds a digit ("El jueves, 21 de noviembre de 2013,
// codinghorror escribió:").
var attributionOpeners = []string{
	"On ", "At ", "Le ", "Am ", "El ", "Il ", "Il giorno ", "In data ", "Op ", "Em ", "No dia ", "W dniu ", "Dnia ",
	"Dne ", "Den ", "På ", "Vào ", "A ", "В ", "У ",
}

// deviceWords end the one-line signatures of mobile clients whose wording
// would otherwise be an ordinary sentence ("Inviato da Verizon Wireless
// BlackBerry" is a signature, "Inviato da Marco il documento" is not).
var deviceWords = lowerSet(
	"iphone", "ipad", "ipod", "android", "blackberry", "smartphone", "mobile", "handy", "tablet", "telefono",
	"cellulare", "telefoon", "téléphone", "mobiel", "móvil", "movil", "celular", "telemóvel", "galaxy", "samsung",
	"pixel", "huawei", "xiaomi", "nokia", "htc", "sony", "motorola", "outlook", "gmail", "mail", "yahoo",
	"aol", "typeapp", "bluemail", "spark", "airmail", "mailbox", "superhuman", "newton", "edison", "k-9",
	"device", "phone", "cell", "mobilgerät", "mobiltelefon", "mobilní", "telefon", "телефона", "смартфона",
	"айфона", "windows", "posta", "poczta", "e-post", "pošta", "sähköposti", "почта", "пошта",
	// inflected: Polish "z iPhone'a", Czech "z iPhonu", Finnish "iPhonesta"
	"iphone'a", "iphone’a", "ipada", "androida", "smartfona", "telefonu", "iphonu", "ipadu",
	"iphonesta", "ipadista", "puhelimesta", "androidista",
)

// sigRule is one family of device signatures: lines that begin with
// prefix and end with suffix (both lower case). What lies between is the
// device or app name, a few words at most; with needDevice its last word
// must be one of deviceWords or be followed by a link, because the prefix
// alone also begins ordinary sentences.
type sigRule struct {
	prefix, suffix string
	needDevice     bool
}

// deviceSigRules are the "Sent from my iPhone" lines of mobile clients and
// webmails, in the languages leadup's users write in.
var deviceSigRules = []sigRule{
	// English
	{prefix: "sent from my "}, {prefix: "sent from ", needDevice: true}, {prefix: "sent via "}, {prefix: "sent with "},
	{prefix: "sent by ", needDevice: true}, {prefix: "sent using "}, {prefix: "sent on my "},
	{prefix: "get outlook for "}, {prefix: "download outlook for "}, {prefix: "(sent from "}, {prefix: "<<sent by "},
	// German
	{prefix: "von meinem ", suffix: " gesendet"}, {prefix: "gesendet von "}, {prefix: "gesendet mit "},
	{prefix: "diese nachricht wurde von ", suffix: " gesendet"}, {prefix: "outlook für ", suffix: " herunterladen"},
	// French
	{prefix: "envoyé de mon "}, {prefix: "envoyé depuis "}, {prefix: "envoyé à partir de "},
	{prefix: "envoyé avec "}, {prefix: "télécharger outlook pour "}, {prefix: "obtenir outlook pour "},
	// Spanish
	{prefix: "enviado desde "}, {prefix: "enviado con "}, {prefix: "obtener outlook para "},
	{prefix: "descargar outlook para "},
	// Italian
	{prefix: "inviato da ", needDevice: true}, {prefix: "inviato dal mio "}, {prefix: "inviato con "},
	{prefix: "ottieni outlook per "}, {prefix: "scarica outlook per "},
	// Dutch
	{prefix: "verzonden vanaf mijn "}, {prefix: "verstuurd vanaf mijn "}, {prefix: "verzonden met "},
	{prefix: "verzonden vanuit "}, {prefix: "verzonden van mijn "}, {prefix: "outlook voor ", suffix: " downloaden"},
	{prefix: "download outlook voor "},
	// Portuguese
	{prefix: "enviado do meu "}, {prefix: "enviado de meu "}, {prefix: "enviado a partir do meu "},
	{prefix: "enviado do ", needDevice: true}, {prefix: "obter o outlook para "}, {prefix: "obter outlook para "},
	// Polish
	{prefix: "wysłane z ", needDevice: true}, {prefix: "wysłano z ", needDevice: true}, {prefix: "wysłane z mojego "},
	{prefix: "pobierz aplikację outlook "}, {prefix: "pobierz outlook "},
	// Czech
	{prefix: "odesláno z ", needDevice: true}, {prefix: "odesláno z mého "}, {prefix: "stáhněte si outlook "},
	// Swedish
	{prefix: "skickat från min "}, {prefix: "skickat från ", needDevice: true}, {prefix: "skickades från "},
	{prefix: "hämta outlook för "},
	// Danish and Norwegian
	{prefix: "sendt fra min "}, {prefix: "sendt fra ", needDevice: true}, {prefix: "hent outlook til "},
	{prefix: "hent outlook for "}, {prefix: "last ned outlook for "}, {prefix: "få outlook til "},
	// Finnish
	{prefix: "lähetetty ", needDevice: true}, {prefix: "lähetetty laitteesta "}, {prefix: "hanki outlook "},
	// Russian
	{prefix: "отправлено с ", needDevice: true}, {prefix: "отправлено с моего "}, {prefix: "отправлено из "},
	{prefix: "получить outlook для "}, {prefix: "скачать outlook для "},
	// Ukrainian
	{prefix: "надіслано з ", needDevice: true}, {prefix: "надіслано з мого "}, {prefix: "отримати outlook для "},
	// Turkish: "iPhone'umdan gönderildi", "iOS için Outlook'u edinin"
	{suffix: "'umdan gönderildi"}, {suffix: "’umdan gönderildi"}, {suffix: "'dan gönderildi"},
	{suffix: "’dan gönderildi"}, {suffix: "'den gönderildi"}, {suffix: " için outlook'u edinin"},
	{suffix: " için outlook’u edinin"},
	// Japanese: "iPhoneから送信", "iOS 版 Outlook を入手"
	{suffix: "から送信"}, {suffix: "outlook を入手"}, {suffix: "outlookを入手"},
	// Chinese: "发自我的iPhone", "從我的 iPhone 傳送"
	{prefix: "发自我的"}, {prefix: "發自我的"}, {prefix: "从我的", suffix: "发送"}, {prefix: "從我的", suffix: "傳送"},
	{prefix: "获取 outlook for "}, {prefix: "取得 ", suffix: " outlook"},
	// Korean: "iPhone에서 보냄", "iOS용 Outlook 받기"
	{suffix: "에서 보냄"}, {suffix: "outlook 받기"},
	// Hungarian: "iPhone-ról küldve", "Az iPhone-omról küldve"
	{suffix: "-ról küldve"}, {suffix: "-ről küldve"}, {suffix: "-omról küldve"}, {prefix: "küldve ", needDevice: true},
	// Catalan
	{prefix: "enviat des del meu "}, {prefix: "enviat des de "}, {prefix: "obtén l'outlook per a "},
	{prefix: "obtén l’outlook per a "},
}

func lowerKeys[V any](m map[string]V) map[string]V {
	out := make(map[string]V, len(m))
	for k, v := range m {
		out[strings.ToLower(k)] = v
	}
	return out
}

func lowerSet(words ...string) map[string]bool {
	out := make(map[string]bool, len(words))
	for _, w := range words {
		out[strings.ToLower(w)] = true
	}
	return out
}

func lowerList(words ...string) []string {
	out := make([]string, len(words))
	for i, w := range words {
		out[i] = strings.ToLower(w)
	}
	return out
}
