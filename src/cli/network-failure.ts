/**
 * What `tmon send` and `tmon loadgen` print when tmon cannot be reached: one
 * line naming the address, the cause in words and the tries it took, e.g.
 * "cannot reach http://127.0.0.1:1: connection refused (3 tries in 2.1 s)".
 */

const REASONS: Record<string, string> = {
  ECONNREFUSED: 'connection refused',
  ECONNRESET: 'connection reset',
  ENOTFOUND: 'host not found',
  EAI_AGAIN: 'host name lookup failed',
  EHOSTUNREACH: 'host unreachable',
  ENETUNREACH: 'network unreachable',
  ETIMEDOUT: 'connection timed out',
  UND_ERR_CONNECT_TIMEOUT: 'connection timed out',
  UND_ERR_SOCKET: 'connection closed',
  EPROTO: 'TLS handshake failed',
  DEPTH_ZERO_SELF_SIGNED_CERT: 'self-signed TLS certificate',
  CERT_HAS_EXPIRED: 'expired TLS certificate',
};

/**
 * The reason in words, from fetch's errors (a TypeError whose cause has the
 * code) as from node:http's (the code on the error itself).
 */
export function networkFailureReason(error: unknown): string {
  let current: unknown = error;
  let deepestMessage = error instanceof Error ? error.message : String(error);
  // fetch wraps the socket error one or two levels down: TypeError "fetch failed" → cause (→ AggregateError)
  for (let depth = 0; depth < 4 && current instanceof Error; depth += 1) {
    if (current.name === 'TimeoutError') return 'no answer in time';
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string') return REASONS[code] ?? code;
    deepestMessage = current.message;
    current = (current as { cause?: unknown }).cause;
  }
  // fetch refuses the ports browsers block (1, 6000, …) before connecting: "bad port" says which
  return deepestMessage === 'bad port' ? 'a port that fetch refuses to connect to' : deepestMessage;
}

export function cannotReachMessage(server: string, reason: string, tries: number, elapsedMs: number): string {
  const triesText = `${tries} ${tries === 1 ? 'try' : 'tries'} in ${(elapsedMs / 1000).toFixed(1)} s`;
  return `cannot reach ${server}: ${reason} (${triesText})`;
}
