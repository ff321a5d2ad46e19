package grammar

import (
	"fmt"
	"strings"
	"time"
)

// The words of due phrases, in English, German, French, Spanish, Italian,
// Dutch and Portuguese. Each list below is written as people spell it, with
// accents; the words are folded (lower case, accents dropped, as foldRune does)
// when the tables are built, and so is the reply's text, so "venerdi" and
// "venerdì", "Ate" and "até" are the same word. A phrase may be several
// words ("no later than", "fin du mois"); the longest one wins.
//
// A word may play several parts ("due" is an English keyword and the
// Italian two, "de" a Dutch article and the Spanish "of"); buildDueTable
// merges them and panics if two lists give one part different values, so a
// slip in the tables fails every test at once.

// dueLang is a set of the languages of the tables.
type dueLang uint8

const (
	dueEN dueLang = 1 << iota
	dueDE
	dueFR
	dueES
	dueIT
	dueNL
	duePT
)

// dueRole is a set of the parts a phrase plays in a due phrase.
type dueRole uint32

const (
	roDue        dueRole = 1 << iota // a due keyword: "by", "bis", "d'ici"; licenses any date after it
	roWithin                         // starts "in 2 weeks": "in", "dans", "tra"; on a keyword, "2 weeks" may follow it directly
	roArticle                        // an article or a light preposition before a date: "the", "on", "am", "le", "na"
	roAnchor                         // a day by itself: "tomorrow", "end of month", "nächste Woche"
	roAnywhere                       // an anchor that counts anywhere in the text: "EOW", "EOM"
	roWeekday                        // a weekday name
	roAbbr                           // a weekday abbreviation: only after a keyword of its language, or bare
	roWordlike                       // an abbreviation that is also a word ("sun", "sat", "wed"): only after a keyword
	roMonth                          // a month name or abbreviation
	roNumber                         // a small number as a word: "two", "zwei", "deux"
	roUnit                           // days, weeks or months: "weeks", "Wochen", "semaines"
	roPre                            // before a weekday: "next", "this", "nächsten", "próxima"
	roPost                           // after a weekday: "prochain", "que vem", "next week"
	roOf                             // between a day and a month or a year: "of", "de"
	roBlock                          // before a bare date, makes it no due date: "since", "from", "last"
	roAt                             // before a time: "at", "um", "om"
	roClock                          // after an hour: "pm", "Uhr", "h"
	roPart                           // a part of a day after a date: "morning", "Abend", "soir"
	roMorning                        // a word for "tomorrow" that also means "morning": "mañana", "morgen"
	roMorningCue                     // before such a word, it means "morning": "la", "am", "esta"
)

// dueAnchor is a day named by a phrase rather than by a date.
type dueAnchor uint8

const (
	anchorNone dueAnchor = iota
	anchorToday
	anchorTomorrow
	anchorDayAfter
	anchorEndOfWeek     // this week's Friday, or the coming one from a weekend
	anchorNextWeek      // the Monday after today
	anchorEndOfNextWeek // the Friday after that Monday
	anchorEndOfMonth
	anchorNextMonth // the first of next month
	anchorEndOfNextMonth
	anchorEndOfQuarter
	anchorEndOfYear
)

// dueUnit is the unit of "in 2 weeks".
type dueUnit uint8

const (
	unitNone dueUnit = iota
	unitDay
	unitWeek
	unitMonth
)

// dueModifier is what "next" or "this" does to a weekday.
type dueModifier uint8

const (
	modNone dueModifier = iota
	modThis             // "this Friday": the same as "Friday"
	modNext             // "next Friday": Friday of next week
)

// dueWordList is one line of the tables: phrases separated by "|", each
// playing role with value val (an anchor, a weekday, a month, a number, a
// unit or a modifier, as the role says).
type dueWordList struct {
	lang  dueLang
	role  dueRole
	val   int
	words string
}

// dueEntry is what one phrase means, merged over all the lists that name it.
type dueEntry struct {
	roles   dueRole
	langs   dueLang // the languages of its keyword or abbreviation parts
	anchor  dueAnchor
	weekday int // time.Weekday plus one; 0 if none
	month   time.Month
	num     int
	unit    dueUnit
	mod     dueModifier
}

// dueMaxPhrase is the most words a phrase of the tables has.
const dueMaxPhrase = 6

type duePhraseKey [dueMaxPhrase]uint16

// dueTable is the vocabulary (each folded word and its number) and the
// phrases (each a sequence of word numbers) of the tables. It is built once
// at start-up and never changed.
type dueTable struct {
	vocab   map[string]uint16
	phrases map[duePhraseKey]int // index into entries
	entries []dueEntry
}

var dueTab = buildDueTable(dueWordLists)

func buildDueTable(lists []dueWordList) *dueTable {
	w := &dueTable{vocab: map[string]uint16{}, phrases: map[duePhraseKey]int{}}
	for _, l := range lists {
		for p := range strings.SplitSeq(l.words, "|") {
			var key duePhraseKey
			fields := strings.Fields(p)
			if len(fields) == 0 || len(fields) > dueMaxPhrase {
				panic(fmt.Sprintf("due words: bad phrase %q", p))
			}
			for i, f := range fields {
				f = dueFold(f)
				id, ok := w.vocab[f]
				if !ok {
					id = uint16(len(w.vocab) + 1)
					w.vocab[f] = id
				}
				key[i] = id
			}
			n, ok := w.phrases[key]
			if !ok {
				n = len(w.entries)
				w.entries = append(w.entries, dueEntry{})
				w.phrases[key] = n
			}
			if err := w.entries[n].add(l); err != nil {
				panic(fmt.Sprintf("due words: %q: %v", p, err))
			}
		}
	}
	return w
}

// add merges one list's part into e.
func (e *dueEntry) add(l dueWordList) error {
	set := func(field *int, v int, what string) error {
		if *field != 0 && *field != v {
			return fmt.Errorf("two %ss: %d and %d", what, *field, v)
		}
		*field = v
		return nil
	}
	var err error
	switch {
	case l.role&roAnchor != 0:
		a := int(e.anchor)
		err = set(&a, l.val, "anchor")
		e.anchor = dueAnchor(a)
	case l.role&roWeekday != 0:
		// Stored plus one, so that Sunday is not "none".
		err = set(&e.weekday, l.val+1, "weekday")
	case l.role&roMonth != 0:
		m := int(e.month)
		err = set(&m, l.val, "month")
		e.month = time.Month(m)
	case l.role&roNumber != 0:
		err = set(&e.num, l.val, "number")
	case l.role&roUnit != 0:
		u := int(e.unit)
		err = set(&u, l.val, "unit")
		e.unit = dueUnit(u)
	case l.role&(roPre|roPost) != 0:
		m := int(e.mod)
		err = set(&m, l.val, "modifier")
		e.mod = dueModifier(m)
	}
	e.roles |= l.role
	e.langs |= l.lang
	return err
}

// phrase returns the entry of the longest phrase of the tables that starts
// at toks[i] and plays one of the roles in want, and the index after it.
func (w *dueTable) phrase(toks []dueToken, i int, want dueRole) (*dueEntry, int) {
	var key duePhraseKey
	n := 0
	for n < dueMaxPhrase && i+n < len(toks) && toks[i+n].id != 0 {
		key[n] = toks[i+n].id
		n++
	}
	for ; n > 0; n-- {
		for k := n; k < dueMaxPhrase; k++ {
			key[k] = 0
		}
		if k, ok := w.phrases[key]; ok && w.entries[k].roles&want != 0 {
			return &w.entries[k], i + n
		}
	}
	return nil, i
}

// Short names for the roles of the lists below.
const (
	wDue     = roDue
	wDueIn   = roDue | roWithin
	wArticle = roArticle
	wAnchor  = roAnchor
	wAlways  = roAnchor | roAnywhere
	wWeekday = roWeekday
	wAbbr    = roWeekday | roAbbr
	wWordish = roWeekday | roAbbr | roWordlike
	wMonth   = roMonth
)

var dueWordLists = []dueWordList{
	// English.
	{dueEN, wDue, 0, "by|due|due by|due on|due date|until|till|til|before|no later than|not later than|latest by|at the latest by|deadline|on or before"},
	{dueEN, wDueIn, 0, "within"},
	{dueEN, roWithin, 0, "in"},
	{dueEN, wArticle, 0, "the|on"},
	{dueEN, wAnchor, int(anchorToday), "today|tonight|end of day|end of the day|end of today|close of business"},
	{dueEN, wAlways, int(anchorToday), "eod|cob"},
	{dueEN, wAnchor, int(anchorTomorrow), "tomorrow|tmrw|tmr|tmw|tomorow|tommorow|tommorrow"},
	{dueEN, wAnchor, int(anchorDayAfter), "day after tomorrow"},
	{dueEN, wAnchor, int(anchorEndOfWeek), "end of week|end of the week|end of this week"},
	{dueEN, wAlways, int(anchorEndOfWeek), "eow"},
	{dueEN, wAnchor, int(anchorNextWeek), "next week|coming week"},
	{dueEN, wAnchor, int(anchorEndOfNextWeek), "end of next week|end of the next week"},
	{dueEN, wAnchor, int(anchorEndOfMonth), "end of month|end of the month|end of this month|month end|month-end"},
	{dueEN, wAlways, int(anchorEndOfMonth), "eom"},
	{dueEN, wAnchor, int(anchorNextMonth), "next month"},
	{dueEN, wAnchor, int(anchorEndOfNextMonth), "end of next month|end of the next month"},
	{dueEN, wAnchor, int(anchorEndOfQuarter), "end of quarter|end of the quarter|end of this quarter|quarter end|quarter-end"},
	{dueEN, wAlways, int(anchorEndOfQuarter), "eoq"},
	{dueEN, wAnchor, int(anchorEndOfYear), "end of year|end of the year|end of this year|year end|year-end"},
	{dueEN, wAlways, int(anchorEndOfYear), "eoy"},
	{dueEN, wWeekday, int(time.Monday), "monday"},
	{dueEN, wWeekday, int(time.Tuesday), "tuesday"},
	{dueEN, wWeekday, int(time.Wednesday), "wednesday"},
	{dueEN, wWeekday, int(time.Thursday), "thursday"},
	{dueEN, wWeekday, int(time.Friday), "friday"},
	{dueEN, wWeekday, int(time.Saturday), "saturday"},
	{dueEN, wWeekday, int(time.Sunday), "sunday"},
	{dueEN, wAbbr, int(time.Monday), "mon"},
	{dueEN, wAbbr, int(time.Tuesday), "tue|tues"},
	{dueEN, wAbbr, int(time.Wednesday), "weds"},
	{dueEN, wWordish, int(time.Wednesday), "wed"},
	{dueEN, wAbbr, int(time.Thursday), "thu|thur|thurs"},
	{dueEN, wAbbr, int(time.Friday), "fri"},
	{dueEN, wWordish, int(time.Saturday), "sat"},
	{dueEN, wWordish, int(time.Sunday), "sun"},
	{dueEN, roPre, int(modNext), "next"},
	{dueEN, roPre, int(modThis), "this|coming|this coming"},
	{dueEN, roPost, int(modNext), "next week"},
	{dueEN, roPost, int(modThis), "this week"},
	{dueEN, wMonth, 1, "january|jan"},
	{dueEN, wMonth, 2, "february|feb"},
	{dueEN, wMonth, 3, "march|mar"},
	{dueEN, wMonth, 4, "april|apr"},
	{dueEN, wMonth, 5, "may"},
	{dueEN, wMonth, 6, "june|jun"},
	{dueEN, wMonth, 7, "july|jul"},
	{dueEN, wMonth, 8, "august|aug"},
	{dueEN, wMonth, 9, "september|sep|sept"},
	{dueEN, wMonth, 10, "october|oct"},
	{dueEN, wMonth, 11, "november|nov"},
	{dueEN, wMonth, 12, "december|dec"},
	{dueEN, roNumber, 1, "a|an|one"},
	{dueEN, roNumber, 2, "two"},
	{dueEN, roNumber, 3, "three"},
	{dueEN, roNumber, 4, "four"},
	{dueEN, roNumber, 5, "five"},
	{dueEN, roNumber, 6, "six"},
	{dueEN, roUnit, int(unitDay), "day|days"},
	{dueEN, roUnit, int(unitWeek), "week|weeks|wk|wks"},
	{dueEN, roUnit, int(unitMonth), "month|months"},
	{dueEN, roOf, 0, "of"},
	{dueEN, roBlock, 0, "of|from|since|after|last|past|previous"},
	{dueEN, roAt, 0, "at"},
	{dueEN, roClock, 0, "am|pm|h"},
	{dueEN, roPart, 0, "morning|afternoon|evening|night|noon|midday|eod|cob|end of day|close of business"},

	// German.
	{dueDE, wDue, 0, "bis|bis zum|bis zur|bis spätestens|bis spaetestens|spätestens|spaetestens|spätestens bis|fällig|faellig|vor|frist|deadline"},
	{dueDE, wDueIn, 0, "innerhalb|innerhalb von|binnen"},
	{dueDE, roWithin, 0, "in"},
	{dueDE, wArticle, 0, "am|zum|zur|dem|den|der|die"},
	{dueDE, wAnchor, int(anchorToday), "heute|heute abend"},
	{dueDE, wAnchor, int(anchorTomorrow), "morgen"},
	{dueDE, roMorning, 0, "morgen"},
	{dueDE, roMorningCue, 0, "am|den|der|jeden|guten|heute"},
	{dueDE, wAnchor, int(anchorDayAfter), "übermorgen|uebermorgen"},
	{dueDE, wAnchor, int(anchorEndOfWeek), "ende der woche|ende dieser woche|ende woche"},
	{dueDE, wAnchor, int(anchorNextWeek), "nächste woche|nächster woche|nächsten woche|naechste woche|kommende woche|kommender woche"},
	{dueDE, wAnchor, int(anchorEndOfNextWeek), "ende nächster woche|ende der nächsten woche|ende naechster woche|ende kommender woche|ende der kommenden woche"},
	{dueDE, wAnchor, int(anchorEndOfMonth), "ende des monats|ende dieses monats|ende monat|monatsende"},
	{dueDE, wAnchor, int(anchorNextMonth), "nächsten monat|nächster monat|naechsten monat|kommenden monat"},
	{dueDE, wAnchor, int(anchorEndOfNextMonth), "ende nächsten monats|ende des nächsten monats|ende kommenden monats"},
	{dueDE, wAnchor, int(anchorEndOfQuarter), "quartalsende|ende des quartals|ende dieses quartals"},
	{dueDE, wAnchor, int(anchorEndOfYear), "jahresende|ende des jahres|ende dieses jahres"},
	{dueDE, wWeekday, int(time.Monday), "montag"},
	{dueDE, wWeekday, int(time.Tuesday), "dienstag"},
	{dueDE, wWeekday, int(time.Wednesday), "mittwoch"},
	{dueDE, wWeekday, int(time.Thursday), "donnerstag"},
	{dueDE, wWeekday, int(time.Friday), "freitag"},
	{dueDE, wWeekday, int(time.Saturday), "samstag|sonnabend"},
	{dueDE, wWeekday, int(time.Sunday), "sonntag"},
	{dueDE, roPre, int(modNext), "nächste|nächsten|nächster|naechste|naechsten|naechster"},
	{dueDE, roPre, int(modThis), "diese|diesen|dieser|kommende|kommenden|kommender"},
	{dueDE, roPost, int(modNext), "nächste woche|nächster woche|nächsten woche|naechste woche|kommende woche|kommender woche"},
	{dueDE, roPost, int(modThis), "diese woche|dieser woche"},
	{dueDE, wMonth, 1, "januar|jänner|jan"},
	{dueDE, wMonth, 2, "februar|feber|feb"},
	{dueDE, wMonth, 3, "märz|maerz|mär"},
	{dueDE, wMonth, 4, "april|apr"},
	{dueDE, wMonth, 5, "mai"},
	{dueDE, wMonth, 6, "juni|jun"},
	{dueDE, wMonth, 7, "juli|jul"},
	{dueDE, wMonth, 8, "august|aug"},
	{dueDE, wMonth, 9, "september|sep|sept"},
	{dueDE, wMonth, 10, "oktober|okt"},
	{dueDE, wMonth, 11, "november|nov"},
	{dueDE, wMonth, 12, "dezember|dez"},
	{dueDE, roNumber, 1, "ein|eine|einer|einem|einen"},
	{dueDE, roNumber, 2, "zwei"},
	{dueDE, roNumber, 3, "drei"},
	{dueDE, roNumber, 4, "vier"},
	{dueDE, roNumber, 5, "fünf"},
	{dueDE, roNumber, 6, "sechs"},
	{dueDE, roUnit, int(unitDay), "tag|tage|tagen"},
	{dueDE, roUnit, int(unitWeek), "woche|wochen"},
	{dueDE, roUnit, int(unitMonth), "monat|monate|monaten"},
	{dueDE, roBlock, 0, "vom|von|seit|nach|letzten|letzte|letzter|vergangenen|vergangene"},
	{dueDE, roAt, 0, "um"},
	{dueDE, roClock, 0, "uhr"},
	{dueDE, roPart, 0, "früh|frueh|vormittag|nachmittag|abend|mittag"},

	// French.
	{dueFR, wDue, 0, "avant|pour|au plus tard|jusqu'à|jusqu'au|échéance|date limite"},
	{dueFR, wDueIn, 0, "d'ici|d'ici à|sous"},
	{dueFR, roWithin, 0, "dans"},
	{dueFR, wArticle, 0, "le|la|au"},
	{dueFR, wAnchor, int(anchorToday), "aujourd'hui|ce soir"},
	{dueFR, wAnchor, int(anchorTomorrow), "demain"},
	{dueFR, wAnchor, int(anchorDayAfter), "après-demain|apres demain"},
	{dueFR, wAnchor, int(anchorEndOfWeek), "fin de la semaine|fin de cette semaine"},
	{dueFR, wAnchor, int(anchorNextWeek), "semaine prochaine|prochaine semaine"},
	{dueFR, wAnchor, int(anchorEndOfNextWeek), "fin de la semaine prochaine"},
	{dueFR, wAnchor, int(anchorEndOfMonth), "fin du mois|fin de mois|fin de ce mois"},
	{dueFR, wAnchor, int(anchorNextMonth), "mois prochain"},
	{dueFR, wAnchor, int(anchorEndOfNextMonth), "fin du mois prochain"},
	{dueFR, wAnchor, int(anchorEndOfQuarter), "fin du trimestre"},
	{dueFR, wAnchor, int(anchorEndOfYear), "fin de l'année|fin d'année|fin de l'annee"},
	{dueFR, wWeekday, int(time.Monday), "lundi"},
	{dueFR, wWeekday, int(time.Tuesday), "mardi"},
	{dueFR, wWeekday, int(time.Wednesday), "mercredi"},
	{dueFR, wWeekday, int(time.Thursday), "jeudi"},
	{dueFR, wWeekday, int(time.Friday), "vendredi"},
	{dueFR, wWeekday, int(time.Saturday), "samedi"},
	{dueFR, wWeekday, int(time.Sunday), "dimanche"},
	{dueFR, roPre, int(modThis), "ce"},
	{dueFR, roPost, int(modNext), "prochain|prochaine|de la semaine prochaine"},
	{dueFR, roPost, int(modThis), "de cette semaine"},
	{dueFR, wMonth, 1, "janvier|janv"},
	{dueFR, wMonth, 2, "février|févr|fevr"},
	{dueFR, wMonth, 3, "mars"},
	{dueFR, wMonth, 4, "avril|avr"},
	{dueFR, wMonth, 5, "mai"},
	{dueFR, wMonth, 6, "juin"},
	{dueFR, wMonth, 7, "juillet|juil"},
	{dueFR, wMonth, 8, "août"},
	{dueFR, wMonth, 9, "septembre|sept"},
	{dueFR, wMonth, 10, "octobre|oct"},
	{dueFR, wMonth, 11, "novembre|nov"},
	{dueFR, wMonth, 12, "décembre|déc"},
	{dueFR, roNumber, 1, "un|une"},
	{dueFR, roNumber, 2, "deux"},
	{dueFR, roNumber, 3, "trois"},
	{dueFR, roNumber, 4, "quatre"},
	{dueFR, roNumber, 5, "cinq"},
	{dueFR, roNumber, 6, "six"},
	{dueFR, roUnit, int(unitDay), "jour|jours"},
	{dueFR, roUnit, int(unitWeek), "semaine|semaines"},
	{dueFR, roUnit, int(unitMonth), "mois"},
	{dueFR, roBlock, 0, "du|depuis|après|dernier|dernière"},
	{dueFR, roAt, 0, "à"},
	{dueFR, roPart, 0, "matin|après-midi|soir|midi"},

	// Spanish.
	{dueES, wDue, 0, "para|antes de|antes del|hasta|a más tardar|como muy tarde|como máximo|fecha límite|vence"},
	{dueES, wDueIn, 0, "dentro de"},
	{dueES, roWithin, 0, "en"},
	{dueES, wArticle, 0, "el|la"},
	{dueES, wAnchor, int(anchorToday), "hoy|esta noche"},
	{dueES, wAnchor, int(anchorTomorrow), "mañana"},
	{dueES, roMorning, 0, "mañana"},
	{dueES, roMorningCue, 0, "la|esta|cada|por"},
	{dueES, wAnchor, int(anchorDayAfter), "pasado mañana"},
	{dueES, wAnchor, int(anchorEndOfWeek), "final de la semana|finales de la semana|fin de esta semana|final de esta semana"},
	{dueES, wAnchor, int(anchorNextWeek), "próxima semana|semana próxima|semana que viene"},
	{dueES, wAnchor, int(anchorEndOfNextWeek), "final de la próxima semana|finales de la próxima semana|fin de la próxima semana|final de la semana que viene|finales de la semana que viene"},
	{dueES, wAnchor, int(anchorEndOfMonth), "fin de mes|final de mes|finales de mes|fin del mes|final del mes|finales del mes|fin de este mes|final de este mes"},
	{dueES, wAnchor, int(anchorNextMonth), "próximo mes|mes próximo|mes que viene"},
	{dueES, wAnchor, int(anchorEndOfNextMonth), "fin del próximo mes|final del próximo mes|finales del próximo mes|fin del mes que viene|finales del mes que viene"},
	{dueES, wAnchor, int(anchorEndOfQuarter), "fin del trimestre|final del trimestre"},
	{dueES, wAnchor, int(anchorEndOfYear), "fin de año|final de año|finales de año|fin del año|final del año|finales del año"},
	{dueES, wWeekday, int(time.Monday), "lunes"},
	{dueES, wWeekday, int(time.Tuesday), "martes"},
	{dueES, wWeekday, int(time.Wednesday), "miércoles"},
	{dueES, wWeekday, int(time.Thursday), "jueves"},
	{dueES, wWeekday, int(time.Friday), "viernes"},
	{dueES, wWeekday, int(time.Saturday), "sábado"},
	{dueES, wWeekday, int(time.Sunday), "domingo"},
	{dueES, roPre, int(modNext), "próximo|próxima"},
	{dueES, roPre, int(modThis), "este|esta"},
	{dueES, roPost, int(modNext), "próximo|que viene|de la semana que viene|de la próxima semana|de la semana próxima"},
	{dueES, roPost, int(modThis), "de esta semana"},
	{dueES, wMonth, 1, "enero|ene"},
	{dueES, wMonth, 2, "febrero|feb"},
	{dueES, wMonth, 3, "marzo|mar"},
	{dueES, wMonth, 4, "abril|abr"},
	{dueES, wMonth, 5, "mayo|may"},
	{dueES, wMonth, 6, "junio|jun"},
	{dueES, wMonth, 7, "julio|jul"},
	{dueES, wMonth, 8, "agosto"},
	{dueES, wMonth, 9, "septiembre|setiembre|sept|sep"},
	{dueES, wMonth, 10, "octubre|oct"},
	{dueES, wMonth, 11, "noviembre|nov"},
	{dueES, wMonth, 12, "diciembre|dic"},
	{dueES, roNumber, 1, "un|una|uno"},
	{dueES, roNumber, 2, "dos"},
	{dueES, roNumber, 3, "tres"},
	{dueES, roNumber, 4, "cuatro"},
	{dueES, roNumber, 5, "cinco"},
	{dueES, roNumber, 6, "seis"},
	{dueES, roUnit, int(unitDay), "día|días"},
	{dueES, roUnit, int(unitWeek), "semana|semanas"},
	{dueES, roUnit, int(unitMonth), "mes|meses"},
	{dueES, roOf, 0, "de|del"},
	{dueES, roBlock, 0, "desde|después|pasado|último|última|del"},
	{dueES, roAt, 0, "a las"},
	{dueES, roPart, 0, "por la mañana|por la tarde|por la noche|a mediodía"},

	// Italian.
	{dueIT, wDue, 0, "per|prima di|prima del|non oltre|entro e non oltre|scadenza"},
	{dueIT, wDueIn, 0, "entro"},
	{dueIT, roWithin, 0, "tra|fra"},
	{dueIT, wArticle, 0, "il|la|lo"},
	{dueIT, wAnchor, int(anchorToday), "oggi|stasera"},
	{dueIT, wAnchor, int(anchorTomorrow), "domani"},
	{dueIT, wAnchor, int(anchorDayAfter), "dopodomani"},
	{dueIT, wAnchor, int(anchorEndOfWeek), "fine della settimana|fine di questa settimana"},
	{dueIT, wAnchor, int(anchorNextWeek), "prossima settimana|settimana prossima"},
	{dueIT, wAnchor, int(anchorEndOfNextWeek), "fine della prossima settimana|fine della settimana prossima"},
	{dueIT, wAnchor, int(anchorEndOfMonth), "fine mese|fine del mese|fine di questo mese"},
	{dueIT, wAnchor, int(anchorNextMonth), "prossimo mese|mese prossimo"},
	{dueIT, wAnchor, int(anchorEndOfNextMonth), "fine del prossimo mese|fine del mese prossimo"},
	{dueIT, wAnchor, int(anchorEndOfQuarter), "fine trimestre|fine del trimestre"},
	{dueIT, wAnchor, int(anchorEndOfYear), "fine anno|fine dell'anno"},
	{dueIT, wWeekday, int(time.Monday), "lunedì"},
	{dueIT, wWeekday, int(time.Tuesday), "martedì"},
	{dueIT, wWeekday, int(time.Wednesday), "mercoledì"},
	{dueIT, wWeekday, int(time.Thursday), "giovedì"},
	{dueIT, wWeekday, int(time.Friday), "venerdì"},
	{dueIT, wWeekday, int(time.Saturday), "sabato"},
	{dueIT, wWeekday, int(time.Sunday), "domenica"},
	{dueIT, roPre, int(modNext), "prossimo|prossima"},
	{dueIT, roPre, int(modThis), "questo|questa"},
	{dueIT, roPost, int(modNext), "prossimo|della prossima settimana|della settimana prossima"},
	{dueIT, roPost, int(modThis), "di questa settimana"},
	{dueIT, wMonth, 1, "gennaio|gen"},
	{dueIT, wMonth, 2, "febbraio|feb"},
	{dueIT, wMonth, 3, "marzo|mar"},
	{dueIT, wMonth, 4, "aprile|apr"},
	{dueIT, wMonth, 5, "maggio|mag"},
	{dueIT, wMonth, 6, "giugno|giu"},
	{dueIT, wMonth, 7, "luglio|lug"},
	{dueIT, wMonth, 8, "agosto"},
	{dueIT, wMonth, 9, "settembre|sett"},
	{dueIT, wMonth, 10, "ottobre|ott"},
	{dueIT, wMonth, 11, "novembre|nov"},
	{dueIT, wMonth, 12, "dicembre|dic"},
	{dueIT, roNumber, 1, "un|una|uno"},
	{dueIT, roNumber, 2, "due"},
	{dueIT, roNumber, 3, "tre"},
	{dueIT, roNumber, 4, "quattro"},
	{dueIT, roNumber, 5, "cinque"},
	{dueIT, roNumber, 6, "sei"},
	{dueIT, roUnit, int(unitDay), "giorno|giorni"},
	{dueIT, roUnit, int(unitWeek), "settimana|settimane"},
	{dueIT, roUnit, int(unitMonth), "mese|mesi"},
	{dueIT, roBlock, 0, "dal|dalla|dopo|scorso|scorsa|da"},
	{dueIT, roAt, 0, "alle"},
	{dueIT, roPart, 0, "mattina|mattino|pomeriggio|sera"},

	// Dutch.
	{dueNL, wDue, 0, "voor|vóór|uiterlijk|uiterlijk op|tot|ten laatste|niet later dan|deadline"},
	{dueNL, wDueIn, 0, "binnen"},
	{dueNL, roWithin, 0, "over"},
	{dueNL, wArticle, 0, "op|de"},
	{dueNL, wAnchor, int(anchorToday), "vandaag|vanavond"},
	{dueNL, wAnchor, int(anchorTomorrow), "morgen"},
	{dueNL, wAnchor, int(anchorDayAfter), "overmorgen"},
	{dueNL, wAnchor, int(anchorEndOfWeek), "einde van de week|eind van de week|eind deze week|einde van deze week|eind van deze week"},
	{dueNL, wAnchor, int(anchorNextWeek), "volgende week|komende week"},
	{dueNL, wAnchor, int(anchorEndOfNextWeek), "eind volgende week|einde volgende week|eind van volgende week|einde van volgende week|eind van de volgende week|einde van de volgende week"},
	{dueNL, wAnchor, int(anchorEndOfMonth), "einde van de maand|eind van de maand|eind deze maand|einde van deze maand|eind van deze maand|einde maand|eind maand"},
	{dueNL, wAnchor, int(anchorNextMonth), "volgende maand|komende maand"},
	{dueNL, wAnchor, int(anchorEndOfNextMonth), "eind volgende maand|einde volgende maand|eind van volgende maand|einde van volgende maand|eind van de volgende maand"},
	{dueNL, wAnchor, int(anchorEndOfQuarter), "einde van het kwartaal|eind van het kwartaal|einde kwartaal|eind kwartaal"},
	{dueNL, wAnchor, int(anchorEndOfYear), "einde van het jaar|eind van het jaar|eind dit jaar|einde van dit jaar|eind van dit jaar"},
	{dueNL, wWeekday, int(time.Monday), "maandag"},
	{dueNL, wWeekday, int(time.Tuesday), "dinsdag"},
	{dueNL, wWeekday, int(time.Wednesday), "woensdag"},
	{dueNL, wWeekday, int(time.Thursday), "donderdag"},
	{dueNL, wWeekday, int(time.Friday), "vrijdag"},
	{dueNL, wWeekday, int(time.Saturday), "zaterdag"},
	{dueNL, wWeekday, int(time.Sunday), "zondag"},
	{dueNL, roPre, int(modNext), "volgende"},
	{dueNL, roPre, int(modThis), "deze|komende|aanstaande"},
	{dueNL, roPost, int(modNext), "volgende week"},
	{dueNL, roPost, int(modThis), "deze week"},
	{dueNL, wMonth, 1, "januari|jan"},
	{dueNL, wMonth, 2, "februari|feb"},
	{dueNL, wMonth, 3, "maart|mrt"},
	{dueNL, wMonth, 4, "april|apr"},
	{dueNL, wMonth, 5, "mei"},
	{dueNL, wMonth, 6, "juni|jun"},
	{dueNL, wMonth, 7, "juli|jul"},
	{dueNL, wMonth, 8, "augustus|aug"},
	{dueNL, wMonth, 9, "september|sep|sept"},
	{dueNL, wMonth, 10, "oktober|okt"},
	{dueNL, wMonth, 11, "november|nov"},
	{dueNL, wMonth, 12, "december|dec"},
	{dueNL, roNumber, 1, "een|één"},
	{dueNL, roNumber, 2, "twee"},
	{dueNL, roNumber, 3, "drie"},
	{dueNL, roNumber, 4, "vier"},
	{dueNL, roNumber, 5, "vijf"},
	{dueNL, roNumber, 6, "zes"},
	{dueNL, roUnit, int(unitDay), "dag|dagen"},
	{dueNL, roUnit, int(unitWeek), "week|weken"},
	{dueNL, roUnit, int(unitMonth), "maand|maanden"},
	{dueNL, roBlock, 0, "van|sinds|vanaf|afgelopen|vorige"},
	{dueNL, roAt, 0, "om"},
	{dueNL, roPart, 0, "ochtend|middag|avond"},

	// Portuguese.
	{duePT, wDue, 0, "até|antes de|antes da|antes do|para|prazo|o mais tardar"},
	{duePT, wDueIn, 0, "dentro de"},
	{duePT, roWithin, 0, "em|daqui a"},
	{duePT, wArticle, 0, "a|o|à|ao|na|no|dia"},
	{duePT, wAnchor, int(anchorToday), "hoje"},
	{duePT, wAnchor, int(anchorTomorrow), "amanhã"},
	{duePT, wAnchor, int(anchorDayAfter), "depois de amanhã"},
	{duePT, wAnchor, int(anchorEndOfWeek), "final da semana|fim da semana|final desta semana|fim desta semana"},
	{duePT, wAnchor, int(anchorNextWeek), "próxima semana|semana que vem"},
	{duePT, wAnchor, int(anchorEndOfNextWeek), "final da próxima semana|fim da próxima semana|final da semana que vem|fim da semana que vem"},
	{duePT, wAnchor, int(anchorEndOfMonth), "fim do mês|final do mês|fim deste mês|final deste mês"},
	{duePT, wAnchor, int(anchorNextMonth), "próximo mês|mês que vem"},
	{duePT, wAnchor, int(anchorEndOfNextMonth), "fim do próximo mês|final do próximo mês|fim do mês que vem|final do mês que vem"},
	{duePT, wAnchor, int(anchorEndOfQuarter), "fim do trimestre|final do trimestre"},
	{duePT, wAnchor, int(anchorEndOfYear), "fim do ano|final do ano|fim deste ano|final deste ano"},
	{duePT, wWeekday, int(time.Monday), "segunda|segunda-feira"},
	{duePT, wWeekday, int(time.Tuesday), "terça|terça-feira"},
	{duePT, wWeekday, int(time.Wednesday), "quarta|quarta-feira"},
	{duePT, wWeekday, int(time.Thursday), "quinta|quinta-feira"},
	{duePT, wWeekday, int(time.Friday), "sexta|sexta-feira"},
	{duePT, wWeekday, int(time.Saturday), "sábado"},
	{duePT, wWeekday, int(time.Sunday), "domingo"},
	{duePT, roPre, int(modNext), "próxima|próximo"},
	{duePT, roPre, int(modThis), "esta|este|nesta|neste"},
	{duePT, roPost, int(modNext), "que vem|da próxima semana|da semana que vem"},
	{duePT, roPost, int(modThis), "desta semana"},
	{duePT, wMonth, 1, "janeiro|jan"},
	{duePT, wMonth, 2, "fevereiro|fev"},
	{duePT, wMonth, 3, "março|mar"},
	{duePT, wMonth, 4, "abril|abr"},
	{duePT, wMonth, 5, "maio|mai"},
	{duePT, wMonth, 6, "junho|jun"},
	{duePT, wMonth, 7, "julho|jul"},
	{duePT, wMonth, 8, "agosto"},
	{duePT, wMonth, 9, "setembro"},
	{duePT, wMonth, 10, "outubro"},
	{duePT, wMonth, 11, "novembro|nov"},
	{duePT, wMonth, 12, "dezembro|dez"},
	{duePT, roNumber, 1, "um|uma"},
	{duePT, roNumber, 2, "dois|duas"},
	{duePT, roNumber, 3, "três"},
	{duePT, roNumber, 4, "quatro"},
	{duePT, roNumber, 5, "cinco"},
	{duePT, roNumber, 6, "seis"},
	{duePT, roUnit, int(unitDay), "dia|dias"},
	{duePT, roUnit, int(unitWeek), "semana|semanas"},
	{duePT, roUnit, int(unitMonth), "mês|meses"},
	{duePT, roOf, 0, "de"},
	{duePT, roBlock, 0, "desde|após|depois|passado|passada|último|última|do|da"},
	{duePT, roAt, 0, "às"},
	{duePT, roPart, 0, "de manhã|à tarde|à noite"},
}
