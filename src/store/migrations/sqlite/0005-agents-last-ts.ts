/**
 * `agents.last_ts`: an event time at most a day (AGENT_LAST_TS_SLACK_MS)
 * before that of any event referring to the agent, so retention can delete
 * the agents whose events it has deleted (agent-ids.ts): without it the table
 * only ever grew. Agents already stored take the newest event time there is,
 * which is never too early.
 */
export const name = 'agents-last-ts';

export const sql = `
ALTER TABLE agents ADD COLUMN last_ts INTEGER NOT NULL DEFAULT 0;
UPDATE agents SET last_ts = (SELECT coalesce(max(ts), 0) FROM events);
CREATE INDEX agents_last_ts ON agents(last_ts);
`;
