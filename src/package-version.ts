import { readFileSync } from 'node:fs';
import path from 'node:path';
import { packageRoot } from './package-root.js';

/**
 * tmon's version, from its own package.json: read from disk rather than
 * imported, because the file sits one folder higher in the build (dist/src/…)
 * than in the sources (src/…), and packageRoot() finds it from either.
 */
export function packageVersion(): string {
  const manifest = JSON.parse(readFileSync(path.join(packageRoot(), 'package.json'), 'utf8')) as { version: string };
  return manifest.version;
}
