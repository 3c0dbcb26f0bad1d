/**
 * Locations checked on every YAML file under test/fixtures (whoever wrote it):
 * each mapping key is found at its own text, and each string value at its text
 * (or at the quote, block indicator, tag or alias that starts it).
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseYaml } from '../../src/yaml/index.ts';

function yamlFiles(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir).sort()) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) out.push(...yamlFiles(path));
    else if (/\.ya?ml$/.test(name)) out.push(path);
  }
  return out;
}

function* leaves(value: unknown, path: (string | number)[] = []): Generator<{ path: (string | number)[]; value: unknown }> {
  if (path.length) yield { path, value };
  if (Array.isArray(value)) for (let i = 0; i < value.length; i++) yield* leaves(value[i], [...path, i]);
  else if (value && typeof value === 'object') for (const [k, v] of Object.entries(value)) yield* leaves(v, [...path, k]);
}

const files = yamlFiles('test/fixtures').filter((f) => {
  const text = readFileSync(f, 'utf8');
  // Merge keys and aliases put values where their text is not: nothing to compare.
  return !/<<:|\*\w/.test(text);
});

describe('locations in every YAML fixture', () => {
  it('has fixtures to check', () => {
    expect(files.length).toBeGreaterThan(10);
  });

  it.each(files)('%s', (file) => {
    const text = readFileSync(file, 'utf8');
    let doc;
    try {
      doc = parseYaml(text, file);
    } catch {
      return; // a fixture that is invalid on purpose
    }
    const lines = text.replace(/^\uFEFF/, '').split(/\r\n|\r|\n/);
    const at = (loc: { line: number; col: number }, length: number): string => (lines[loc.line - 1] ?? '').slice(loc.col - 1, loc.col - 1 + length);
    for (const { path, value } of leaves(doc.value)) {
      const last = path[path.length - 1];
      if (typeof last === 'string') {
        const key = at(doc.locateKey(path), last.length + 1);
        expect(key.startsWith(last) || /^["'?]/.test(key), `key ${path.join('.')} at ${JSON.stringify(key)}`).toBe(true);
      }
      if (typeof value === 'string' && value !== '' && !value.startsWith('@@secret(')) {
        const first = value.split('\n')[0]?.split(' ')[0] ?? '';
        const shown = at(doc.locate(path), Math.max(first.length, 1));
        expect(shown === first || /^["'|>!&]/.test(shown), `value ${path.join('.')} at ${JSON.stringify(shown)}, expected ${JSON.stringify(first)}`).toBe(true);
      }
    }
  });
});
