/** Many dashboards on one service: live streams held open and read by a process of their own (viewers-process.ts). */
import { spawn } from 'node:child_process';
import path from 'node:path';
import { REPO_ROOT } from './processes.js';
import type { ViewersReport, ViewersSettings } from './viewers-process.js';

export interface Viewers {
  pid: number;
  /** ends every stream; resolves to what they received while open */
  close(): Promise<{ bytes: number; frames: number }>;
}

/** Opens `settings.count` streams at once; resolves once all answered 200, rejects when any did not. */
export async function openViewers(settings: ViewersSettings): Promise<Viewers> {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', path.join(REPO_ROOT, 'bench/support/viewers-process.ts'), JSON.stringify(settings)],
    { cwd: REPO_ROOT, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] },
  );
  const next = <K extends ViewersReport['kind']>(kind: K) =>
    new Promise<Extract<ViewersReport, { kind: K }>>((resolve, reject) => {
      const onMessage = (message: ViewersReport) => {
        if (message.kind !== kind) return;
        child.off('exit', onExit);
        child.off('message', onMessage);
        resolve(message as Extract<ViewersReport, { kind: K }>);
      };
      const onExit = (code: number | null) => reject(new Error(`the viewers' process exited (${code})`));
      child.on('message', onMessage);
      child.once('exit', onExit);
    });
  const opened = await next('opened');
  if (opened.firstRefusal !== null) {
    child.kill();
    throw new Error(`${settings.count - opened.opened} of ${settings.count} streams refused: ${opened.firstRefusal}`);
  }
  return {
    pid: child.pid as number,
    async close() {
      const closed = next('closed');
      child.send('close');
      const { bytes, frames } = await closed;
      return { bytes, frames };
    },
  };
}
