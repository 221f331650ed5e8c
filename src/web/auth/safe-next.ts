/**
 * Where a login may send the browser afterwards: a path on this site, never
 * anywhere else. Without this rule the login form is an open redirect that
 * lends tmon's name to a phishing link.
 */

/**
 * A single `/`, then a character that does not start another origin or get
 * dropped by the browser: `//host` and `/\host` are protocol-relative, and
 * browsers strip tabs and newlines from URLs, so `/<TAB>/host` is `//host`.
 */
const SAME_SITE_PATH = /^\/[^/\\\s\p{Cc}]/u;
/** control characters anywhere: never useful in a path, and CR/LF in a header is a splitting attempt */
const CONTROL = /\p{Cc}/u;
/** a longer `next` is no path a user came from: refused rather than carried in a form and a header */
const MAX_NEXT_LENGTH = 2048;
const THIS_SITE = 'http://tmon.invalid';

/**
 * The Location to send after a login, or null for "the dashboard". Checked as
 * given and once more percent-decoded (`/%2F/host` must not become `//host`
 * if anything on the way decodes it again), then serialised as the browser
 * would: non-ASCII and other unsafe characters percent-encoded, so the value
 * always fits an HTTP header (a raw `日` made node refuse the header: a 500).
 */
export function safeNext(next: unknown): string | null {
  if (typeof next !== 'string' || next.length > MAX_NEXT_LENGTH) return null;
  let decoded: string;
  try {
    decoded = decodeURIComponent(next);
  } catch (error) {
    if (error instanceof URIError) return null; // a malformed %-escape: no page of ours has one
    throw error;
  }
  for (const form of [next, decoded]) {
    if (!SAME_SITE_PATH.test(form) || CONTROL.test(form)) return null;
  }
  const url = new URL(next, THIS_SITE);
  if (url.origin !== THIS_SITE) return null;
  return url.pathname + url.search + url.hash;
}
