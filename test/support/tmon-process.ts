/** tmon as a real child process (`tmon serve`), for tests about signals, restarts and the CLI. */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const MAIN = path.join(REPO, 'src/main.ts');

const BASE_ENV = { ...process.env, TMON_LOG_LEVEL: 'warn', TMON_ADMIN_PASSWORD: 'admin-password-1' };

/** Runs a CLI command to completion (killed after `timeoutMs`: a command that should have stopped fails the test, not hangs it). */
export function tmonCli(args: string[], env: Record<string, string> = {}, timeoutMs = 60_000) {
  const result = spawnSync(process.execPath, ['--import', 'tsx', MAIN, ...args], {
    cwd: REPO,
    env: { ...BASE_ENV, ...env },
    encoding: 'utf8',
    timeout: timeoutMs,
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

export interface ServerProcess {
  child: ChildProcess;
  url: string;
  output: () => string;
}

export interface ServerOptions {
  /** the process's limit of open files (`ulimit -n`), set by the shell that starts it */
  fdLimit?: number;
}

/** Starts `tmon serve` on a free port and resolves once it prints where it listens. */
export function startServer(
  dataDir: string,
  env: Record<string, string> = {},
  port = 0,
  options: ServerOptions = {},
): Promise<ServerProcess> {
  const serve = ['--import', 'tsx', MAIN, 'serve', '--port', String(port), '--data', dataDir];
  // bash sets the limit, then becomes node (exec): the child's pid is tmon's
  const [command, args] =
    options.fdLimit === undefined
      ? [process.execPath, serve]
      : ['bash', ['-c', `ulimit -n ${options.fdLimit} && exec "$0" "$@"`, process.execPath, ...serve]];
  const child = spawn(command, args, {
    cwd: REPO,
    env: { ...BASE_ENV, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return listeningServer(child);
}

/** A started `tmon serve` child, once it prints where it listens (its output kept for failure messages). */
export function listeningServer(child: ChildProcess): Promise<ServerProcess> {
  let out = '';
  child.stderr?.on('data', (chunk) => {
    out += chunk;
  });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`tmon did not start in 30 s:\n${out}`)), 30_000);
    child.stdout?.on('data', (chunk) => {
      out += chunk;
      const match = /listening on (http:\/\/\S+)/.exec(out);
      if (match) {
        clearTimeout(timer);
        resolve({ child, url: match[1]!, output: () => out });
      }
    });
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`tmon exited with ${code} before listening:\n${out}`));
    });
  });
}

export function exited(child: ChildProcess): Promise<number | null> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(child.exitCode);
  return new Promise((resolve) => child.once('exit', (code) => resolve(code)));
}
