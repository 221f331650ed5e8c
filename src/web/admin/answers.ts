/**
 * The admin API's answers as TypeBox schemas (presented by present.ts): the
 * routes serialise with them, /api/openapi.json describes them, and the
 * admin page's types are derived from them (ui/src/admin/types.ts). Imports
 * nothing but TypeBox and the shared answer schemas, so the UI can import its
 * types from here.
 */
import { type Static, Type } from '@sinclair/typebox';
import { Answer, Nullable, Timestamp } from '../answer-schemas.js';

const Id = Type.Integer({ minimum: 1 });

export const UserInfo = Type.Object({ id: Id, name: Type.String(), admin: Type.Boolean(), created_at: Timestamp });

export const ServiceInfo = Type.Object({
  id: Id,
  name: Type.String(),
  owner_id: Id,
  owner: Nullable(Type.String()),
  secret: Type.Optional(
    Type.String({ description: 'only for its owner and admins, with a session or an admin token' }),
  ),
  previous_secret_valid_until: Type.Optional(
    Nullable(Type.Integer({ description: 'after a rotation, until when the previous secret still works (ms)' })),
  ),
  allow_legacy: Type.Boolean({ description: 'whether Gen 1 and Gen 2 requests are accepted' }),
  created_at: Timestamp,
  shared_with: Type.Array(Type.Object({ id: Id, name: Nullable(Type.String()) })),
});

export const TokenScope = Type.Union([Type.Literal('read'), Type.Literal('admin'), Type.Literal('ingest')]);

export const TokenInfo = Type.Object({
  id: Id,
  name: Type.String(),
  scope: TokenScope,
  service_id: Nullable(Type.Integer({ description: 'the one service it is bound to' })),
  user_id: Id,
  user: Nullable(Type.String()),
  created_at: Timestamp,
  expires_at: Nullable(Type.Integer({ description: 'null: never' })),
  last_used_at: Nullable(Type.Integer()),
});

export const NewTokenInfo = Type.Composite([
  TokenInfo,
  Type.Object({ token: Type.String({ description: 'the token itself, shown this once' }) }),
]);

export const MeAnswer = Answer(UserInfo, 'The caller');
export const UserAnswer = Answer(UserInfo, 'The user');
export const NewUserAnswer = Answer(UserInfo, 'The new user', 201);
export const UsersAnswer = Answer(Type.Array(UserInfo), 'Every user');
export const ServiceAnswer = Answer(ServiceInfo, 'The service');
export const NewServiceAnswer = Answer(ServiceInfo, 'The new service, with its id and secret', 201);
export const ServicesAnswer = Answer(Type.Array(ServiceInfo), 'The services the caller can see');
export const TokensAnswer = Answer(Type.Array(TokenInfo), 'The tokens (never the tokens themselves)');
export const NewTokenAnswer = Answer(NewTokenInfo, 'The new token, with the token itself', 201);
export const RemovedAnswer = Answer(Type.Object({ id: Id, removed: Type.Literal(true) }), 'Removed');
export const RevokedAnswer = Answer(Type.Object({ id: Id, revoked: Type.Literal(true) }), 'Revoked');
export const PasswordChangedAnswer = Answer(Type.Object({ updated: Type.Literal(true) }), 'Changed');

export type UserInfo = Static<typeof UserInfo>;
export type ServiceInfo = Static<typeof ServiceInfo>;
export type TokenScope = Static<typeof TokenScope>;
export type TokenInfo = Static<typeof TokenInfo>;
