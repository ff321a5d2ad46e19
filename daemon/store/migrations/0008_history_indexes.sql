-- Version 8: indexes for "last time" in a brief, the latest meeting with a
-- boss that has something logged (store.LastLogged): it walks back from the
-- boss's latest meeting and stops at the first with an item or a reply,
-- instead of scanning every meeting and every reply.
CREATE INDEX meetings_by_boss ON meetings (boss, start_at);
CREATE INDEX replies_by_meeting ON replies (meeting_key) WHERE meeting_key IS NOT NULL;
