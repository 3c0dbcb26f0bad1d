import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * zonectl's package.json: the nearest one above this code that names zonectl.
 * Searched upward because this code runs from src/version.ts (tsx) and from a
 * bundled chunk under dist/ (npm run build), at different depths.
 */
export function findPackageJson(from: string = dirname(fileURLToPath(import.meta.url))): string {
  for (let dir = from; ; dir = dirname(dir)) {
    const path = join(dir, 'package.json');
    try {
      if ((JSON.parse(readFileSync(path, 'utf8')) as { name?: unknown }).name === 'zonectl') return path;
    } catch {
      // no package.json here (or not JSON): keep looking upward
    }
    if (dirname(dir) === dir) throw new Error(`zonectl's package.json not found above ${from}`);
  }
}

/** The tool version, from package.json (read once at start). */
export const VERSION: string = (JSON.parse(readFileSync(findPackageJson(), 'utf8')) as { version: string }).version;
