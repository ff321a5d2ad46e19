package grammar

// The phrases that sort a line written outside any heading, and the words
// they are made of, in English, German, French, Spanish, Italian, Dutch
// and Portuguese. Words are folded: lower case, without accents ("nächstes"
// is "nachstes" once compared), with contractions spelt out ("I'll" is "i
// will") and elisions split ("j'envoie" is "j' envoie"). phrase spells them
// as typed and folds them itself.

// rules are tried in order; the first that matches at the start of a
// sentence (after a filler such as "so" or "also") wins.
var rules = compileRules([]rule{
	// Talking points: "next time: …", "ask Dana about …".
	phrase(catTopic, "next_time|for_next_time|next_1:1|for_the_next_1:1|for_our_next_1:1|next_meeting|for_next_meeting|for_the_next_meeting"),
	phrase(catTopic, "nächstes_mal|nächste_mal|beim_nächsten_mal|fürs_nächste_mal|für_das_nächste_mal"),
	phrase(catTopic, "la_prochaine_fois|prochaine_fois|pour_la_prochaine_fois"),
	phrase(catTopic, "la_próxima_vez|próxima_vez|para_la_próxima|para_la_próxima_vez"),
	phrase(catTopic, "la_prossima_volta|prossima_volta|per_la_prossima_volta"),
	phrase(catTopic, "volgende_keer|de_volgende_keer|voor_de_volgende_keer"),
	phrase(catTopic, "na_próxima_vez|da_próxima_vez|para_a_próxima"),
	phrase(catTopic, "to_discuss:|to_raise:|topic:|agenda:|zu_besprechen:|thema:|à_aborder:|sujet:|tema:|argomento:|bespreekpunt:|pauta:"),
	phrase(catTopic, "+ask about|re"),
	phrase(catTopic, "+ask {any} about"),
	phrase(catTopic, "+preguntar|preguntarle por|sobre"),
	phrase(catTopic, "+preguntar|preguntarle a {any} por|sobre"),
	phrase(catTopic, "+perguntar sobre"),
	phrase(catTopic, "+perguntar a|à|ao {any} sobre"),
	phrase(catTopic, "+demander à {any} pour|sur"),
	phrase(catTopic, "+chiedere a {any} del|della|dei|sul|sulla"),

	// Decisions: "we agreed …", "decided: …", "going with option B".
	phrase(catDecision, "we agreed|decided|chose|picked|settled|concluded"),
	phrase(catDecision, "we have|had|all|both agreed|decided|chosen|picked|settled|concluded"),
	phrase(catDecision, "it was|is|has_been decided|agreed"),
	phrase(catDecision, "it's decided|agreed"),
	phrase(catDecision, "decided:|decision:|agreed:|final_decision:|outcome:"),
	phrase(catDecision, "decided|agreed to|that|on|upon"),
	phrase(catDecision, "+going|go with"),
	phrase(catDecision, "+we are|will go|going with"),
	phrase(catDecision, "+we go with"),
	phrase(catDecision, "+let's go with"),
	phrase(catDecision, "+{p} decided|approved"),
	phrase(catDecision, "wir haben entschieden|beschlossen|vereinbart|festgelegt|abgemacht"),
	phrase(catDecision, "wir haben uns entschieden|geeinigt|darauf_geeinigt"),
	phrase(catDecision, "es wurde|ist entschieden|beschlossen|vereinbart"),
	phrase(catDecision, "entschieden:|beschlossen:|entscheidung:|vereinbart:|beschluss:"),
	phrase(catDecision, "+wir nehmen|machen option|variante|plan"),
	phrase(catDecision, "on|nous a|avons décidé|convenu|choisi|validé|tranché"),
	phrase(catDecision, "on s' est mis d' accord"),
	phrase(catDecision, "c' est décidé|acté|validé"),
	phrase(catDecision, "il a été décidé|convenu"),
	phrase(catDecision, "décidé:|décision:"),
	phrase(catDecision, "+on part sur"),
	phrase(catDecision, "hemos decidido|acordado|elegido"),
	phrase(catDecision, "decidimos|acordamos|elegimos|combinamos|escolhemos"),
	phrase(catDecision, "nós decidimos|combinamos|acordamos"),
	phrase(catDecision, "se decidió|acordó"),
	phrase(catDecision, "decidido:|decisión:|acordado:"),
	phrase(catDecision, "+vamos con|com"),
	phrase(catDecision, "+nos quedamos con"),
	phrase(catDecision, "abbiamo deciso|concordato|scelto|stabilito"),
	phrase(catDecision, "si è deciso"),
	phrase(catDecision, "è stato deciso|concordato"),
	phrase(catDecision, "deciso:|decisione:"),
	phrase(catDecision, "+andiamo con"),
	phrase(catDecision, "we|wij hebben besloten|afgesproken|gekozen"),
	phrase(catDecision, "het is besloten"),
	phrase(catDecision, "besloten:|besluit:|afgesproken:"),
	phrase(catDecision, "+we gaan voor|met"),
	phrase(catDecision, "+we kiezen voor"),
	phrase(catDecision, "ficou decidido|combinado|acordado"),
	phrase(catDecision, "decisão:|combinado:"),

	// The user's own actions: "I'll …", "I need to …", "ask Dana to …".
	phrase(catMine, "{who} asked|wants me to"),
	phrase(catMine, "i will", "notWill"),
	phrase(catMine, "i need|have|got|promised|offered|volunteered to"),
	phrase(catMine, "i must|gotta"),
	phrase(catMine, "i am going|gonna to", "notTo"),
	phrase(catMine, "i am gonna"),
	phrase(catMine, "i will need|have to"),
	phrase(catMine, "i +owe"),
	phrase(catMine, "will", "notWill", "english"),
	phrase(catMine, "need|have to"),
	phrase(catMine, "me to"),
	phrase(catMine, "todo:|to_do:|action:|action_item:|ai:"),
	phrase(catMine, "+ask {any} to"),
	phrase(catMine, "+remind {any} to|about|of"),
	phrase(catMine, "+follow up with|on"),
	phrase(catMine, "+ping"),
	phrase(catMine, "ich werde", "verbFinal"),
	phrase(catMine, "ich muss|soll"),
	phrase(catMine, "ich kümmere mich um|darum"),
	phrase(catMine, "ich übernehme"),
	phrase(catMine, "ich +schicke|sende|schreibe|bereite|kläre|prüfe|melde|frage|buche|organisiere|plane|erstelle|besorge|teile|aktualisiere|lade|rufe|checke|schaue|recherchiere"),
	phrase(catMine, "je vais +{inf}"),
	phrase(catMine, "je dois +{inf}"),
	phrase(catMine, "je m' occupe de|du|des|d'"),
	phrase(catMine, "je me charge de|du|des|d'"),
	phrase(catMine, "j' +envoie|enverrai|écris|écrirai|organise|organiserai|appelle|appellerai"),
	phrase(catMine, "je +fais|ferai|prépare|préparerai|vérifie|vérifierai|relance|relancerai|réserve|réserverai|demande|demanderai|partage|partagerai|transmets|transmettrai|planifie|regarde|regarderai"),
	phrase(catMine, "+demander à {any} de|d'"),
	phrase(catMine, "voy a +{inf}"),
	phrase(catMine, "yo voy a +{inf}"),
	phrase(catMine, "tengo que"),
	phrase(catMine, "yo tengo que"),
	phrase(catMine, "me encargo de|del"),
	phrase(catMine, "yo me encargo de|del"),
	phrase(catMine, "+envío|mando|preparo|reviso|escribo|organizo|pregunto|reservo|comparto|enviaré|mandaré|prepararé|revisaré|haré|escribiré|organizaré|llamaré|preguntaré|reservaré|compartiré"),
	phrase(catMine, "yo +envío|mando|preparo|reviso|escribo|organizo|llamo|pregunto|reservo|comparto"),
	phrase(catMine, "+pedir|pedirle a {any} que"),
	phrase(catMine, "devo +{inf}"),
	phrase(catMine, "io devo +{inf}"),
	phrase(catMine, "mi occupo di|del|della|dei|delle"),
	phrase(catMine, "mi occupo io di|del|della|dei|delle"),
	phrase(catMine, "+invierò|manderò|preparerò|farò|scriverò|controllerò|organizzerò|chiamerò|chiederò|prenoterò|condividerò|sentirò"),
	phrase(catMine, "io +mando|preparo|scrivo|chiamo|chiedo|prenoto|invio|controllo|organizzo"),
	phrase(catMine, "+chiedere a {any} di"),
	phrase(catMine, "ik ga", "verbFinal"),
	phrase(catMine, "ik zal|moet"),
	phrase(catMine, "ik zorg voor|ervoor"),
	phrase(catMine, "ik +stuur|regel|plan|check|vraag|boek|schrijf|bel|deel|zoek|maak|bereid|pak|mail"),
	phrase(catMine, "+vragen aan {any} om|of"),
	phrase(catMine, "vou +{inf}"),
	phrase(catMine, "eu vou +{inf}"),
	phrase(catMine, "tenho que|de"),
	phrase(catMine, "eu tenho que|de"),
	phrase(catMine, "fico de|com"),
	phrase(catMine, "eu fico de|com"),
	phrase(catMine, "+enviarei|mandarei|prepararei|farei|revisarei|escreverei|organizarei|ligarei|perguntarei|marcarei"),
	phrase(catMine, "eu +envio|mando|preparo|reviso|escrevo|organizo|ligo|pergunto|marco|compartilho"),
	phrase(catMine, "+pedir a|à|ao|para {any} para|que"),

	// Feedback: "feedback: …", "she wants …", "Dana liked …".
	phrase(catFeedback, "feedback:|fb:|kudos:|praise:|rückmeldung:|lob:|kritik:|retour:|retours:|comentario:|comentarios:|commento:|commenti:|terugkoppeling:|comentário:|comentários:"),
	phrase(catFeedback, "+{who} wants|wanted|liked|loved|disliked|hated|prefers|preferred|appreciated|praised|thinks|thought|felt|suggested|expects|expected|enjoyed|valued"),
	phrase(catFeedback, "+{who} would|did|does like|prefer|love|want"),
	phrase(catFeedback, "+{who} did|does not like|love|want|enjoy|appreciate"),
	phrase(catFeedback, "+{who} was|is|seemed happy|pleased|impressed|unhappy|disappointed|concerned|worried|thrilled|glad|annoyed|frustrated|surprised"),
	phrase(catFeedback, "+{who} was|is|seemed not happy|pleased|impressed"),
	phrase(catFeedback, "+{who} will", "german"),
	phrase(catFeedback, "+{who} möchte|wollte|mochte|fand|findet|wünscht|bevorzugt|lobte|erwartet|hätte|schätzt|schätzte|vermisst"),
	phrase(catFeedback, "+{who} war|ist zufrieden|unzufrieden|begeistert|enttäuscht|glücklich|besorgt"),
	phrase(catFeedback, "+{who} veut|voulait|voudrait|aimerait|préfère|pense|trouve|attend|apprécie"),
	phrase(catFeedback, "+{who} a aimé|adoré|apprécié|trouvé|salué|félicité|détesté"),
	phrase(catFeedback, "+{who} n' a pas aimé|apprécié"),
	phrase(catFeedback, "+{who} était contente|content|ravie|ravi|déçue|déçu|satisfaite|satisfait|inquiète|inquiet"),
	phrase(catFeedback, "+{who} quiere|quería|querría|prefiere|piensa|cree|opina|espera|valoró|apreció|agradeció"),
	phrase(catFeedback, "+{who} estaba|está contenta|contento|satisfecha|satisfecho|preocupada|preocupado|molesta|molesto"),
	phrase(catFeedback, "+le|les gustó|encantó|gustaron|encantaron"),
	phrase(catFeedback, "+no le gustó|gustaron"),
	phrase(catFeedback, "+a {who} le|no gustó|encantó|gustaron|encantaron|le"),
	phrase(catFeedback, "+{who} vuole|voleva|vorrebbe|preferisce|pensa|apprezza|apprezzava"),
	phrase(catFeedback, "+{who} ha apprezzato|gradito|lodato"),
	phrase(catFeedback, "+{who} era contenta|contento|soddisfatta|soddisfatto|preoccupata|preoccupato"),
	phrase(catFeedback, "+a {who} è|non piaciuto|piaciuta|piaciuti|piaciute|è"),
	phrase(catFeedback, "+le|gli è piaciuto|piaciuta|piaciuti|piaciute"),
	phrase(catFeedback, "+non le|gli è piaciuto|piaciuta|piaciuti|piaciute"),
	phrase(catFeedback, "+{who} wil|wilde|vond|vindt|verwacht|waardeerde|prefereert|waardeert"),
	phrase(catFeedback, "+{who} zou graag"),
	phrase(catFeedback, "+{who} was blij|tevreden|ontevreden|enthousiast|teleurgesteld|bezorgd"),
	phrase(catFeedback, "+{who} was onder de indruk"),
	phrase(catFeedback, "+{who} quer|queria|gostaria|gostou|adorou|prefere|achou|acha|espera|elogiou"),
	phrase(catFeedback, "+{who} não gostou"),
	phrase(catFeedback, "+{who} ficou contente|contenta|feliz|satisfeita|satisfeito|preocupada|preocupado|chateada|chateado"),

	// Someone else's actions: "Dana will …", "Priya to …", "Jordan owns …".
	phrase(catTheirs, "{n} will", "notWill", "english"),
	phrase(catTheirs, "{n} is|are going|gonna to", "notTo"),
	phrase(catTheirs, "{n} is|are gonna"),
	phrase(catTheirs, "{p} to", "notTo"),
	phrase(catTheirs, "{p} owns"),
	phrase(catTheirs, "{p} needs|has|promised|offered|agreed|volunteered to"),
	phrase(catTheirs, "{p} takes care of"),
	phrase(catTheirs, "{p} is looking into"),
	phrase(catTheirs, "{n} wird", "verbFinal"),
	phrase(catTheirs, "{p} soll|muss", "verbFinal"),
	phrase(catTheirs, "{p} kümmert sich um|darum"),
	phrase(catTheirs, "{p} übernimmt"),
	phrase(catTheirs, "{n} +schickt|sendet|prüft|klärt|bucht|schreibt|erstellt|organisiert|bereitet|fragt|meldet|plant|teilt|besorgt|aktualisiert|ruft|checkt|recherchiert"),
	phrase(catTheirs, "{n} va +{inf}"),
	phrase(catTheirs, "{p} doit +{inf}"),
	phrase(catTheirs, "{p} s' occupe de|du|des|d'"),
	phrase(catTheirs, "{p} se charge de|du|des|d'"),
	phrase(catTheirs, "{n} +envoie|enverra|prépare|préparera|vérifie|vérifiera|relance|relancera|organise|organisera|réserve|réservera|écrit|écrira|fera|appelle|appellera|partage|partagera|transmet|transmettra|valide|validera|planifiera|regardera"),
	phrase(catTheirs, "{n} va a +{inf}"),
	phrase(catTheirs, "{p} tiene que"),
	phrase(catTheirs, "{p} se encarga de|del"),
	phrase(catTheirs, "{n} +envía|enviará|manda|mandará|prepara|preparará|revisa|revisará|organiza|organizará|hará|escribe|escribirá|llama|llamará|comparte|compartirá|reserva|reservará|aprueba|aprobará|valida|validará"),
	phrase(catTheirs, "{p} deve +{inf}"),
	phrase(catTheirs, "{p} si occupa di|del|della|dei|delle"),
	phrase(catTheirs, "{n} +invia|invierà|manderà|preparerà|controlla|controllerà|organizza|organizzerà|farà|scrive|scriverà|chiama|chiamerà|condivide|condividerà|prenota|prenoterà|approva|approverà"),
	phrase(catTheirs, "{n} zal"),
	phrase(catTheirs, "{n} gaat", "verbFinal"),
	phrase(catTheirs, "{p} moet", "verbFinal"),
	phrase(catTheirs, "{p} zorgt voor|ervoor"),
	phrase(catTheirs, "{n} +stuurt|regelt|plant|checkt|boekt|schrijft|belt|deelt|bereidt|vraagt|pakt|zoekt|mailt"),
	phrase(catTheirs, "{n} vai +{inf}"),
	phrase(catTheirs, "{p} tem que|de"),
	phrase(catTheirs, "{p} fica de|com"),
	phrase(catTheirs, "{n} +enviará|envia|mandará|preparará|revisará|organizará|fará|escreve|escreverá|liga|ligará|compartilha|compartilhará|partilha|marca|marcará|aprova|aprovará"),
})

var (
	notAfterWill = set("be", "is", "was", "are", "has", "had", "have", "not", "probably", "likely", "maybe", "never", "always", "need", "want",
		"like", "love", "hate", "know", "understand", "agree")
	notAfterUnknown = set("stay", "remain", "increase", "decrease", "grow", "drop", "change", "happen", "slip",
		"move", "take", "come", "go", "start", "end", "last", "cost", "shrink", "double", "improve", "work",
		"help", "matter", "depend", "follow", "apply", "continue", "get", "make", "see", "look", "feel", "seem",
		"become", "keep", "run", "fall", "rise", "open", "close", "launch", "ship", "land", "hit", "miss")
	notAfterTo = set("the", "a", "an", "this", "that", "be", "me", "you", "us", "them", "him", "her", "do")
)

// pronouns stand for a person in feedback: "she wants", "elle veut".
var pronouns = set("she", "he", "they", "sie", "er", "elle", "il", "ella", "el", "lei", "lui", "ze", "zij",
	"hij", "ela", "ele")

// notNames start a sentence without naming a person: "It will take a
// week", "This will be hard".
var notNames = set(
	"it", "this", "that", "these", "those", "there", "here", "we", "they", "he", "she", "you", "i", "everyone",
	"everybody", "someone", "somebody", "nobody", "team", "the", "a", "an", "who", "what", "which", "everything",
	"nothing", "something", "next", "today", "tomorrow", "maybe", "and", "but", "so", "then", "also", "who",
	"budget", "timeline", "launch", "project", "plan", "q1", "q2", "q3", "q4",
	"es", "das", "dies", "dieser", "diese", "er", "sie", "wir", "ihr", "man", "jemand", "niemand", "alles",
	"nichts", "der", "die", "ein", "eine", "heute", "morgen",
	"il", "elle", "on", "nous", "vous", "ils", "elles", "ce", "cela", "ca", "ceci", "personne", "tout", "le",
	"la", "les", "un", "une", "qui",
	"el", "ella", "ellos", "nosotros", "esto", "eso", "alguien", "nadie", "todo", "los", "las", "una",
	"lui", "lei", "noi", "loro", "questo", "quello", "qualcuno", "nessuno", "tutto", "lo", "gli",
	"hij", "zij", "ze", "wij", "jullie", "het", "dit", "dat", "iemand", "niemand", "de", "een",
	"ele", "ela", "nos", "eles", "elas", "isso", "isto", "alguem", "ninguem", "tudo", "o", "os", "as", "um",
	"uma", "ich", "je", "yo", "io", "ik", "eu", "me", "moi",
	"monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday",
)

// meWords are the user as an owner: "me:", "moi:", "(ich)".
var meWords = set("me", "i", "ich", "moi", "je", "yo", "io", "ik", "eu", "mir", "mich", "myself")

// fillers may open a sentence without changing what it is: "So we agreed…",
// "Also, Dana will…".
var fillers = set("so", "ok", "okay", "also", "and", "then", "finally", "basically", "btw", "anyway", "plus",
	"und", "dann", "ausserdem", "donc", "alors", "et", "puis", "bon", "entonces", "y", "pues", "bueno",
	"ademas", "quindi", "allora", "poi", "inoltre", "dus", "verder", "ook", "entao", "depois", "tambem", "e",
	"oh", "ah", "right", "great", "oke")

// connectors after a stripped phrase: "we agreed to ship" is "ship".
var connectors = set("to", "that", "on", "upon", "dass", "zu", "fur", "auf", "darauf", "de", "d'", "que",
	"qu'", "di", "che", "om", "dat", "te", "por", "sur", "pour")

// germanWords show that "Dana will das Budget sehen" is German: "will" is
// then "wants".
var germanWords = set("das", "die", "der", "den", "dem", "des", "ein", "eine", "einen", "einem", "mehr",
	"noch", "auch", "nicht", "mit", "bis", "vom", "zum", "zur", "sehen", "haben", "wissen", "heute", "morgen",
	"dass", "und", "ich", "wir", "uns", "mich", "mir", "lieber", "gern", "gerne", "sofort", "immer")

// topicVerbs start (or, in German and Dutch, end) a talking point that is
// for the next meeting: "raise the budget at the next 1:1", "Gehalt beim
// nächsten Mal ansprechen".
var topicVerbs = set(
	"ask", "raise", "bring", "discuss", "talk", "mention", "revisit", "cover", "flag",
	"ansprechen", "besprechen", "fragen", "nachfragen", "thematisieren", "erwahnen", "klaren",
	"aborder", "demander", "parler", "discuter", "evoquer", "soulever", "mentionner", "reparler",
	"preguntar", "plantear", "hablar", "comentar", "discutir", "sacar", "mencionar", "tratar",
	"chiedere", "parlare", "discutere", "sollevare", "menzionare", "affrontare", "riprendere",
	"vragen", "bespreken", "aankaarten", "navragen", "aanstippen", "noemen",
	"perguntar", "levantar", "falar", "abordar", "trazer",
)

// nextMeeting are the phrases that put something on the next meeting's
// agenda, and timePreps the words that may lead them ("at the next 1:1").
var (
	nextMeeting = set(
		"next time", "next week", "next 1:1", "next one-on-one", "next 1on1", "next meeting", "next sync",
		"next call", "next check-in", "next catch-up", "next catchup",
		"nachstes mal", "nachsten mal", "nachste mal", "nachste woche", "nachsten woche", "nachsten 1:1",
		"nachsten termin", "nachsten meeting", "nachsten treffen", "nachstes meeting", "nachstes treffen",
		"prochaine fois", "semaine prochaine", "prochain 1:1", "prochaine reunion", "prochain point",
		"proxima vez", "proxima semana", "semana que viene", "proxima reunion", "proximo 1:1", "proxima 1:1",
		"semana que vem", "proxima reuniao",
		"prossima volta", "prossima settimana", "settimana prossima", "prossima riunione", "prossimo 1:1",
		"prossimo incontro",
		"volgende keer", "volgende week", "volgende 1:1", "volgend overleg", "volgende overleg",
		"volgende meeting", "volgende vergadering",
	)
	timePreps = set("at", "in", "during", "for", "on", "the", "our", "my", "beim", "im", "der", "dem", "am",
		"furs", "zum", "la", "a", "lors", "de", "au", "en", "el", "nella", "alla", "nel", "al", "bij",
		"het", "op", "na", "no", "da", "em", "prossima")
)
