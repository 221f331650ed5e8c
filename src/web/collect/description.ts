/**
 * POST /data/collect as /api/openapi.json describes it. The route checks no
 * body schema: its parsers read the bytes (routes.ts), the protocol decoders
 * check them, and the socket front and fast path answer most requests before
 * fastify. So the body is described here, for the description only, and
 * handed to the generator by the route's `swaggerTransform`; the answers'
 * schemas are the same ErrorAnswer every route uses.
 */
import { Type } from '@sinclair/typebox';
import { BEARER_MAX_EVENTS } from '../../collect/bearer-batch.js';
import { BEARER_BODY_LIMIT, BODY_LIMITS, COLLECT_MEDIA_TYPES } from '../../collect/endpoint.js';
import { ErrorAnswer } from '../answer-schemas.js';

const Wsid = Type.String({ pattern: '^[1-9][0-9]{0,15}$', description: 'the service id' });
const Base64 = Type.String({ contentEncoding: 'base64', minLength: 1 });

const V2Body = Type.Object(
  {
    v: Type.Literal(2),
    wsid: Type.Integer({ minimum: 1, description: 'the service id' }),
    iv: Type.String({ ...Base64, description: 'base64 of a fresh 12-byte iv' }),
    data: Type.String({
      ...Base64,
      description: 'base64 of AES-256-GCM(`{"sent_at":…,"events":[…]}`) ‖ its 16-byte tag',
    }),
  },
  {
    title: 'v2 (AES-256-GCM, 1 to 1,000 events)',
    description: `tmon's own protocol: encrypted, authenticated, replay-proof. At most ${BODY_LIMITS.json} bytes.`,
  },
);

const BearerBody = Type.Object(
  {
    events: Type.Array(
      Type.Object(
        {
          url: Type.String({ maxLength: 2048 }),
          ip: Type.String({ description: 'the client address, IPv4 or IPv6' }),
          useragent: Type.String({ maxLength: 1024 }),
          ts: Type.Optional(Type.Integer({ description: 'ms since the epoch, back to the retention horizon' })),
          id: Type.Optional(Type.String({ maxLength: 64, description: 'stored once per service: resends are safe' })),
        },
        { description: 'an event as docs/protocol.md describes it; other fields are kept as extra properties' },
      ),
      { minItems: 1, maxItems: BEARER_MAX_EVENTS },
    ),
  },
  {
    title: `bearer batch (an ingest token, 1 to ${BEARER_MAX_EVENTS.toLocaleString('en')} events)`,
    description:
      'Events in clear, for access logs and history, with `Authorization: Bearer <token>` of scope ingest: ' +
      `they go to the token's service. At most ${BEARER_BODY_LIMIT} bytes.`,
  },
);

const Gen2Form = Type.Object(
  {
    wsid: Wsid,
    data: Type.String({ ...Base64, description: 'base64 of the event as JSON' }),
    signature: Type.String({ pattern: '^[0-9a-f]{40}$', description: 'HMAC-SHA1 of those JSON bytes, hex' }),
  },
  {
    title: 'Gen 2 (HMAC-SHA1, one event)',
    description: `The original T-Mon client: signed, in clear. At most ${BODY_LIMITS.form} bytes.`,
  },
);

const Gen1Form = Type.Object(
  { wsid: Wsid, data: Type.String({ ...Base64, description: 'base64 of AES-CFB8(the event as JSON)' }) },
  {
    title: 'Gen 1 (AES-CFB8, one event)',
    description: `The original T-Mon protocol: encrypted, not authenticated. At most ${BODY_LIMITS.form} bytes.`,
  },
);

const Accepted = Type.Object(
  {
    status: Type.Literal(200),
    status_code: Type.Literal(200),
    accepted: Type.Integer({ minimum: 1, description: 'events acknowledged, repeats of stored ids included' }),
  },
  { description: 'Stored: the answer comes after the commit' },
);

export const COLLECT_DESCRIPTION = {
  summary: 'Send events: v2 or a bearer batch (JSON), Gen 2 or Gen 1 (forms); docs/protocol.md',
  description:
    'Authenticated by the service secret inside the body, or, for a bearer batch, by a token of scope ' +
    'ingest (never by a session). Any body may be ' +
    'sent gzip-compressed (`Content-Encoding: gzip`); its size limit holds once inflated too. 4xx answers ' +
    'must not be retried; 503 says when to retry in Retry-After.',
  tags: ['collect'],
  // none: the secret is in the body; or an ingest token, for a bearer batch
  security: [{}, { token: [] }] as { [scheme: string]: string[] }[],
  headers: Type.Object({
    'content-encoding': Type.Optional(
      Type.String({ enum: ['gzip', 'x-gzip', 'identity'], description: 'absent: the body as is' }),
    ),
  }),
  body: {
    content: {
      [COLLECT_MEDIA_TYPES.json]: { schema: Type.Union([V2Body, BearerBody]) },
      [COLLECT_MEDIA_TYPES.form]: { schema: Type.Union([Gen2Form, Gen1Form]) },
    },
  },
  response: { 200: Accepted, '4xx': ErrorAnswer, '5xx': ErrorAnswer },
};
