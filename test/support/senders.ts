/** Request bodies for each protocol, built with tmon's own encoders. */
import { encryptGen1 } from '../../src/collect/gen1-aes.js';
import { signGen2 } from '../../src/collect/gen2-hmac.js';
import { sealV2 } from '../../src/collect/v2-gcm.js';

export const IPHONE_UA =
  'Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1';
export const WINDOWS_CHROME_UA =
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36';

export function gen1Body(wsid: number, secret: string, event: object): string {
  return new URLSearchParams({ wsid: String(wsid), data: encryptGen1(JSON.stringify(event), secret) }).toString();
}

export function gen2Body(wsid: number, secret: string, event: object): string {
  const { data, signature } = signGen2(JSON.stringify(event), secret);
  return new URLSearchParams({ wsid: String(wsid), data, signature }).toString();
}

/** Pass `iv` only to test replays: reusing one breaks GCM. */
export function v2Body(wsid: number, secret: string, events: object[], sentAt: number, iv?: Buffer): string {
  return JSON.stringify(sealV2(JSON.stringify({ sent_at: sentAt, events }), { wsid, secret, ...(iv ? { iv } : {}) }));
}

export const FORM = { 'content-type': 'application/x-www-form-urlencoded' };
export const JSON_TYPE = { 'content-type': 'application/json' };
