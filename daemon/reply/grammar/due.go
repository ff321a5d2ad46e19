package grammar

import (
	"strings"
	"time"
)

// Due phrases
//
// An action's due date comes from a due phrase in its text, in English,
// German, French, Spanish, Italian, Dutch or Portuguese; the phrase is cut
// from the text: "send the budget by next Tue" becomes "send the budget",
// due next Tuesday. The words are in dates_words.go, the tokens they are
// read from in dates_tokens.go.
//
// Where a date counts. A date-looking thing inside a sentence is often no
// deadline ("12/11 was a good day", "version 2.4", "Q3 plan", "top 10",
// "meet at 3 pm"), so a date expression counts only
//   - after a due keyword, anywhere in the text: "by", "due", "until",
//     "before", "bis", "vor", "d'ici", "avant", "pour", "para", "antes de",
//     "entro", "per", "voor", "uiterlijk", "até", and the others of the
//     tables; an article may come between ("pour le 4 décembre");
//   - at the end of the text, where an article or a light preposition
//     before it goes with it: "send the deck Friday", "call Dana on
//     Friday", "enviar el informe el viernes";
//   - at the start of the text, before a colon: "Friday: send the deck";
//   - alone in parentheses, with or without a keyword: "(Fri)", "(due 12/3)";
//   - anywhere for the abbreviations EOD, COB, EOW, EOM, EOQ and EOY.
//
// A bare date (one without a keyword) does not count after a word such as
// "from", "since", "last", "seit", "depuis", "desde" ("the notes from Dec
// 15"), and some forms need a keyword: a day of the month alone, and then
// only at the end of a clause ("by the 3rd", "bis zum 4."); a dotted date
// without a year, after a German keyword ("bis 4.12."; "by 2.5" is a
// number); "2 weeks" without "in", after "within", "entro", "binnen",
// "d'ici"; the abbreviations "sat", "sun" and "wed", which are words too.
// English weekday abbreviations count after English keywords only: after
// "pour", "mon" is French for "my". "mañana" and "morgen" after "la",
// "esta", "am", "den" are the morning, not tomorrow.
//
// Date expressions:
//   - a day named by words: today, tomorrow (tmrw), the day after
//     tomorrow, end of day (EOD, COB), end of (the) week (EOW), next week,
//     end of next week, end of (the) month (EOM), next month, end of next
//     month, end of quarter (EOQ), end of year (EOY), and their
//     translations ("morgen", "demain", "mañana", "domani", "amanhã",
//     "nächste Woche", "la semaine prochaine", "fin du mois", …);
//   - a weekday, maybe with "next" or "this" ("next Tue", "nächsten
//     Freitag", "vendredi prochain", "el próximo viernes", "sexta que vem",
//     "Friday next week");
//   - a month and a day, either way round, maybe with a year: "Dec 15",
//     "15 Dec", "the 15th of December", "4. Dezember", "1er décembre",
//     "4 de diciembre de 2027", "Dec 3, 2027";
//   - a day of the month: "the 3rd", "zum 4.", "le 3";
//   - numbers: "2026-12-15", "15/12", "12/11", "12/3/27", "4.12.",
//     "4.12.2026";
//   - an offset: "in 2 weeks", "in three days", "dans 2 semaines", "tra
//     due settimane", "over 2 weken", "em 3 dias", "within a month".
//
// A time or a part of the day after a date goes with it and is dropped:
// "Friday 3pm", "tomorrow morning", "bis Freitag um 12 Uhr", "demain matin".
// Case and accents do not matter: "VENERDI" is "venerdì".
//
// What a date means, counting from today (the reply's day in the user's
// zone):
//   - a weekday is the next one after today: on a Tuesday, "by Tuesday" is
//     next week's; "next Tuesday" is the Tuesday of next week (the week that
//     starts on the Monday after today); "this Friday" is "Friday";
//   - "next week" is the Monday after today and "end of next week" that
//     week's Friday; "end of week" is this week's Friday (from a weekend,
//     the coming one); "next month" is the first of next month, "end of
//     month" this month's last day, "end of quarter" and "end of year" the
//     last day of this quarter and year;
//   - a date without a year is the next one on or after today: in late
//     December, "Jan 5" is next year's; "the 3rd" on 24 November is 3
//     December;
//   - "15/12" is day first since there is no month 15, "12/11" follows
//     Options.DateOrder; dotted dates are day first, "2026-12-15" year first;
//     a two-digit year is in this century;
//   - "in 2 weeks" is 14 days from today; "in a month" from 31 January is
//     the last day of February.
//
// Vague phrases ("this week", "soon", "asap", "later", "sometime", "next
// weekend") set no date and stay in the text. The first due phrase in the
// text is the one read; if it names no real day ("by 2/30", "Feb 29, 2027")
// it stays in the text and the action has no due date.
//
// Reading is linear in the text: each token is looked at from a bounded
// number of starting points, and a phrase is at most a few words long.
//
// Why tables of our own rather than a date library: the two candidates were
// measured in leadup (November 2026). github.com/markusmobius/go-dateparser
// builds the locale data of all its 200-odd languages at init, whatever
// languages it is configured for: 95 MB allocated in 140 ms, +44 MiB idle
// RSS and +7.4 MB of binary, against a 30 MB budget for the whole daemon.
// github.com/olebedev/when is cheap (+0.2 MB, 1.7 ms of init) but knows
// English, Dutch and Brazilian Portuguese only, and reads several of the
// phrases above wrongly ("15/12" as today, "2026-12-15" as "12-15",
// "mañana" as the Dutch "ma"(andag)); both took 50 to 300 µs a phrase. These
// tables add 70 kB to the binary and 66 kB of heap, and read an action in
// about a microsecond.

// dueContext is what reading a due phrase needs: the day the reply was
// written, in the user's zone, and how to read "12/11".
type dueContext struct {
	today Date
	order DateOrder
}

// cutDue finds the first due phrase in s and, if it names a real day,
// returns that day and s without the phrase. A phrase naming no real day
// ("by 2/30") is left in the text and no due date is set.
func cutDue(s string, c dueContext) (*Date, string) {
	var buf [48]dueToken
	sc := dueScanner{toks: dueTokenize(s, buf[:0])}
	sc.last = sc.lastWord()
	m, ok := sc.find()
	if !ok {
		return nil, s
	}
	d, ok := m.x.resolve(c)
	if !ok {
		return nil, s
	}
	return &d, cutDuePhrase(s, sc.toks[m.from].start, sc.toks[m.to-1].end)
}

// resolveDue reads a phrase that is only a date, with or without a due
// keyword ("Fri", "by 4.12.", "the 3rd"), as in a correction "7 due Fri".
// Every form is accepted, whatever the keyword.
func resolveDue(phrase string, c dueContext) (Date, bool) {
	var buf [16]dueToken
	sc := dueScanner{toks: dueTokenize(phrase, buf[:0])}
	sc.last = sc.lastWord()
	lic := dueLicense{all: true}
	i := 0
	if kw, j := dueTab.phrase(sc.toks, 0, roDue); kw != nil {
		lic.keyword = kw
		i = sc.skip(j, ':')
	}
	i, lic.article = sc.articles(i)
	x, j, ok := sc.date(i, lic)
	if !ok || j < sc.last {
		return Date{}, false
	}
	return x.resolve(c)
}

// cutDuePhrase returns s without s[start:end], tidying the spaces and
// punctuation around the hole.
func cutDuePhrase(s string, start, end int) string {
	left := strings.TrimRight(s[:start], " ")
	right := strings.TrimLeft(s[end:], " ")
	if strings.TrimLeft(right, ".!?;,:… ") == "" {
		// "intro me to Jordan – by Friday.", "send it, due Friday": the dash
		// or the comma only introduced the date. A colon stays: "Jordan:
		// by Friday" names an owner without a task.
		left = strings.TrimRight(left, " -–—,;")
		return left + right
	}
	if left == "" {
		// "by Friday: send the deck", "Friday – send the deck"
		return strings.TrimLeft(right, ",;:-–— ")
	}
	if strings.HasSuffix(left, ",") && strings.HasPrefix(right, ",") {
		// "send the deck, by Friday, to Jordan"
		right = strings.TrimLeft(right[1:], " ")
		return left + " " + right
	}
	if strings.ContainsRune(",.;:!?)", rune(right[0])) {
		return left + right
	}
	return left + " " + right
}

// dueScanner finds due phrases in the tokens of a text.
type dueScanner struct {
	toks []dueToken
	last int // the index after the last token that is not punctuation
}

// dueMatch is a due phrase: the tokens toks[from:to] and the date they name.
type dueMatch struct {
	from, to int
	x        dueExpr
}

// dueLicense says what may come before a date, and so which forms count.
type dueLicense struct {
	keyword *dueEntry // the due keyword before the date; nil for a bare date
	article bool      // an article came right before: "the 3" is a day of the month
	all     bool      // every form counts (resolveDue)
}

func (l dueLicense) strong() bool { return l.keyword != nil || l.all }

// dueMaxTail bounds how far from the end a bare date may start: the longest
// phrase, with its articles, time and part of the day, is shorter.
const dueMaxTail = 24

func (sc *dueScanner) lastWord() int {
	n := len(sc.toks)
	for n > 0 && sc.toks[n-1].kind == dtPunct {
		n--
	}
	return n
}

func (sc *dueScanner) find() (dueMatch, bool) {
	for i := range sc.toks {
		if m, ok := sc.at(i); ok {
			return m, true
		}
	}
	return dueMatch{}, false
}

// at returns the due phrase that starts at toks[i], if any.
func (sc *dueScanner) at(i int) (dueMatch, bool) {
	if sc.toks[i].is('(') {
		if m, ok := sc.paren(i); ok {
			return m, true
		}
	}
	if kw, j := dueTab.phrase(sc.toks, i, roDue); kw != nil {
		j = sc.skip(j, ':') // "due: Dec 3"
		lic := dueLicense{keyword: kw}
		j, lic.article = sc.articles(j)
		if x, end, ok := sc.date(j, lic); ok {
			return dueMatch{i, end, x}, true
		}
	}
	if e, j := dueTab.phrase(sc.toks, i, roAnywhere); e != nil {
		return dueMatch{i, j, dueExpr{kind: exAnchor, anchor: e.anchor}}, true
	}
	if i > 0 && sc.last-i > dueMaxTail {
		return dueMatch{}, false
	}
	// A bare date: at the end, or at the start before a colon.
	if i > 0 && sc.is(i-1, roBlock) {
		return dueMatch{}, false
	}
	var lic dueLicense
	j, art := sc.articles(i)
	lic.article = art
	x, end, ok := sc.date(j, lic)
	switch {
	case !ok:
	case end == sc.last:
		return dueMatch{i, end, x}, true
	case i == 0 && end < len(sc.toks) && sc.toks[end].is(':'):
		return dueMatch{i, end + 1, x}, true
	}
	return dueMatch{}, false
}

// paren reads "(Fri)", "(due 12/3)" at toks[i], the "(".
func (sc *dueScanner) paren(i int) (dueMatch, bool) {
	var lic dueLicense
	j := i + 1
	if kw, k := dueTab.phrase(sc.toks, j, roDue); kw != nil {
		lic.keyword = kw
		j = sc.skip(k, ':')
	}
	j, lic.article = sc.articles(j)
	x, end, ok := sc.date(j, lic)
	if ok && end < len(sc.toks) && sc.toks[end].is(')') {
		return dueMatch{i, end + 1, x}, true
	}
	return dueMatch{}, false
}

// skip moves past a punctuation mark r at toks[i], if it is there.
func (sc *dueScanner) skip(i int, r rune) int {
	if i < len(sc.toks) && sc.toks[i].is(r) {
		return i + 1
	}
	return i
}

// is reports whether toks[i] is a phrase of one word playing role r.
func (sc *dueScanner) is(i int, r dueRole) bool {
	e, j := dueTab.phrase(sc.toks[:i+1], i, r)
	return e != nil && j == i+1
}

// articles moves past up to two articles or light prepositions: "on the".
func (sc *dueScanner) articles(i int) (int, bool) {
	j := i
	for range 2 {
		e, k := dueTab.phrase(sc.toks, j, roArticle)
		if e == nil {
			break
		}
		j = k
	}
	return j, j > i
}

// dueExprKind is the form of a date expression.
type dueExprKind uint8

const (
	exAnchor  dueExprKind = iota + 1 // "tomorrow", "end of month"
	exWeekday                        // "next Tue"
	exDate                           // "Dec 15", "4. Dezember 2027"
	exDay                            // "the 3rd"
	exNumeric                        // "15/12", "4.12.", "2026-12-15"
	exOffset                         // "in 2 weeks"
)

// dueExpr is a date expression as read, before it is resolved against today.
type dueExpr struct {
	kind    dueExprKind
	anchor  dueAnchor
	weekday time.Weekday
	mod     dueModifier
	month   time.Month
	day     int
	year    int // 0: the next one to come
	num     dueToken
	n       int
	unit    dueUnit
}

// date reads a date expression at toks[i] and the time or part of the day
// after it, returning the index after them.
func (sc *dueScanner) date(i int, lic dueLicense) (dueExpr, int, bool) {
	x, j, ok := sc.dateOnly(i, lic)
	if !ok {
		return dueExpr{}, i, false
	}
	return x, sc.suffix(j), true
}

func (sc *dueScanner) dateOnly(i int, lic dueLicense) (dueExpr, int, bool) {
	if i >= len(sc.toks) {
		return dueExpr{}, i, false
	}
	switch sc.toks[i].kind {
	case dtNumDate:
		return sc.numeric(i, lic)
	case dtNum, dtOrd:
		if x, j, ok := sc.dayMonth(i); ok {
			return x, j, true
		}
		if x, j, ok := sc.offset(i, lic); ok {
			return x, j, true
		}
		return sc.dayAlone(i, lic)
	case dtWord:
		if e, j := dueTab.phrase(sc.toks, i, roAnchor); e != nil {
			if e.roles&roMorning != 0 && i > 0 && sc.is(i-1, roMorningCue) {
				return dueExpr{}, i, false // "por la mañana": in the morning
			}
			return dueExpr{kind: exAnchor, anchor: e.anchor}, j, true
		}
		if x, j, ok := sc.weekday(i, lic); ok {
			return x, j, true
		}
		if x, j, ok := sc.monthDay(i); ok {
			return x, j, true
		}
		return sc.offset(i, lic)
	}
	return dueExpr{}, i, false
}

// weekday reads "Fri", "next Tuesday", "vendredi prochain", "sexta que vem".
func (sc *dueScanner) weekday(i int, lic dueLicense) (dueExpr, int, bool) {
	x := dueExpr{kind: exWeekday}
	j := i
	if e, k := dueTab.phrase(sc.toks, i, roPre); e != nil {
		x.mod, j = e.mod, k
	}
	e, j := dueTab.phrase(sc.toks, j, roWeekday)
	if e == nil {
		return dueExpr{}, i, false
	}
	if e.roles&roAbbr != 0 && !lic.all {
		if lic.keyword != nil && lic.keyword.langs&e.langs == 0 {
			return dueExpr{}, i, false // "pour mon chef"
		}
		if e.roles&roWordlike != 0 && lic.keyword == nil {
			return dueExpr{}, i, false // "enjoy the sun"
		}
	}
	x.weekday = time.Weekday(e.weekday - 1)
	if p, k := dueTab.phrase(sc.toks, j, roPost); p != nil {
		x.mod = max(x.mod, p.mod)
		j = k
	}
	return x, j, true
}

// monthDay reads "Dec 15", "December 15th, 2027", "Dec. 3".
func (sc *dueScanner) monthDay(i int) (dueExpr, int, bool) {
	m, j := dueTab.phrase(sc.toks, i, roMonth)
	if m == nil {
		return dueExpr{}, i, false
	}
	j = sc.skip(j, '.')
	d, ok := sc.dayNumber(j)
	if !ok {
		return dueExpr{}, i, false
	}
	x := dueExpr{kind: exDate, month: m.month, day: d}
	x.year, j = sc.year(j + 1)
	return x, j, true
}

// dayMonth reads "15 Dec", "15th of December", "4. Dezember", "4 de
// diciembre de 2027", "1er décembre".
func (sc *dueScanner) dayMonth(i int) (dueExpr, int, bool) {
	d, ok := sc.dayNumber(i)
	if !ok {
		return dueExpr{}, i, false
	}
	j := i + 1
	if sc.toks[i].kind == dtNum {
		j = sc.skip(j, '.') // "4. Dezember"
	}
	if e, k := dueTab.phrase(sc.toks, j, roOf); e != nil {
		j = k
	}
	m, j := dueTab.phrase(sc.toks, j, roMonth)
	if m == nil {
		return dueExpr{}, i, false
	}
	if j+1 < len(sc.toks) && sc.toks[j].is('.') && sc.isYear(j+1) {
		j++ // "4 Dez. 2027"
	}
	x := dueExpr{kind: exDate, month: m.month, day: d}
	x.year, j = sc.year(j)
	return x, j, true
}

// dayAlone reads a day of the month after a keyword: "by the 3rd", "bis
// zum 4.", "pour le 3". It must end a clause: "before the 3rd meeting" is
// no date.
func (sc *dueScanner) dayAlone(i int, lic dueLicense) (dueExpr, int, bool) {
	if !lic.strong() {
		return dueExpr{}, i, false
	}
	d, ok := sc.dayNumber(i)
	if !ok {
		return dueExpr{}, i, false
	}
	j := i + 1
	switch {
	case sc.toks[i].kind == dtOrd:
	case j < len(sc.toks) && sc.toks[j].is('.'):
		j++ // "zum 4."
	case lic.article, lic.all:
	default:
		return dueExpr{}, i, false
	}
	if j < len(sc.toks) && sc.toks[j].kind != dtPunct {
		return dueExpr{}, i, false
	}
	return dueExpr{kind: exDay, day: d}, j, true
}

// offset reads "in 2 weeks", "dans deux semaines", or "2 weeks" after a
// keyword that means "within".
func (sc *dueScanner) offset(i int, lic dueLicense) (dueExpr, int, bool) {
	j := i
	if e, k := dueTab.phrase(sc.toks, i, roWithin); e != nil {
		j = k
	} else if !lic.all && (lic.keyword == nil || lic.keyword.roles&roWithin == 0) {
		return dueExpr{}, i, false
	}
	if j >= len(sc.toks) {
		return dueExpr{}, i, false
	}
	x := dueExpr{kind: exOffset}
	switch t := &sc.toks[j]; {
	case t.kind == dtNum && t.ylen <= 3:
		x.n = t.n[0]
	default:
		e, _ := dueTab.phrase(sc.toks[:j+1], j, roNumber)
		if e == nil {
			return dueExpr{}, i, false
		}
		x.n = e.num
	}
	u, k := dueTab.phrase(sc.toks, j+1, roUnit)
	if u == nil {
		return dueExpr{}, i, false
	}
	x.unit = u.unit
	return x, k, true
}

// numeric checks a numeric date token against the license.
func (sc *dueScanner) numeric(i int, lic dueLicense) (dueExpr, int, bool) {
	t := &sc.toks[i]
	ok := false
	switch t.sep {
	case '-':
		ok = t.nparts == 3 && t.n[0] >= 1000 // ISO only: "9-5" is a range
	case '/':
		ok = t.nparts == 2 || t.ylen == 2 || t.ylen == 4
	case '.':
		switch {
		case t.nparts == 2:
			// "by 2.5" is a number; "bis 4.12." a date.
			ok = lic.all || lic.keyword != nil && lic.keyword.langs&dueDE != 0
		case t.ylen == 4:
			ok = true
		case t.ylen == 2:
			ok = lic.strong()
		}
	}
	if !ok {
		return dueExpr{}, i, false
	}
	return dueExpr{kind: exNumeric, num: *t}, i + 1, true
}

// dayNumber reads a day of a month at toks[i]: 1 to 31, as a number of
// one or two digits or an ordinal.
func (sc *dueScanner) dayNumber(i int) (int, bool) {
	if i >= len(sc.toks) {
		return 0, false
	}
	t := &sc.toks[i]
	ok := t.kind == dtOrd || t.kind == dtNum && t.ylen <= 2
	return t.n[0], ok && t.n[0] >= 1 && t.n[0] <= 31
}

func (sc *dueScanner) isYear(i int) bool {
	t := &sc.toks[i]
	return t.kind == dtNum && t.ylen == 4
}

// year reads an optional year after a day: "Dec 3, 2027", "4 de diciembre
// de 2027". It returns 0 and i if there is none.
func (sc *dueScanner) year(i int) (int, int) {
	j := sc.skip(i, ',')
	if e, k := dueTab.phrase(sc.toks, j, roOf); e != nil {
		j = k
	}
	if j < len(sc.toks) && sc.isYear(j) {
		return sc.toks[j].n[0], j + 1
	}
	return 0, i
}

// suffix moves past a time or a part of the day after a date: "3pm", "at
// 15:30", "um 12 Uhr", "morning", "por la tarde".
func (sc *dueScanner) suffix(i int) int {
	i = sc.part(i)
	i = sc.clock(i)
	return sc.part(i)
}

func (sc *dueScanner) part(i int) int {
	if e, j := dueTab.phrase(sc.toks, i, roPart); e != nil {
		return j
	}
	return i
}

func (sc *dueScanner) clock(i int) int {
	j := i
	if e, k := dueTab.phrase(sc.toks, i, roAt); e != nil {
		j = k
	}
	if j >= len(sc.toks) {
		return i
	}
	switch t := &sc.toks[j]; {
	case t.kind == dtTime:
		return j + 1
	case t.kind == dtNum && t.ylen <= 2 && t.n[0] <= 24:
		k := j + 1
		if k+1 < len(sc.toks) && sc.toks[k].is(':') && sc.toks[k+1].kind == dtNum && sc.toks[k+1].ylen == 2 {
			k += 2 // "15:30"
		}
		if e, l := dueTab.phrase(sc.toks, k, roClock); e != nil {
			return l // "3 pm", "12 Uhr"
		}
		if k > j+1 || j > i {
			return k // "15:30", "at 3"
		}
	}
	return i
}

// resolve turns the expression into a day, counting from today.
func (x dueExpr) resolve(c dueContext) (Date, bool) {
	today := c.today
	switch x.kind {
	case exAnchor:
		return x.anchor.from(today), true
	case exWeekday:
		if x.mod == modNext {
			return nextMonday(today).addDays((int(x.weekday) + 6) % 7), true
		}
		// Strictly after today: on a Tuesday, "by Tuesday" is next week's.
		return today.addDays(daysUntil(today.weekday(), x.weekday, false)), true
	case exDate:
		if x.year == 0 {
			return nextDate(today, x.month, x.day)
		}
		return exactDate(x.year, x.month, x.day)
	case exDay:
		return nextDay(today, x.day)
	case exNumeric:
		return x.numeric(c)
	case exOffset:
		switch x.unit {
		case unitDay:
			return today.addDays(x.n), true
		case unitWeek:
			return today.addDays(7 * x.n), true
		case unitMonth:
			return today.addMonths(x.n), true
		}
	}
	return Date{}, false
}

func (x dueExpr) numeric(c dueContext) (Date, bool) {
	t := &x.num
	a, b := t.n[0], t.n[1]
	if t.sep == '-' {
		return exactDate(a, time.Month(b), t.n[2])
	}
	day, mon := a, b // "4.12.", "15/12"
	if t.sep == '/' && a <= 12 && (b > 12 || c.order == MonthFirst) {
		day, mon = b, a // "12/15", or "12/11" month first
	}
	if t.nparts == 2 {
		return nextDate(c.today, time.Month(mon), day)
	}
	y := t.n[2]
	if t.ylen == 2 {
		y += 2000
	}
	return exactDate(y, time.Month(mon), day)
}

// from is the day the anchor names, counting from today.
func (a dueAnchor) from(today Date) Date {
	switch a {
	case anchorTomorrow:
		return today.addDays(1)
	case anchorDayAfter:
		return today.addDays(2)
	case anchorEndOfWeek:
		// This week's Friday, or the next one from a weekend.
		return today.addDays(daysUntil(today.weekday(), time.Friday, true))
	case anchorNextWeek:
		return nextMonday(today)
	case anchorEndOfNextWeek:
		return nextMonday(today).addDays(4)
	case anchorEndOfMonth:
		return lastDay(today.Year, today.Month)
	case anchorNextMonth:
		return lastDay(today.Year, today.Month).addDays(1)
	case anchorEndOfNextMonth:
		return lastDay(today.Year, today.Month+1)
	case anchorEndOfQuarter:
		return lastDay(today.Year, (today.Month+2)/3*3)
	case anchorEndOfYear:
		return Date{today.Year, time.December, 31}
	}
	return today
}

// nextMonday is the Monday after today: a week on from a Monday.
func nextMonday(today Date) Date {
	return today.addDays(daysUntil(today.weekday(), time.Monday, false))
}

// daysUntil counts the days from weekday from to the next weekday to; zero
// only if today counts (orToday) and is already to.
func daysUntil(from, to time.Weekday, orToday bool) int {
	n := (int(to) - int(from) + 7) % 7
	if n == 0 && !orToday {
		n = 7
	}
	return n
}
