import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The folder holding tmon's package.json, whether tmon runs from its sources
 * (src/…) or from the compiled build (dist/src/…): built UI files and docs are
 * found relative to it.
 */
export function packageRoot(): string {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  while (!existsSync(path.join(dir, 'package.json'))) {
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error('cannot find tmon package.json above its code');
    dir = parent;
  }
  return dir;
}
