/**
 * The one place where `tmon send` and `tmon loadgen` read the environment, as
 * config.ts is for the server: TMON_SERVER, the default of --server. The
 * senders need no other setting of the server's Config (and must not fail on
 * a server setting that is invalid where they run).
 */

export interface SenderEnvironment {
  /** TMON_SERVER: where tmon is when --server is not given */
  readonly server: string | undefined;
}

export function senderEnvironment(env: Record<string, string | undefined> = process.env): SenderEnvironment {
  const server = env.TMON_SERVER?.trim();
  return Object.freeze({ server: server === undefined || server === '' ? undefined : server });
}
