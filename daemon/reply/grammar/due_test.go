package grammar

import (
	"strings"
	"testing"
	"time"
	"unicode/utf8"
)

// Days the tests count from.
var (
	tue24Nov   = Date{2026, time.November, 24} // a Tuesday
	mon28Dec   = Date{2026, time.December, 28} // a Monday, near a new year
	thu31Dec   = Date{2026, time.December, 31}
	fri27Nov   = Date{2026, time.November, 27}
	sat28Nov   = Date{2026, time.November, 28}
	sun29Nov   = Date{2026, time.November, 29}
	mon30Nov   = Date{2026, time.November, 30}
	sun31Jan   = Date{2027, time.January, 31}
	mon31Jan28 = Date{2028, time.January, 31} // 2028 is a leap year
	thu10Feb28 = Date{2028, time.February, 10}
	sat1Apr28  = Date{2028, time.April, 1}
)

type dueCase struct {
	name  string
	today Date      // zero: tue24Nov
	order DateOrder // zero: DayFirst
	in    string
	text  string // the text without the phrase
	due   *Date  // nil: no due date, and text must be in unchanged
}

// dueCases are read by cutDue, each from today (Tuesday 24 November 2026
// unless it says otherwise).
var dueCases = []dueCase{
	// English weekdays.
	{name: "weekday", in: "send deck by Friday", text: "send deck", due: day(2026, 11, 27)},
	{name: "weekday short", in: "send deck by Fri", text: "send deck", due: day(2026, 11, 27)},
	{name: "weekday full stop", in: "send deck by friday.", text: "send deck.", due: day(2026, 11, 27)},
	{name: "weekday tomorrow", in: "send deck by Wednesday", text: "send deck", due: day(2026, 11, 25)},
	{name: "same weekday is next week", in: "send deck by Tuesday", text: "send deck", due: day(2026, 12, 1)},
	{name: "same weekday short", in: "send deck by tue", text: "send deck", due: day(2026, 12, 1)},
	{name: "monday", in: "send deck by Mon", text: "send deck", due: day(2026, 11, 30)},
	{name: "thurs", in: "send deck by Thurs", text: "send deck", due: day(2026, 11, 26)},
	{name: "sunday", in: "send deck by Sunday", text: "send deck", due: day(2026, 11, 29)},
	{name: "by next Tue", in: "send the budget by next Tue", text: "send the budget", due: day(2026, 12, 1)},
	{name: "next Friday is next week's", in: "send the budget by next Friday", text: "send the budget", due: day(2026, 12, 4)},
	{name: "this Friday", in: "send the budget by this Friday", text: "send the budget", due: day(2026, 11, 27)},
	{name: "Friday next week", in: "send the budget Friday next week", text: "send the budget", due: day(2026, 12, 4)},
	{name: "next Monday from a Sunday", today: sun29Nov, in: "send it by next Monday", text: "send it", due: day(2026, 11, 30)},
	{name: "next Tuesday from a Monday", today: mon30Nov, in: "send it by next Tuesday", text: "send it", due: day(2026, 12, 8)},
	{name: "bare weekday at the end", in: "send deck Friday", text: "send deck", due: day(2026, 11, 27)},
	{name: "on a weekday at the end", in: "I'll call Dana on Friday", text: "I'll call Dana", due: day(2026, 11, 27)},
	{name: "weekday abbreviation that is a word, bare", in: "enjoy the sun", text: "enjoy the sun"},
	{name: "weekday abbreviation that is a word, with by", in: "send it by Sat", text: "send it", due: day(2026, 11, 28)},

	// English words for days.
	{name: "tomorrow", in: "send deck by tomorrow", text: "send deck", due: day(2026, 11, 25)},
	{name: "bare tomorrow", in: "call Jordan tomorrow", text: "call Jordan", due: day(2026, 11, 25)},
	{name: "tmrw", in: "call Jordan tmrw", text: "call Jordan", due: day(2026, 11, 25)},
	{name: "today", in: "send deck by today", text: "send deck", due: day(2026, 11, 24)},
	{name: "bare today", in: "send deck today", text: "send deck", due: day(2026, 11, 24)},
	{name: "day after tomorrow", in: "send deck by the day after tomorrow", text: "send deck", due: day(2026, 11, 26)},
	{name: "EOD anywhere", in: "ping Dana EOD about the budget", text: "ping Dana about the budget", due: day(2026, 11, 24)},
	{name: "end of week", in: "send deck by end of week", text: "send deck", due: day(2026, 11, 27)},
	{name: "end of the week", in: "send deck by the end of the week", text: "send deck", due: day(2026, 11, 27)},
	{name: "EOW", in: "send deck by EOW", text: "send deck", due: day(2026, 11, 27)},
	{name: "bare EOW", in: "send deck EOW", text: "send deck", due: day(2026, 11, 27)},
	{name: "EOW mid-sentence", in: "send deck EOW to Jordan", text: "send deck to Jordan", due: day(2026, 11, 27)},
	{name: "end of month", in: "send deck by end of month", text: "send deck", due: day(2026, 11, 30)},
	{name: "by end of month", in: "send the report by end of month", text: "send the report", due: day(2026, 11, 30)},
	{name: "end of the month", in: "send deck by end of the month", text: "send deck", due: day(2026, 11, 30)},
	{name: "EOM", in: "send deck EOM", text: "send deck", due: day(2026, 11, 30)},
	{name: "by EOM", in: "send deck by eom", text: "send deck", due: day(2026, 11, 30)},
	{name: "next week", in: "send deck by next week", text: "send deck", due: day(2026, 11, 30)},
	{name: "end of next week", in: "send deck by end of next week", text: "send deck", due: day(2026, 12, 4)},
	{name: "bare end of next week", in: "send deck end of next week", text: "send deck", due: day(2026, 12, 4)},
	{name: "next month", in: "renew the licence next month", text: "renew the licence", due: day(2026, 12, 1)},
	{name: "end of next month", in: "renew the licence by end of next month", text: "renew the licence", due: day(2026, 12, 31)},
	{name: "EOQ", in: "close the hiring plan EOQ", text: "close the hiring plan", due: day(2026, 12, 31)},
	{name: "end of year", in: "finish the migration by end of year", text: "finish the migration", due: day(2026, 12, 31)},
	{name: "in 2 weeks", in: "review the pilot in 2 weeks", text: "review the pilot", due: day(2026, 12, 8)},
	{name: "in three days", in: "review the pilot in three days", text: "review the pilot", due: day(2026, 11, 27)},
	{name: "within a month", in: "hire a designer within a month", text: "hire a designer", due: day(2026, 12, 24)},
	{name: "within 10 days", in: "hire a designer within 10 days", text: "hire a designer", due: day(2026, 12, 4)},

	// English and numeric dates.
	{name: "Dec 15", in: "send deck Dec 15", text: "send deck", due: day(2026, 12, 15)},
	{name: "by Dec 15", in: "send deck by Dec 15", text: "send deck", due: day(2026, 12, 15)},
	{name: "15 Dec", in: "send deck 15 Dec", text: "send deck", due: day(2026, 12, 15)},
	{name: "month dot day", in: "send deck by Dec. 3rd", text: "send deck", due: day(2026, 12, 3)},
	{name: "full month day", in: "send deck by December 3", text: "send deck", due: day(2026, 12, 3)},
	{name: "day full month", in: "send deck by 3 December", text: "send deck", due: day(2026, 12, 3)},
	{name: "ordinal of month", in: "send deck by the 3rd of December", text: "send deck", due: day(2026, 12, 3)},
	{name: "month day year", in: "send deck by Dec 3, 2027", text: "send deck", due: day(2027, 12, 3)},
	{name: "day month year", in: "send deck by 3 Dec 2027", text: "send deck", due: day(2027, 12, 3)},
	{name: "by the 3rd", in: "send the invoice by the 3rd", text: "send the invoice", due: day(2026, 12, 3)},
	{name: "by the 3rd before a comma", in: "send the invoice by the 3rd, then chase", text: "send the invoice, then chase", due: day(2026, 12, 3)},
	{name: "the 24th is today", in: "send the invoice by the 24th", text: "send the invoice", due: day(2026, 11, 24)},
	{name: "15/12 is day first", in: "send deck 15/12", text: "send deck", due: day(2026, 12, 15)},
	{name: "15/12 is day first even month first", order: MonthFirst, in: "send deck by 15/12", text: "send deck", due: day(2026, 12, 15)},
	{name: "12/15 is month first even day first", in: "send deck by 12/15", text: "send deck", due: day(2026, 12, 15)},
	{name: "12/11 day first rolls to next year", in: "send deck by 12/11", text: "send deck", due: day(2027, 11, 12)},
	{name: "12/11 month first", order: MonthFirst, in: "send deck by 12/11", text: "send deck", due: day(2026, 12, 11)},
	{name: "slash year day first", in: "send deck by 12/3/27", text: "send deck", due: day(2027, 3, 12)},
	{name: "slash year month first", order: MonthFirst, in: "send deck by 12/3/27", text: "send deck", due: day(2027, 12, 3)},
	{name: "iso", in: "send deck 2026-12-15", text: "send deck", due: day(2026, 12, 15)},
	{name: "due iso", in: "send deck due 2026-12-03", text: "send deck", due: day(2026, 12, 3)},
	{name: "due parens", order: MonthFirst, in: "send deck (due 12/3)", text: "send deck", due: day(2026, 12, 3)},
	{name: "by parens", in: "send deck (by Fri) to Jordan", text: "send deck to Jordan", due: day(2026, 11, 27)},
	{name: "bare parens", in: "send deck (Fri) to Jordan", text: "send deck to Jordan", due: day(2026, 11, 27)},
	{name: "due colon", in: "send deck due: Dec 3", text: "send deck", due: day(2026, 12, 3)},
	{name: "due by", in: "send deck, due by Friday", text: "send deck", due: day(2026, 11, 27)},
	{name: "until", in: "hold the offer until Friday", text: "hold the offer", due: day(2026, 11, 27)},
	{name: "before", in: "book the room before Dec 1", text: "book the room", due: day(2026, 12, 1)},
	{name: "no later than", in: "book the room no later than Thursday", text: "book the room", due: day(2026, 11, 26)},
	{name: "upper case", in: "send deck BY FRIDAY", text: "send deck", due: day(2026, 11, 27)},
	{name: "mid-sentence", in: "send deck by Friday to Jordan", text: "send deck to Jordan", due: day(2026, 11, 27)},
	{name: "before a comma", in: "send deck by Friday, then review", text: "send deck, then review", due: day(2026, 11, 27)},
	{name: "between commas", in: "send deck, by Friday, to Jordan", text: "send deck, to Jordan", due: day(2026, 11, 27)},
	{name: "after a dash", in: "send deck – by Friday", text: "send deck", due: day(2026, 11, 27)},
	{name: "at the start before a colon", in: "Friday: send deck", text: "send deck", due: day(2026, 11, 27)},
	{name: "keyword at the start", in: "by Friday, send deck", text: "send deck", due: day(2026, 11, 27)},
	{name: "keyword at the start before a dash", in: "by Friday – send deck", text: "send deck", due: day(2026, 11, 27)},
	{name: "owner without a task keeps its colon", in: "Jordan: by Friday", text: "Jordan:", due: day(2026, 11, 27)},
	{name: "with a time", in: "send deck by Friday 3pm", text: "send deck", due: day(2026, 11, 27)},
	{name: "with at and a time", in: "send deck by Friday at 15:30 to Jordan", text: "send deck to Jordan", due: day(2026, 11, 27)},
	{name: "with a part of the day", in: "call Dana tomorrow morning", text: "call Dana", due: day(2026, 11, 25)},
	{name: "first phrase wins", in: "send deck by Friday by Monday", text: "send deck by Monday", due: day(2026, 11, 27)},
	{name: "today's date", in: "send deck by Nov 24", text: "send deck", due: day(2026, 11, 24)},
	{name: "past date is next year", in: "send deck by Nov 23", text: "send deck", due: day(2027, 11, 23)},
	{name: "29 February finds a leap year", in: "send deck by Feb 29", text: "send deck", due: day(2028, 2, 29)},

	// German.
	{name: "bis Freitag", in: "Budget schicken bis Freitag", text: "Budget schicken", due: day(2026, 11, 27)},
	{name: "bis 4.12.", in: "Budget schicken bis 4.12.", text: "Budget schicken", due: day(2026, 12, 4)},
	{name: "bis 4.12 mid-sentence", in: "bis 4.12 das Budget schicken", text: "das Budget schicken", due: day(2026, 12, 4)},
	{name: "bis zum 4. Dezember", in: "Budget schicken bis zum 4. Dezember", text: "Budget schicken", due: day(2026, 12, 4)},
	{name: "bis zum 4.", in: "Budget schicken bis zum 4.", text: "Budget schicken", due: day(2026, 12, 4)},
	{name: "dotted with year", in: "Budget schicken 4.12.2026", text: "Budget schicken", due: day(2026, 12, 4)},
	{name: "morgen", in: "Jordan anrufen morgen", text: "Jordan anrufen", due: day(2026, 11, 25)},
	{name: "bis morgen", in: "bis morgen Jordan anrufen", text: "Jordan anrufen", due: day(2026, 11, 25)},
	{name: "übermorgen", in: "Jordan anrufen übermorgen", text: "Jordan anrufen", due: day(2026, 11, 26)},
	{name: "nächste Woche", in: "Budget schicken nächste Woche", text: "Budget schicken", due: day(2026, 11, 30)},
	{name: "nächsten Freitag", in: "Budget schicken bis nächsten Freitag", text: "Budget schicken", due: day(2026, 12, 4)},
	{name: "am Freitag", in: "Budget schicken am Freitag", text: "Budget schicken", due: day(2026, 11, 27)},
	{name: "Monatsende", in: "Budget schicken bis Monatsende", text: "Budget schicken", due: day(2026, 11, 30)},
	{name: "in 2 Wochen", in: "Pilot prüfen in 2 Wochen", text: "Pilot prüfen", due: day(2026, 12, 8)},
	{name: "um 12 Uhr", in: "bis Freitag um 12 Uhr senden", text: "senden", due: day(2026, 11, 27)},
	{name: "am Morgen is the morning", in: "Jordan anrufen am Morgen", text: "Jordan anrufen am Morgen"},
	{name: "seit is no due date", in: "Notizen seit Freitag lesen", text: "Notizen seit Freitag lesen"},

	// French.
	{name: "d'ici vendredi", in: "envoyer le budget d'ici vendredi", text: "envoyer le budget", due: day(2026, 11, 27)},
	{name: "d’ici with a curly apostrophe", in: "envoyer le budget d’ici vendredi", text: "envoyer le budget", due: day(2026, 11, 27)},
	{name: "avant vendredi", in: "envoyer le budget avant vendredi", text: "envoyer le budget", due: day(2026, 11, 27)},
	{name: "pour le 4 décembre", in: "envoyer le budget pour le 4 décembre", text: "envoyer le budget", due: day(2026, 12, 4)},
	{name: "decembre without accent", in: "envoyer le budget pour le 4 decembre", text: "envoyer le budget", due: day(2026, 12, 4)},
	{name: "1er décembre", in: "envoyer le budget le 1er décembre", text: "envoyer le budget", due: day(2026, 12, 1)},
	{name: "demain", in: "appeler Jordan demain", text: "appeler Jordan", due: day(2026, 11, 25)},
	{name: "demain matin", in: "appeler Jordan demain matin", text: "appeler Jordan", due: day(2026, 11, 25)},
	{name: "la semaine prochaine", in: "envoyer le budget la semaine prochaine", text: "envoyer le budget", due: day(2026, 11, 30)},
	{name: "vendredi prochain", in: "envoyer le budget vendredi prochain", text: "envoyer le budget", due: day(2026, 12, 4)},
	{name: "fin du mois", in: "envoyer le budget d'ici la fin du mois", text: "envoyer le budget", due: day(2026, 11, 30)},
	{name: "dans 2 semaines", in: "revoir le pilote dans 2 semaines", text: "revoir le pilote", due: day(2026, 12, 8)},
	{name: "d'ici 3 jours", in: "revoir le pilote d'ici 3 jours", text: "revoir le pilote", due: day(2026, 11, 27)},
	{name: "pour mon chef is no Monday", in: "préparer le cadeau pour mon chef", text: "préparer le cadeau pour mon chef"},
	{name: "depuis is no due date", in: "relire les notes depuis vendredi", text: "relire les notes depuis vendredi"},

	// Spanish.
	{name: "para el viernes", in: "enviar el presupuesto para el viernes", text: "enviar el presupuesto", due: day(2026, 11, 27)},
	{name: "antes del viernes", in: "enviar el presupuesto antes del viernes", text: "enviar el presupuesto", due: day(2026, 11, 27)},
	{name: "el 4 de diciembre", in: "enviar el presupuesto el 4 de diciembre", text: "enviar el presupuesto", due: day(2026, 12, 4)},
	{name: "4 de diciembre de 2027", in: "enviar el presupuesto antes del 4 de diciembre de 2027", text: "enviar el presupuesto", due: day(2027, 12, 4)},
	{name: "mañana", in: "llamar a Jordan mañana", text: "llamar a Jordan", due: day(2026, 11, 25)},
	{name: "manana without tilde", in: "llamar a Jordan manana", text: "llamar a Jordan", due: day(2026, 11, 25)},
	{name: "pasado mañana", in: "llamar a Jordan pasado mañana", text: "llamar a Jordan", due: day(2026, 11, 26)},
	{name: "la próxima semana", in: "enviar el presupuesto la próxima semana", text: "enviar el presupuesto", due: day(2026, 11, 30)},
	{name: "el próximo viernes", in: "enviar el presupuesto el próximo viernes", text: "enviar el presupuesto", due: day(2026, 12, 4)},
	{name: "fin de mes", in: "enviar el presupuesto para fin de mes", text: "enviar el presupuesto", due: day(2026, 11, 30)},
	{name: "en dos semanas", in: "revisar el piloto en dos semanas", text: "revisar el piloto", due: day(2026, 12, 8)},
	{name: "por la mañana is the morning", in: "llamar a Jordan por la mañana", text: "llamar a Jordan por la mañana"},
	{name: "fin de semana is no due date", in: "revisar el piloto el fin de semana", text: "revisar el piloto el fin de semana"},

	// Italian.
	{name: "entro venerdì", in: "inviare il budget entro venerdì", text: "inviare il budget", due: day(2026, 11, 27)},
	{name: "per venerdì", in: "inviare il budget per venerdì", text: "inviare il budget", due: day(2026, 11, 27)},
	{name: "venerdi without accent", in: "inviare il budget entro venerdi", text: "inviare il budget", due: day(2026, 11, 27)},
	{name: "domani", in: "chiamare Jordan domani", text: "chiamare Jordan", due: day(2026, 11, 25)},
	{name: "la prossima settimana", in: "inviare il budget la prossima settimana", text: "inviare il budget", due: day(2026, 11, 30)},
	{name: "entro il 4 dicembre", in: "inviare il budget entro il 4 dicembre", text: "inviare il budget", due: day(2026, 12, 4)},
	{name: "tra due settimane", in: "rivedere il pilota tra due settimane", text: "rivedere il pilota", due: day(2026, 12, 8)},
	{name: "entro due settimane", in: "rivedere il pilota entro due settimane", text: "rivedere il pilota", due: day(2026, 12, 8)},
	{name: "fine mese", in: "inviare il budget entro fine mese", text: "inviare il budget", due: day(2026, 11, 30)},
	{name: "per 2 settimane is a length", in: "provare il pilota per 2 settimane", text: "provare il pilota per 2 settimane"},

	// Dutch.
	{name: "voor vrijdag", in: "budget sturen voor vrijdag", text: "budget sturen", due: day(2026, 11, 27)},
	{name: "uiterlijk vrijdag", in: "budget sturen uiterlijk vrijdag", text: "budget sturen", due: day(2026, 11, 27)},
	{name: "morgen in Dutch", in: "Jordan bellen morgen", text: "Jordan bellen", due: day(2026, 11, 25)},
	{name: "volgende week", in: "budget sturen volgende week", text: "budget sturen", due: day(2026, 11, 30)},
	{name: "op 4 december", in: "budget sturen op 4 december", text: "budget sturen", due: day(2026, 12, 4)},
	{name: "over 2 weken", in: "pilot bekijken over 2 weken", text: "pilot bekijken", due: day(2026, 12, 8)},
	{name: "eind van de maand", in: "budget sturen voor eind van de maand", text: "budget sturen", due: day(2026, 11, 30)},
	{name: "voor de klant is no date", in: "offerte maken voor de klant", text: "offerte maken voor de klant"},

	// Portuguese.
	{name: "até sexta", in: "enviar o orçamento até sexta", text: "enviar o orçamento", due: day(2026, 11, 27)},
	{name: "até sexta-feira", in: "enviar o orçamento até sexta-feira", text: "enviar o orçamento", due: day(2026, 11, 27)},
	{name: "ate without accent", in: "enviar o orçamento ate sexta", text: "enviar o orçamento", due: day(2026, 11, 27)},
	{name: "amanhã", in: "ligar para o Jordan amanhã", text: "ligar para o Jordan", due: day(2026, 11, 25)},
	{name: "na próxima semana", in: "enviar o orçamento na próxima semana", text: "enviar o orçamento", due: day(2026, 11, 30)},
	{name: "sexta que vem", in: "enviar o orçamento sexta que vem", text: "enviar o orçamento", due: day(2026, 12, 4)},
	{name: "até o dia 4 de dezembro", in: "enviar o orçamento até o dia 4 de dezembro", text: "enviar o orçamento", due: day(2026, 12, 4)},
	{name: "em 3 dias", in: "rever o piloto em 3 dias", text: "rever o piloto", due: day(2026, 11, 27)},
	{name: "fim do mês", in: "enviar o orçamento até o fim do mês", text: "enviar o orçamento", due: day(2026, 11, 30)},
	{name: "desde is no due date", in: "ler as notas desde sexta", text: "ler as notas desde sexta"},

	// Around month and year ends.
	{name: "year boundary month day", today: mon28Dec, in: "send deck by Jan 5", text: "send deck", due: day(2027, 1, 5)},
	{name: "year boundary slash month first", today: mon28Dec, order: MonthFirst, in: "send deck by 1/5", text: "send deck", due: day(2027, 1, 5)},
	{name: "year boundary slash day first", today: mon28Dec, in: "send deck by 1/5", text: "send deck", due: day(2027, 5, 1)},
	{name: "year boundary weekday", today: mon28Dec, in: "send deck by Friday", text: "send deck", due: day(2027, 1, 1)},
	{name: "year boundary next week", today: mon28Dec, in: "send deck by next week", text: "send deck", due: day(2027, 1, 4)},
	{name: "year boundary end of month", today: mon28Dec, in: "send deck by EOM", text: "send deck", due: day(2026, 12, 31)},
	{name: "year boundary end of week", today: mon28Dec, in: "send deck by EOW", text: "send deck", due: day(2027, 1, 1)},
	{name: "year boundary in 2 weeks", today: mon28Dec, in: "send deck in 2 weeks", text: "send deck", due: day(2027, 1, 11)},
	{name: "year boundary the 3rd", today: mon28Dec, in: "send deck by the 3rd", text: "send deck", due: day(2027, 1, 3)},
	{name: "year boundary next month", today: mon28Dec, in: "send deck next month", text: "send deck", due: day(2027, 1, 1)},
	{name: "year boundary end of next month", today: mon28Dec, in: "send deck by end of next month", text: "send deck", due: day(2027, 1, 31)},
	{name: "year boundary tomorrow", today: thu31Dec, in: "send deck tomorrow", text: "send deck", due: day(2027, 1, 1)},
	{name: "year boundary morgen", today: thu31Dec, in: "Budget schicken bis morgen", text: "Budget schicken", due: day(2027, 1, 1)},
	{name: "year boundary dotted", today: thu31Dec, in: "Budget schicken bis 4.1.", text: "Budget schicken", due: day(2027, 1, 4)},
	{name: "in a month from 31 January", today: sun31Jan, in: "renew it in a month", text: "renew it", due: day(2027, 2, 28)},
	{name: "in a month from 31 January, leap year", today: mon31Jan28, in: "renew it in a month", text: "renew it", due: day(2028, 2, 29)},
	{name: "end of February", today: thu10Feb28, in: "send deck by end of month", text: "send deck", due: day(2028, 2, 29)},
	{name: "end of quarter in February", today: thu10Feb28, in: "send deck by end of quarter", text: "send deck", due: day(2028, 3, 31)},
	{name: "the 30th after February", today: thu10Feb28, in: "send deck by the 30th", text: "send deck", due: day(2028, 3, 30)},
	{name: "the 31st skips April", today: sat1Apr28, in: "send deck by the 31st", text: "send deck", due: day(2028, 5, 31)},
	{name: "end of week on a Friday", today: fri27Nov, in: "send deck by EOW", text: "send deck", due: day(2026, 11, 27)},
	{name: "end of week on a Saturday", today: sat28Nov, in: "send deck by EOW", text: "send deck", due: day(2026, 12, 4)},
	{name: "next week on a Monday", today: mon30Nov, in: "send deck by next week", text: "send deck", due: day(2026, 12, 7)},
	{name: "end of next week on a Saturday", today: sat28Nov, in: "send deck by end of next week", text: "send deck", due: day(2026, 12, 4)},

	// No due date.
	{name: "no such day", in: "send deck by 2/30", text: "send deck by 2/30"},
	{name: "no such month", in: "send deck by 13/13", text: "send deck by 13/13"},
	{name: "no such iso day", in: "send deck due 2026-02-29", text: "send deck due 2026-02-29"},
	{name: "no 29 February in 2027", in: "send deck by Feb 29, 2027", text: "send deck by Feb 29, 2027"},
	{name: "no date after by", in: "send deck by courier", text: "send deck by courier"},
	{name: "word starting with a weekday", in: "grow revenue by monitoring churn", text: "grow revenue by monitoring churn"},
	{name: "next weekend", in: "sort it by next weekend", text: "sort it by next weekend"},
	{name: "overdue is not due", in: "chase the overdue 12/3 invoice", text: "chase the overdue 12/3 invoice"},
	{name: "by a number", in: "cut costs by 3 percent", text: "cut costs by 3 percent"},
	{name: "by a decimal", in: "grow revenue by 2.5.", text: "grow revenue by 2.5."},
	{name: "a time", in: "meet at 3 pm", text: "meet at 3 pm"},
	{name: "a version", in: "upgrade to version 2.4", text: "upgrade to version 2.4"},
	{name: "a three-part version", in: "upgrade to 1.2.3", text: "upgrade to 1.2.3"},
	{name: "an address", in: "ping 10.0.0.1", text: "ping 10.0.0.1"},
	{name: "a quarter", in: "draft the Q3 plan", text: "draft the Q3 plan"},
	{name: "top 10", in: "list the top 10", text: "list the top 10"},
	{name: "a date inside a sentence", in: "12/11 was a good day", text: "12/11 was a good day"},
	{name: "a month day inside a sentence", in: "ship the Dec 15 build to QA", text: "ship the Dec 15 build to QA"},
	{name: "a date after from", in: "send the notes from Dec 15", text: "send the notes from Dec 15"},
	{name: "last Friday", in: "review what we shipped last Friday", text: "review what we shipped last Friday"},
	{name: "a day of the month alone, bare", in: "send the 3rd", text: "send the 3rd"},
	{name: "a day of the month before a noun", in: "send it before the 3rd meeting", text: "send it before the 3rd meeting"},
	{name: "a possessive weekday", in: "prep Friday's agenda", text: "prep Friday's agenda"},
	{name: "a weekday in a sentence", in: "prepare the Friday update for Dana", text: "prepare the Friday update for Dana"},
	{name: "a range", in: "staff the booth 9-5", text: "staff the booth 9-5"},
	{name: "weeks without in", in: "delay the launch by 2 weeks", text: "delay the launch by 2 weeks"},
	{name: "this week", in: "send deck this week", text: "send deck this week"},
	{name: "soon", in: "send deck soon", text: "send deck soon"},
	{name: "asap", in: "send deck asap", text: "send deck asap"},
	{name: "later", in: "send deck later", text: "send deck later"},
	{name: "sometime", in: "send deck sometime", text: "send deck sometime"},
	{name: "diese Woche", in: "Budget schicken diese Woche", text: "Budget schicken diese Woche"},
	{name: "bientôt", in: "envoyer le budget bientôt", text: "envoyer le budget bientôt"},
	{name: "esta semana", in: "enviar el presupuesto esta semana", text: "enviar el presupuesto esta semana"},
	{name: "presto", in: "inviare il budget presto", text: "inviare il budget presto"},
	{name: "binnenkort", in: "budget sturen binnenkort", text: "budget sturen binnenkort"},
	{name: "em breve", in: "enviar o orçamento em breve", text: "enviar o orçamento em breve"},
	{name: "empty", in: "", text: ""},
}

func TestCutDue(t *testing.T) {
	for _, tt := range dueCases {
		t.Run(tt.name, func(t *testing.T) {
			c := dueContext{today: tt.today, order: tt.order}
			if c.today == (Date{}) {
				c.today = tue24Nov
			}
			due, text := cutDue(tt.in, c)
			if text != tt.text || !sameDate(due, tt.due) {
				t.Errorf("cutDue(%q) from %v = %v, %q; want %v, %q", tt.in, c.today, showDate(due), text, showDate(tt.due), tt.text)
			}
		})
	}
}

// TestParseDue checks that Parse reads due phrases in action items, in any
// of the languages, and leaves them as text in other items.
func TestParseDue(t *testing.T) {
	text := "Decisions:\n- ship by Friday\n\nAction items:\n" +
		"- envoyer le budget d'ici vendredi\n" +
		"- Dana: Budget schicken bis 4.12.\n" +
		"- enviar o orçamento até sexta-feira\n" +
		"- 12/11 was a good day\n\n" +
		"Next time:\n- review by Dec 3"
	type item struct {
		kind Kind
		text string
		due  *Date
	}
	want := []item{
		{Decision, "ship by Friday", nil},
		{Action, "envoyer le budget", day(2026, 11, 27)},
		{Action, "Budget schicken", day(2026, 12, 4)},
		{Action, "enviar o orçamento", day(2026, 11, 27)},
		{Action, "12/11 was a good day", nil},
		{Topic, "review by Dec 3", nil},
	}
	got := Parse(text, opts(t))
	if len(got.Items) != len(want) {
		t.Fatalf("Parse(%q) =\n%s\nwant %d items", text, show(got), len(want))
	}
	for i, it := range got.Items {
		if w := want[i]; it.Kind != w.kind || it.Text != w.text || !sameDate(it.Due, w.due) {
			t.Errorf("Parse(%q) item %d = %s %q %s; want %s %q %s", text, i, it.Kind, it.Text, showDate(it.Due), w.kind, w.text, showDate(w.due))
		}
	}
}

func TestResolveDue(t *testing.T) {
	c := dueContext{today: tue24Nov}
	tests := []struct {
		phrase string
		order  DateOrder
		want   *Date
	}{
		{phrase: "Fri", want: day(2026, 11, 27)},
		{phrase: "by Friday", want: day(2026, 11, 27)},
		{phrase: "next Tue", want: day(2026, 12, 1)},
		{phrase: "tmrw", want: day(2026, 11, 25)},
		{phrase: "the 3rd", want: day(2026, 12, 3)},
		{phrase: "3", want: day(2026, 12, 3)},
		{phrase: "4.12.", want: day(2026, 12, 4)},
		{phrase: "4.12", want: day(2026, 12, 4)},
		{phrase: "12/11", want: day(2027, 11, 12)},
		{phrase: "12/11", order: MonthFirst, want: day(2026, 12, 11)},
		{phrase: "2 weeks", want: day(2026, 12, 8)},
		{phrase: "EOM.", want: day(2026, 11, 30)},
		{phrase: "sat", want: day(2026, 11, 28)},
		{phrase: "bis Freitag", want: day(2026, 11, 27)},
		{phrase: "d'ici vendredi", want: day(2026, 11, 27)},
		{phrase: "mañana", want: day(2026, 11, 25)},
		{phrase: "2026-12-15", want: day(2026, 12, 15)},
		{phrase: "2/30"},
		{phrase: "Fri and Mon"},
		{phrase: "soon"},
		{phrase: ""},
	}
	for _, tt := range tests {
		c.order = tt.order
		got, ok := resolveDue(tt.phrase, c)
		if ok != (tt.want != nil) || ok && got != *tt.want {
			t.Errorf("resolveDue(%q) = %v, %v; want %v", tt.phrase, got, ok, showDate(tt.want))
		}
	}
}

// TestDueWords checks that every phrase of the tables reads back as what
// it was listed as, so a typo in a list shows.
func TestDueWords(t *testing.T) {
	for _, l := range dueWordLists {
		for p := range strings.SplitSeq(l.words, "|") {
			toks := dueTokenize(p, nil)
			e, j := dueTab.phrase(toks, 0, l.role)
			if e == nil || j != len(toks) {
				t.Errorf("phrase %q (%b) reads as %d of %d tokens", p, l.role, j, len(toks))
			}
		}
	}
}

func sameDate(a, b *Date) bool {
	return a == nil && b == nil || a != nil && b != nil && *a == *b
}

func showDate(d *Date) string {
	if d == nil {
		return "no date"
	}
	return d.String()
}

// FuzzCutDue checks that cutDue never panics, sets only real days, and
// only ever removes text.
func FuzzCutDue(f *testing.F) {
	for _, tt := range dueCases {
		f.Add(tt.in, int64(0))
	}
	f.Add("bis 4.12.2026 (due 12/3) 10.0.0.1 9h30 3rd 1er 4º d’ici VENERDÌ ß \xff", int64(1795510800))
	f.Fuzz(func(t *testing.T, s string, days int64) {
		today := dateOf(time.Date(2026, 11, 24, 12, 0, 0, 0, time.UTC).AddDate(0, 0, int(days%40000)))
		due, text := cutDue(s, dueContext{today: today, order: DateOrder(days & 1)})
		if due == nil {
			if text != s {
				t.Fatalf("cutDue(%q) = no date, %q: text changed", s, text)
			}
			return
		}
		if !validDate(due.Year, due.Month, due.Day) {
			t.Fatalf("cutDue(%q) = %v: no real day", s, *due)
		}
		if len(text) >= len(s) {
			t.Fatalf("cutDue(%q) = %v, %q: nothing removed", s, *due, text)
		}
		if utf8.ValidString(s) && !utf8.ValidString(text) {
			t.Fatalf("cutDue(%q) = %q: not UTF-8", s, text)
		}
	})
}

// TestCutDueLinear feeds cutDue texts built to be slow for a careless
// reader and checks the time grows no faster than the input.
func TestCutDueLinear(t *testing.T) {
	if testing.Short() {
		t.Skip("slow")
	}
	blocks := []string{
		"by courier by hand due x until ",
		"in in in 2 2 de de la la ",
		"( ( by ( 12/ 4. 4.12 Dec Dec ",
		"fin de la fin de la semaine ",
		"ééééééééééééééééééééééééééééééééééééééééééééééé ",
	}
	c := dueContext{today: tue24Nov}
	for _, block := range blocks {
		measure := func(n int) time.Duration {
			s := strings.Repeat(block, n)
			best := time.Duration(1<<63 - 1)
			for range 5 {
				start := time.Now()
				cutDue(s, c)
				best = min(best, time.Since(start))
			}
			return best
		}
		measure(100)
		small, big := measure(250), measure(2000)
		if big > 30*small+50*time.Millisecond {
			t.Errorf("cutDue of 8× %q took %v, against %v: not linear", block, big, small)
		}
	}
}

// BenchmarkCutDue reads the due phrase of typical action items, in all
// seven languages, with and without one; ns/op is per item.
func BenchmarkCutDue(b *testing.B) {
	items := []string{
		"send the budget by next Tue",
		"Dana: intro me to Jordan by Friday.",
		"I'll send the deck (due 12/3)",
		"@jordan numbers EOW",
		"share the load-test numbers with the team and Priya",
		"Budget schicken bis zum 4. Dezember",
		"envoyer le budget d'ici vendredi",
		"enviar el presupuesto para el viernes",
		"inviare il budget entro venerdì",
		"budget sturen uiterlijk vrijdag",
		"enviar o orçamento até sexta-feira",
		"review the pilot in 2 weeks",
	}
	c := dueContext{today: tue24Nov}
	b.ReportAllocs()
	for b.Loop() {
		for _, s := range items {
			cutDue(s, c)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*len(items)), "ns/item")
}
