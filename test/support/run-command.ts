/**
 * A command run to completion without blocking this process (a tmon served
 * from here keeps answering meanwhile), killed after `timeoutMs` so a stuck
 * npm fails its test rather than hanging it.
 */
import { spawn } from 'node:child_process';

export interface CommandResult {
  status: number | null;
  stdout: string;
  stderr: string;
  elapsedMs: number;
}

export interface CommandOptions {
  cwd: string;
  timeoutMs: number;
  env?: NodeJS.ProcessEnv;
}

export function runCommand(command: string, args: string[], options: CommandOptions): Promise<CommandResult> {
  const started = performance.now();
  const child = spawn(command, args, {
    cwd: options.cwd,
    env: options.env ?? process.env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk) => {
    stdout += chunk;
  });
  child.stderr.on('data', (chunk) => {
    stderr += chunk;
  });
  const timer = setTimeout(() => {
    stderr += `\n[killed after ${options.timeoutMs} ms]`;
    child.kill('SIGKILL');
  }, options.timeoutMs);
  return new Promise((resolve, reject) => {
    child.once('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.once('close', (status) => {
      clearTimeout(timer);
      resolve({ status, stdout, stderr, elapsedMs: performance.now() - started });
    });
  });
}

/** what `command` printed, for an assertion's message */
export function describeResult(result: CommandResult): string {
  return `exit ${result.status}\n--- stdout\n${result.stdout.slice(-4000)}\n--- stderr\n${result.stderr.slice(-4000)}`;
}
