/**
 * What every JSON answer shares, as TypeBox schemas: the `{status, results}`
 * envelope, the error body, nullable fields, and who may call. The routes'
 * response schemas are built from these; fastify serialises answers with
 * them and /api/openapi.json is generated from them (ops/openapi.ts), so the
 * description cannot drift from what is sent. This file imports nothing but
 * TypeBox: the dashboard and admin page derive their types from it.
 */
import { type Static, type TSchema, Type } from '@sinclair/typebox';

/** A field that may be null, as a JSON schema type list: fastify's serialiser writes it without trying each branch. */
export function Nullable<T extends TSchema & { type: string }>(schema: T) {
  const { type, ...rest } = schema;
  return Type.Unsafe<Static<T> | null>({ ...rest, type: [type, 'null'] });
}

/** Milliseconds since the epoch. */
export const Timestamp = Type.Integer({ minimum: 0, description: 'ms since the epoch' });

/** The envelope of every successful answer: the HTTP status repeated, and the results. */
export function Answer<T extends TSchema, S extends 200 | 201 | 202 = 200>(
  results: T,
  description: string,
  status?: S,
) {
  return Type.Object({ status: Type.Literal((status ?? 200) as S), results }, { description });
}

export const ErrorAnswer = Type.Object(
  {
    status: Type.Integer({ minimum: 400, maximum: 599 }),
    status_code: Type.Integer({ minimum: 400, maximum: 599, description: 'the same, under its older name' }),
    error: Type.String({ description: 'a stable code, such as not_found (docs/errors.md)' }),
    message: Type.String({ description: 'why, for people' }),
  },
  { description: 'Refused or failed: the code says which, the message why (docs/errors.md)' },
);
export type ErrorAnswer = Static<typeof ErrorAnswer>;

/** Every route's error answers: one body for all of them, so one range each. */
export const ERROR_RESPONSES = { '4xx': ErrorAnswer, '5xx': ErrorAnswer } as const;

/** Security schemes, declared once in ops/openapi.ts: the login session's cookie, or an API token. */
export const SESSION_OR_TOKEN: { [scheme: string]: string[] }[] = [{ session: [] }, { token: [] }];

/** A route's summary, group, answers and who may call (a session or a token), for its schema. */
export function described<R extends object>(tag: string, summary: string, answers: R) {
  return { summary, tags: [tag], security: SESSION_OR_TOKEN, response: { ...answers, ...ERROR_RESPONSES } };
}
