/** Child processes of the benchmarks: servers waited for until they print their URL, CLI commands run to the end. */
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { pinnedCommand } from './cores.js';

/** The repository root (bench/support/ → ../..). */
export const REPO_ROOT = path.resolve(import.meta.dirname, '../..');

export interface ServerProcess {
  pid: number;
  port: number;
  /** the line it printed to say it listens */
  readyLine: string;
  /** everything it wrote to stderr so far (for error reports) */
  stderr(): string;
  /** SIGTERM, then waits for the exit (SIGKILL after `graceMs`); resolves to the exit code */
  stop(graceMs?: number): Promise<number | null>;
}

export interface SpawnServerOptions {
  name: string;
  args: string[];
  env?: Record<string, string>;
  /** a line on stdout that says it listens; its first group is the port */
  ready: RegExp;
  timeoutMs?: number;
  /** run it (every thread) on this core only */
  core?: number | null;
}

/** Starts `node <args>` in the repository root and resolves once it printed `ready`. */
export function spawnServer(options: SpawnServerOptions): Promise<ServerProcess> {
  // taskset execs node in its own process: the child's pid is node's
  const [command, args] = pinnedCommand(options.core, options.args);
  const child = spawn(command, args, {
    cwd: REPO_ROOT,
    env: { ...process.env, ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
    stderr += chunk;
    if (stderr.length > 64 * 1024) stderr = stderr.slice(-32 * 1024);
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));

  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${options.name} did not start within ${options.timeoutMs ?? 30_000} ms:\n${stdout}${stderr}`));
    }, options.timeoutMs ?? 30_000);
    const early = (code: number | null) => {
      clearTimeout(timer);
      reject(new Error(`${options.name} exited (${code}) before it listened:\n${stdout}${stderr}`));
    };
    child.once('exit', early);
    child.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
      if (stdout.length < 64 * 1024) stdout += chunk;
      const match = options.ready.exec(stdout);
      if (match?.[1] === undefined || child.pid === undefined) return;
      clearTimeout(timer);
      child.off('exit', early);
      const readyLine = stdout.slice(match.index).split('\n', 1)[0] as string;
      resolve(serverHandle(child, { port: Number(match[1]), readyLine }, () => stderr, exited));
    });
  });
}

function serverHandle(
  child: ChildProcess,
  listening: { port: number; readyLine: string },
  stderr: () => string,
  exited: Promise<number | null>,
): ServerProcess {
  return {
    pid: child.pid as number,
    ...listening,
    stderr,
    async stop(graceMs = 30_000) {
      if (child.exitCode !== null || child.signalCode !== null) return child.exitCode;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
      const code = await exited;
      clearTimeout(timer);
      return code;
    },
  };
}

const execFileAsync = promisify(execFile);

/** Runs `node dist/src/main.js <args>` (the built tmon CLI) and returns its stdout, trimmed. */
export async function runTmonCli(args: string[], env: Record<string, string> = {}): Promise<string> {
  const { stdout } = await execFileAsync(process.execPath, ['dist/src/main.js', ...args], {
    cwd: REPO_ROOT,
    env: { ...process.env, TMON_LOG_LEVEL: 'warn', ...env },
    maxBuffer: 1024 * 1024,
  });
  return stdout.trim();
}
