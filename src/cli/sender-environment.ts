/**
 * The one place where the sending commands (`tmon send`, `tmon loadgen`,
 * `tmon logs`) read the environment, as config.ts is for the server:
 * TMON_SERVER, the default of --server, TMON_TOKEN, the default of
 * `tmon logs`' --token, and XDG_STATE_HOME, under which `tmon logs follow`
 * keeps its state. The senders need no other setting of the server's
 * Config (and must not fail on a server setting that is invalid where they run).
 */

export interface SenderEnvironment {
  /** TMON_SERVER: where tmon is when --server is not given */
  readonly server: string | undefined;
  /** TMON_TOKEN: the ingest token `tmon logs` sends with when --token is not given */
  readonly token: string | undefined;
  /** XDG_STATE_HOME: where `tmon logs follow` keeps its state when --state is not given */
  readonly stateHome: string | undefined;
}

export function senderEnvironment(env: Record<string, string | undefined> = process.env): SenderEnvironment {
  return Object.freeze({
    server: setting(env.TMON_SERVER),
    token: setting(env.TMON_TOKEN),
    stateHome: setting(env.XDG_STATE_HOME),
  });
}

/** an empty or blank variable counts as unset */
function setting(value: string | undefined): string | undefined {
  const trimmed = value?.trim();
  return trimmed === undefined || trimmed === '' ? undefined : trimmed;
}
