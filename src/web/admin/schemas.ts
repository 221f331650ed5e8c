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
  {
    name: Type.Optional(Type.String({ minLength: 1, maxLength: 100 })),
    /** the name's old spelling, from before tokens had scopes */
    label: Type.Optional(Type.String({ minLength: 1, maxLength: 100 })),
    scope: Type.Optional(Type.Union([Type.Literal('read'), Type.Literal('admin'), Type.Literal('ingest')])),
    service_id: Type.Optional(Type.Union([Type.Integer({ minimum: 1 }), Type.Null()])),
    /** `30d`, `12h`, `8w`, `1y` or `never` (the default) */
    expires_in: Type.Optional(Type.String({ maxLength: 20 })),
  },
  { additionalProperties: false },
);
export const TokenQuery = Type.Object(
  { user: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })) },
  { additionalProperties: false },
);
export const OwnPasswordChange = Type.Object(
  {
    current_password: Type.String({ minLength: 1, maxLength: 1024 }),
    password: Type.String({ minLength: 8, maxLength: 1024 }),
  },
  { additionalProperties: false },
);
