/** Bodies and params of the admin API; fastify answers 400 with the reason for anything else. */
import { Type } from '@sinclair/typebox';

export const IdParams = Type.Object({ id: Type.Integer({ minimum: 1 }) });
export const ShareParams = Type.Object({ id: Type.Integer({ minimum: 1 }), userId: Type.Integer({ minimum: 1 }) });

export const NewService = Type.Object({ name: Type.String({ maxLength: 40 }) }, { additionalProperties: false });
export const ServiceChanges = Type.Object({ allow_legacy: Type.Boolean() }, { additionalProperties: false });
export const NewShare = Type.Object(
  { user: Type.String({ minLength: 1, maxLength: 64 }) },
  { additionalProperties: false },
);

export const NewUser = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 64 }),
    password: Type.String({ minLength: 8, maxLength: 1024 }),
    admin: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false },
);
export const UserChanges = Type.Object(
  { admin: Type.Optional(Type.Boolean()), password: Type.Optional(Type.String({ minLength: 8, maxLength: 1024 })) },
  { additionalProperties: false, minProperties: 1 },
);
export const NewToken = Type.Object(
  { label: Type.Optional(Type.String({ maxLength: 100 })) },
  { additionalProperties: false },
);
