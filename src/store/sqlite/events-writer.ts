import type { Agent } from '../../enrich/enriched-event.js';
import type { SqliteAgentIds } from './agent-ids.js';
import type { SqliteDatabase } from './database.js';
import { SqliteEventInserts } from './event-inserts.js';
import { AGENT_ID_COLUMN, agentOfRow, type EventInsertParams, stagedEventOf, TS_COLUMN } from './event-rows.js';
import type { CompactWriteResult, PackedWrites } from './packed-writes.js';
import type { SqliteReplayClaims } from './replay-claims.js';
import type { SqliteRollupBuffer, StagedEvent } from './rollup-buffer.js';

/**
 * Group commit: every write of a flush goes into ONE transaction, so N
 * concurrent requests cost one WAL commit instead of N. Their rollups are
 * staged in the rollup buffer and applied in this or a later commit. Takes
 * the writes packed (packed-writes.ts): each event's `events` row, which
 * refers to one of the group's agents, each found or added in `agents` once.
 */
export class SqliteEventsWriter {
  private readonly inserts;

  constructor(
    db: SqliteDatabase,
    private readonly rollups: SqliteRollupBuffer,
    private readonly claims: SqliteReplayClaims,
    private readonly agents: SqliteAgentIds,
  ) {
    this.inserts = new SqliteEventInserts(db);
  }

  write(packed: PackedWrites): CompactWriteResult[] {
    try {
      const result = this.rollups.write(packed.now, () => {
        const inserted = this.insertAll(packed);
        this.claims.record();
        return inserted;
      });
      this.claims.settle();
      this.agents.settle();
      return result;
    } catch (error) {
      // rolled back with the events they came with
      this.claims.undo();
      this.agents.undo();
      throw error;
    }
  }

  /** The id of each of the group's agents, told the newest time among the events that refer to it. */
  #agentIdsOf(agents: PackedWrites['agents'], rows: PackedWrites['rows']): number[] {
    const newest = agents.map(() => Number.NEGATIVE_INFINITY);
    for (const row of rows) {
      const ref = row[AGENT_ID_COLUMN] as number;
      const ts = row[TS_COLUMN] as number;
      if (ts > (newest[ref] as number)) newest[ref] = ts;
    }
    return agents.map((agent, ref) => this.agents.idOf(agent, newest[ref] as number));
  }

  private insertAll({ writes, rows, agents, now }: PackedWrites) {
    const result: CompactWriteResult[] = [];
    const stored: StagedEvent[] = [];
    const agentIds = this.#agentIdsOf(agents, rows);
    const parsedAgents = agents.map(agentOfRow);
    let row = 0;
    for (const write of writes) {
      const end = row + write.events;
      if (write.replayKey !== null) {
        if (write.replayKeyExpiresAt === null) {
          throw new TypeError('an EventWrite with a replayKey needs replayKeyExpiresAt');
        }
        if (!this.claims.claim(write.serviceId, write.replayKey, write.replayKeyExpiresAt, now)) {
          result.push({ ok: false, reason: 'replayed' });
          row = end;
          continue;
        }
      }
      const seqs: (number | null)[] = [];
      while (row < end) {
        const count = this.inserts.nextCount(rows, row, end);
        const agents: Agent[] = [];
        for (let i = row; i < row + count; i++) {
          const params = rows[i] as EventInsertParams;
          agents.push(parsedAgents[params[AGENT_ID_COLUMN] as number] as Agent);
          params[AGENT_ID_COLUMN] = agentIds[params[AGENT_ID_COLUMN] as number] as number;
        }
        const first = seqs.length;
        this.inserts.insert(rows, row, count, seqs);
        for (let i = 0; i < count; i++) {
          const seq = seqs[first + i] as number | null;
          // null: idempotency id already stored: accepted, not stored again
          if (seq !== null) stored.push(stagedEventOf(rows[row + i] as EventInsertParams, agents[i] as Agent, seq));
        }
        row += count;
      }
      result.push({ ok: true, accepted: write.events, seqs });
    }
    return { result, stored };
  }
}
