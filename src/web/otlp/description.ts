/**
 * POST /v1/traces as /api/openapi.json describes it: the route checks no
 * schema (its bodies are protobuf or OTLP JSON, read by src/otlp/), so the
 * description is handed to the generator by the route's swaggerTransform.
 */
import { Type } from '@sinclair/typebox';
import { BEARER_BODY_LIMIT } from '../../collect/endpoint.js';
import { OTLP_MEDIA_TYPES } from './otlp-answer.js';

const Binary = (description: string) => ({ schema: Type.String({ format: 'binary', description }) });

const ExportJson = Type.Object(
  { resourceSpans: Type.Array(Type.Object({}, { additionalProperties: true })) },
  {
    additionalProperties: true,
    description: 'ExportTraceServiceRequest in OTLP JSON: ids in hex, enums as integers, int64 as strings or numbers',
  },
);

const ResponseJson = Type.Object(
  {
    partialSuccess: Type.Optional(
      Type.Object({
        rejectedSpans: Type.String({
          pattern: '^[0-9]+$',
          description: 'HTTP server spans that could not become events',
        }),
        errorMessage: Type.String({ description: 'how many, and why the first one could not' }),
      }),
    ),
  },
  { description: 'ExportTraceServiceResponse: empty when every HTTP server span became an event' },
);

const StatusJson = Type.Object(
  {
    code: Type.Integer({ description: 'a gRPC status code' }),
    message: Type.String({ description: "tmon's error code (docs/errors.md), a colon, and why" }),
  },
  { description: 'google.rpc.Status' },
);

const answers = (description: string, json: object, binary: string) => ({
  description,
  content: {
    [`${OTLP_MEDIA_TYPES.json}`]: { schema: json },
    [OTLP_MEDIA_TYPES.protobuf]: Binary(binary),
  },
});

export const TRACES_DESCRIPTION = {
  summary: 'Send OpenTelemetry traces (OTLP/HTTP): each HTTP server span becomes an event; docs/opentelemetry.md',
  description:
    'An OTLP/HTTP trace export, as protobuf or JSON, as is or gzip-compressed, with a token of scope ingest: ' +
    "its events go to the token's service. Spans that are not HTTP server spans are ignored. " +
    `At most ${BEARER_BODY_LIMIT} bytes, as sent and once inflated. Answers come in the request's encoding, ` +
    'after the commit; 429 and 503 say when to retry in Retry-After.',
  tags: ['collect'],
  security: [{ token: [] }] as { [scheme: string]: string[] }[],
  headers: Type.Object({
    'content-encoding': Type.Optional(
      Type.String({ enum: ['gzip', 'x-gzip', 'identity'], description: 'absent: the body as is' }),
    ),
  }),
  body: {
    content: {
      [OTLP_MEDIA_TYPES.protobuf]: Binary('ExportTraceServiceRequest, protobuf-encoded'),
      [OTLP_MEDIA_TYPES.json]: { schema: ExportJson },
    },
  },
  response: {
    200: answers(
      'Stored (after the commit), or partly: partialSuccess counts the spans left out',
      ResponseJson,
      'ExportTraceServiceResponse',
    ),
    '4xx': answers('Refused: nothing of the export was stored', StatusJson, 'google.rpc.Status'),
    '5xx': answers('Not stored: retry after Retry-After', StatusJson, 'google.rpc.Status'),
  },
};
