/**
 * The collect path as named steps: tell the protocol apart (parse the body,
 * check its envelope) → find the service → check the protocol is allowed →
 * open (decrypt/verify, parse, validate) → enrich → commit. A bearer batch
 * finds its service through its token instead, and its events need no
 * opening, only validating with its wider `ts` window. An OTLP trace export
 * (createTracePipeline) also finds its service through its token, then is
 * decoded, its HTTP server spans become events, and those are enriched and
 * committed like a bearer batch's. Each step
 * returns the value for the next or a Refusal, and every refusal is counted
 * here by its reason, a store out of reach included: the route only reads
 * the body and answers.
 */
import { validSecrets } from '../accounts/accounts.js';
import type { Clock } from '../clock.js';
import { BEARER_MAX_EVENTS, validateBearerEvents } from '../collect/bearer-batch.js';
import type { TsWindow } from '../collect/event.js';
import type { CollectedEvent } from '../collect/event.types.js';
import { type CollectBody, type CollectRequest, identifyBody } from '../collect/identify.js';
import { openRequest } from '../collect/open-request.js';
import { V2_WINDOW_MS } from '../collect/payload.js';
import type { EnrichedEvent } from '../enrich/enriched-event.js';
import { isRefusal, type Refusal, refuse } from '../errors/refusal.js';
import { exportEvents } from '../otlp/export-events.js';
import { decodeTraceJson } from '../otlp/otlp-json.js';
import { decodeTraceRequest } from '../otlp/otlp-protobuf.js';
import type { OtlpEncoding } from '../otlp/trace-export.js';
import type { IngestCounters } from './counters.js';
import type { CheckIngestToken } from './ingest-tokens.js';
import type { ServiceDirectory } from './service-directory.js';
import { OverloadedError, type WriteBuffer } from './write-buffer.js';

export interface Accepted {
  accepted: number;
}

export interface PipelineDeps {
  services: ServiceDirectory;
  enrich: (event: CollectedEvent) => EnrichedEvent;
  buffer: WriteBuffer;
  clock: Clock;
  counters: IngestCounters;
  /** bearer batches: the service their token may send to */
  checkIngestToken: CheckIngestToken;
  /** bearer batches: how far back `ts` may go (the retention horizon, bearerTsWindow) */
  bearerTsWindow: TsWindow;
}

export type Collect = (body: CollectBody) => Promise<Accepted | Refusal>;

export function createPipeline(deps: PipelineDeps): Collect {
  const { services, enrich, buffer, clock, counters, checkIngestToken, bearerTsWindow } = deps;
  return async function collect(body) {
    let outcome: Accepted | Refusal;
    try {
      outcome = await run(body);
    } catch (error) {
      outcome = storageFailed(error);
    }
    if (isRefusal(outcome)) counters.countRefusal(outcome.refused);
    else {
      counters.acceptedRequests++;
      counters.acceptedEvents += outcome.accepted;
    }
    return outcome;
  };

  async function run(body: CollectBody): Promise<Accepted | Refusal> {
    const request = identifyBody(body);
    if (isRefusal(request)) return request;
    if (request.protocol === 'bearer') return runBearer(request);
    const now = clock();
    const service = await services.find(request.wsid);
    if (!service) return refuse('unknown_service', `no service with wsid ${request.wsid}`);
    if (request.protocol !== 'v2' && !service.settings.allowLegacy) {
      return refuse('legacy_refused', 'this service accepts only the v2 protocol');
    }

    const opened = openRequest(request, validSecrets(service, now), now);
    if (isRefusal(opened)) return opened;

    const expiry = claimExpiry(opened.replayableUntil, now);
    return commit(buffer, service.id, opened.events.map(enrich), opened.replayKey, expiry);
  }

  async function runBearer(request: Extract<CollectRequest, { protocol: 'bearer' }>): Promise<Accepted | Refusal> {
    const grant = await checkIngestToken(request.authorization);
    if (isRefusal(grant)) return grant;
    // the store removes a service's tokens with it: this is a removal seen by the token before the directory
    const service = await services.find(grant.serviceId);
    if (!service) return refuse('unauthorized', "this token's service has been removed");
    const events = validateBearerEvents(request.events, clock(), bearerTsWindow);
    if (isRefusal(events)) return events;
    return commit(buffer, service.id, events.map(enrich), null, null);
  }
}

/** An OTLP/HTTP trace export as the route read it: its Authorization header, its encoding, its (inflated) bytes. */
export interface TraceExportBody {
  authorization: string | undefined;
  encoding: OtlpEncoding;
  bytes: Buffer;
}

/** What an accepted export did with its spans: events stored, spans rejected (with why the first was), ignored. */
export interface TracesAccepted extends Accepted {
  rejected: number;
  firstRejection: string;
  ignored: number;
}

export type CollectTraces = (body: TraceExportBody) => Promise<TracesAccepted | Refusal>;

/**
 * POST /v1/traces as named steps: the token's service → decode → the HTTP
 * server spans' events → enrich → commit. Refusals are counted with the
 * collect endpoint's; spans rejected and ignored by their own counters.
 */
export function createTracePipeline(deps: PipelineDeps): CollectTraces {
  const { services, enrich, buffer, clock, counters, checkIngestToken, bearerTsWindow } = deps;
  return async function collectTraces(body) {
    let outcome: TracesAccepted | Refusal;
    try {
      outcome = await run(body);
    } catch (error) {
      outcome = storageFailed(error);
    }
    if (isRefusal(outcome)) counters.countRefusal(outcome.refused);
    else {
      counters.acceptedRequests++;
      counters.acceptedEvents += outcome.accepted;
      counters.otlpSpansRejected += outcome.rejected;
      counters.otlpSpansIgnored += outcome.ignored;
    }
    return outcome;
  };

  async function run({ authorization, encoding, bytes }: TraceExportBody): Promise<TracesAccepted | Refusal> {
    if (authorization === undefined)
      return refuse('unauthorized', 'send an ingest token as Authorization: Bearer <token>');
    const grant = await checkIngestToken(authorization);
    if (isRefusal(grant)) return grant;
    const service = await services.find(grant.serviceId);
    if (!service) return refuse('unauthorized', "this token's service has been removed");
    const traces = encoding === 'protobuf' ? decodeTraceRequest(bytes) : decodeTraceJson(bytes.toString('utf8'));
    if (isRefusal(traces)) return traces;
    const { events, rejected, firstRejection, ignored } = exportEvents(traces, clock(), bearerTsWindow);
    if (events.length > BEARER_MAX_EVENTS) {
      return refuse(
        'bad_batch_size',
        `an export may hold up to ${BEARER_MAX_EVENTS} HTTP server spans, not ${events.length}`,
      );
    }
    const stored =
      events.length === 0 ? { accepted: 0 } : await commit(buffer, service.id, events.map(enrich), null, null);
    if (isRefusal(stored)) return stored;
    return { accepted: stored.accepted, rejected, firstRejection, ignored };
  }
}

/** The events handed to the write buffer; the answer once their commit is done, or why not. */
async function commit(
  buffer: WriteBuffer,
  serviceId: number,
  events: EnrichedEvent[],
  replayKey: string | null,
  replayKeyExpiresAt: number | null,
): Promise<Accepted | Refusal> {
  try {
    const result = await buffer.submit({ serviceId, events, replayKey, replayKeyExpiresAt });
    if (!result.ok) return refuse('replayed', 'this iv was already used for this service');
    return { accepted: result.accepted };
  } catch (error) {
    if (error instanceof OverloadedError)
      return refuse('overloaded', 'tmon is busy storing earlier events: retry shortly');
    throw error;
  }
}

/**
 * A step that threw: the service directory or the store could not be
 * reached, or could not commit. The sender must retry, and must not think
 * anything was stored.
 */
function storageFailed(error: unknown): Refusal {
  return refuse('unavailable', 'storage is unavailable, retry later', error);
}

/**
 * When a v2 iv's claim may go: just after the later of two instants (a claim
 * is live while its expiry is after now). The last instant a replay of its
 * request would pass the staleness check (its sent_at plus the window), and
 * the window after the iv was seen (docs/protocol.md: an iv seen within the window
 * is refused, whatever the new request's sent_at). For a sender whose clock
 * agrees with tmon's both are ~5 minutes away; a claim counted 10 minutes
 * from arrival, which also covers a sent_at 5 minutes ahead, would hold
 * twice the claims for the same traffic.
 */
function claimExpiry(replayableUntil: number | null, seenAt: number): number | null {
  return replayableUntil === null ? null : Math.max(replayableUntil, seenAt + V2_WINDOW_MS) + 1;
}
