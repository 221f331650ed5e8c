/**
 * The admin API's JSON shapes: derived from the server's own answer schemas
 * (src/web/admin/answers.ts, the schemas the routes serialise with and
 * /api/openapi.json describes), so a change there that the admin page does
 * not follow fails `npm run typecheck`. Type-only imports: the build erases them.
 */
import type { ServiceInfo, TokenInfo, TokenScope, UserInfo } from '../../../src/web/admin/answers.js';

export type { ServiceInfo, TokenInfo, TokenScope, UserInfo };

/** GET /api/me */
export type Me = UserInfo;

/** the server's rule, checked in the form too so mistakes show before a round trip */
export const SERVICE_NAME = /^[a-z][a-z0-9_-]{0,39}$/;
