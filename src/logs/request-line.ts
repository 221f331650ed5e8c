/**
 * `"%r"` / `"$request"`: `METHOD TARGET PROTOCOL`, split without a regular
 * expression. Anything else — `-` for a connection closed before a request,
 * a TLS handshake sent to a plain-HTTP port (`\x16\x03\x01…`), a scanner's
 * junk — is not a request line, and the parser refuses the line.
 */

export interface RequestLine {
  method: string;
  target: string;
  protocol: string;
}

/** The three parts, or null when `text` is not a request line. */
export function splitRequestLine(text: string): RequestLine | null {
  const parts: RequestLine = { method: '', target: '', protocol: '' };
  return readRequestLine(text, parts) ? parts : null;
}

/** Fills `into` with the three parts; false when `text` is not a request line. A parser reuses one `into` per line. */
export function readRequestLine(text: string, into: RequestLine): boolean {
  const firstSpace = text.indexOf(' ');
  const lastSpace = text.lastIndexOf(' ');
  if (firstSpace <= 0 || lastSpace === firstSpace || lastSpace === text.length - 1) return false;
  const method = text.slice(0, firstSpace);
  const protocol = text.slice(lastSpace + 1);
  if (!isMethod(method) || !isHttpProtocol(protocol)) return false;
  // A target with spaces in it comes from a client that did not encode it; nginx logs it as sent.
  const target = text.slice(firstSpace + 1, lastSpace);
  if (target.length === 0 || target.charCodeAt(0) === 0x20) return false;
  into.method = method;
  into.target = target;
  into.protocol = protocol;
  return true;
}

/** An HTTP method token: upper-case letters, `-` and `_` (WebDAV's VERSION-CONTROL, M-SEARCH). */
export function isMethod(text: string): boolean {
  if (text.length === 0 || text.length > 32) return false;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (!((code >= 65 && code <= 90) || code === 45 || code === 95)) return false;
  }
  return true;
}

function isHttpProtocol(text: string): boolean {
  // HTTP/1.0, HTTP/1.1, HTTP/2.0, HTTP/3.0 (nginx writes HTTP/2.0; Caddy and Traefik write it too)
  return text.length >= 6 && text.startsWith('HTTP/') && text.charCodeAt(5) >= 48 && text.charCodeAt(5) <= 57;
}
