/**
 * Where `tmon logs follow` keeps its offset state and its spool when --state
 * and --spool are not given: one state file per set of followed files, under
 * $XDG_STATE_HOME/tmon (else ~/.local/state/tmon), named by a hash of their
 * absolute paths, so two followers of different logs never share one; the
 * spool beside it.
 */
import { createHash } from 'node:crypto';
import os from 'node:os';
import path from 'node:path';

export interface FollowLocations {
  readonly stateFile: string;
  readonly spoolDirectory: string;
}

export function followLocations(
  absoluteFiles: readonly string[],
  chosen: { state?: string | undefined; spool?: string | undefined },
  /** $XDG_STATE_HOME (sender-environment.ts) */
  xdgStateHome: string | undefined,
): FollowLocations {
  const stateFile =
    chosen.state === undefined ? defaultStateFile(absoluteFiles, xdgStateHome) : path.resolve(chosen.state);
  const spoolDirectory =
    chosen.spool === undefined ? `${stateFile.replace(/\.json$/, '')}.spool` : path.resolve(chosen.spool);
  return { stateFile, spoolDirectory };
}

function defaultStateFile(absoluteFiles: readonly string[], xdgStateHome: string | undefined): string {
  // the XDG rule: a relative $XDG_STATE_HOME is invalid and ignored
  const stateHome =
    xdgStateHome !== undefined && path.isAbsolute(xdgStateHome)
      ? xdgStateHome
      : path.join(os.homedir(), '.local', 'state');
  // sorted: the same files named in another order are the same follower
  const key = createHash('sha256')
    .update([...absoluteFiles].sort().join('\n'))
    .digest('hex')
    .slice(0, 16);
  return path.join(stateHome, 'tmon', `follow-${key}.json`);
}
