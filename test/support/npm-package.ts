/**
 * npm as a user runs it, for the packaging tests: pack a folder into a
 * tarball, install a tarball into an empty folder.
 */
import { readdir, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { type CommandResult, describeResult, runCommand } from './run-command.js';

/**
 * The environment without the npm_* variables an enclosing `npm test` sets
 * (npm_config_*, npm_lifecycle_*): the npm run here must see only its own
 * command line and the user's config, as it would from a shell.
 */
function npmEnv(): NodeJS.ProcessEnv {
  return Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.toLowerCase().startsWith('npm_')));
}

export function npm(args: string[], cwd: string, timeoutMs: number): Promise<CommandResult> {
  return runCommand('npm', args, { cwd, timeoutMs, env: npmEnv() });
}

export interface PackedTarball {
  file: string;
  bytes: number;
  elapsedMs: number;
}

/** `npm pack` in `folder` (its prepack script builds it first), the tarball written to `destination` */
export async function npmPack(folder: string, destination: string, timeoutMs: number): Promise<PackedTarball> {
  const result = await npm(['pack', '--pack-destination', destination], folder, timeoutMs);
  if (result.status !== 0) throw new Error(`npm pack failed in ${folder}: ${describeResult(result)}`);
  const tarballs = (await readdir(destination)).filter((name) => name.endsWith('.tgz'));
  if (tarballs.length !== 1) throw new Error(`expected one tarball in ${destination}, found ${tarballs.join(', ')}`);
  const file = path.join(destination, tarballs[0]!);
  return { file, bytes: (await stat(file)).size, elapsedMs: result.elapsedMs };
}

/**
 * `npm install --omit=dev` of a tarball into `prefix`, an empty folder:
 * production dependencies only. npm 11 skips every dependency's install
 * script unless the project allows it, and refuses --allow-scripts in a
 * project install, so the prefix gets a package.json whose allowScripts names
 * `allowScripts` (what a user's own project would hold; `-g` takes the flag).
 * --prefer-offline: packages already in npm's cache are not fetched again.
 */
export async function npmInstallTarball(
  tarball: string,
  prefix: string,
  allowScripts: string[],
  timeoutMs: number,
): Promise<CommandResult> {
  const manifest = {
    name: 'tmon-install-test',
    private: true,
    allowScripts: Object.fromEntries(allowScripts.map((name) => [name, true])),
  };
  await writeFile(path.join(prefix, 'package.json'), `${JSON.stringify(manifest, null, 2)}\n`);
  const args = ['install', '--omit=dev', '--no-audit', '--no-fund', '--prefer-offline', '--prefix', prefix, tarball];
  const result = await npm(args, prefix, timeoutMs);
  if (result.status !== 0) throw new Error(`npm install ${tarball} failed: ${describeResult(result)}`);
  return result;
}
