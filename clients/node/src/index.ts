/**
 * @tmon/client — report the requests your Node.js service serves to tmon.
 *
 *     import { TmonClient } from '@tmon/client';
 *     const tmon = new TmonClient({ server: 'https://tmon.example.com', wsid: 1, secret: process.env.TMON_SECRET! });
 *     tmon.track({ url: '/checkout', ip: '81.2.69.142', useragent: 'Mozilla/5.0 …', username: 'ann' });
 *
 * SPDX-License-Identifier: LGPL-3.0-or-later
 */
export { TmonClient } from './client.js';
export { timeOrderedId } from './event-id.js';
export { type ExpressRequestLike, tmonExpress } from './middleware/express.js';
export {
  type FastifyInstanceLike,
  type FastifyReplyLike,
  type FastifyRequestLike,
  type TmonFastifyPlugin,
  tmonFastify,
} from './middleware/fastify.js';
export { createRequestTracker, type ResponseLike } from './middleware/node-http.js';
export { clientIp, type IncomingLike, type Tracker, type TrackRequestsOptions } from './middleware/request-event.js';
export { type EncodedRequest, encodeRequest, eventsPerRequest } from './protocols/encode.js';
export { encryptGen1, signGen2 } from './protocols/legacy.js';
export { deriveV2Key, sealV2, V2_MAX_EVENTS, v2Plaintext } from './protocols/v2.js';
export { collectUrl, type HttpAnswer, parseRetryAfter, postRequest } from './transport.js';
export {
  type CollectAnswer,
  type TmonClientOptions,
  TmonError,
  type TmonErrorKind,
  type TmonEvent,
  type TmonProtocol,
  type TmonStats,
} from './types.js';
