// Package render turns a meeting with a boss, and what the user has logged
// about it, into the emails leadup sends: the prep brief before the meeting,
// the follow-up template after it, a notice when a briefed meeting is
// cancelled or moved, the confirmation of a logged reply, and the weekly
// digest with a draft status update for each boss.
//
// Each email has a one-line subject, a plain-text part and an HTML part, made
// from the templates in the templates package and, optionally, a user's
// directory of overrides. Templates are parsed and test-rendered once, in New,
// so that a broken template stops the daemon at start-up rather than a send.
//
// Two kinds of input are not to be trusted: an event's description is written
// by whoever sent the invitation, and item texts are typed by the user in
// email replies. Descriptions are sanitised (HTML part) or converted to plain
// text (text part); all other strings are escaped by html/template and
// stripped of control characters before they reach either part.
//
// # Template data
//
// brief.* templates receive a BriefData, followup.* a FollowupData,
// notice.* a NoticeData, confirm.* a ConfirmData, digest.* a DigestData
// and catchup.* a CatchupData, prepared first: every time is in the user's
// zone (Meeting.Location, or DigestData.Location and CatchupData.Location), items are sorted oldest first (a digest's open
// items overdue first), item owners are "me", "boss" or another person's
// name, and strings are single lines (Boss.Style keeps its line breaks)
// without bidi or zero-width controls. A meeting's title, place and guests'
// names are cut to about 300 characters (the title's RFC 2047 encoded-words
// decoded first), and its ConferenceURL is "" unless it is an https link to
// a known video service (calendar.VideoURL), so that "Join the call" cannot
// lead to a look-alike host. A
// digest's bosses come with their meetings of the week ahead and their
// StatusUpdate worked out. A user's files may redefine any block of the
// built-in ones: "item", "list", "meeting", "prompts" (the brief's opening,
// see BriefData.Opening), "notice-sentence",
// "status-update", "status-update-tips", "page-start", "page-end",
// "heading" and the rest.
//
// # Helper functions
//
// Templates of both kinds may call these. Times are shown in their own
// location, which is the user's zone once the data is prepared.
//
// Time:
//
//	when Meeting          "Tue 24 Nov, 16:00–16:30" (user's zone)
//	bossWhen Meeting      "10:00–10:30 in New York", or "" when the boss's zone adds nothing
//	bossDay Meeting       "Tue 1 Dec": the meeting's day in the boss's zone, else the user's
//	day Time              "Tue 24 Nov"
//	dayTime Time          "Tue 24 Nov 16:00"
//	clock Time            "16:00"
//	dur Duration          "30 min", "1 h 30 min"
//	span Duration         "30 minutes", "1 hour", "1 day": for prose
//	age now t             "3 days", "2 weeks"; "" under a day
//	ago now t             "today", "yesterday", "3 days ago", "2 weeks ago"
//	starts now t          "is tomorrow at 16:00", "starts in 45 min", "started 10 min ago"
//	moved old new         "from Tue 24 Nov 16:00 to Wed 25 Nov 14:30"
//	due now Item          "due tomorrow", "due Thu", "3 days overdue", or ""
//	overdue now Item      true if the item is open and past its due date
//
// People and items:
//
//	first name            "Dana" for "Dana Whitfield"; "your boss" for ""
//	poss name             "Dana's"
//	meetingName Meeting Boss   "Budget sync (1:1 with Dana)", "Q4 planning with Dana", a title
//	                      that names the boss as it is, cut at about 60 characters;
//	                      "1:1 with Dana" or "meeting with Dana" for an empty or a
//	                      "1:1" title
//	meetingRef Meeting Boss    meetingName to start a sentence: "your 1:1 with Dana" when untitled
//	people []Person       "Priya Nair, Tom Berg and 3 others"
//	andList []string      "a, b and c"
//	owner Item Boss       "you", "Dana" or the owner's name
//	owned who []Item      items of "me", "boss" or "others"
//	view now Boss []Item  the items as []ItemView, their labels worked out
//	facts BriefData       the brief's headline facts: ["You: 3 open, 1 overdue", …]
//
// Text:
//
//	plural n one many     "1 item", "3 items"
//	capfirst s, upper s, oneline s, lines s ([]string), join []string sep, short n s
//	link s                s if it is an http, https or mailto URL, else ""
//	description s         the event description: plain text in text templates,
//	                      sanitised HTML in HTML templates; "" if empty. Show
//	                      Meeting.Description only through it.
//	dict k v …            a map, to pass several values to a {{template}}
//
// HTML templates also have msoOpen and msoClose: the conditional comments that
// give Outlook for Windows, which ignores max-width, a fixed 600px column.
package render
