import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { UserError } from '../../src/errors/index.ts';
import { loadYamlFile, parseYaml, type YamlDocument } from '../../src/yaml/index.ts';

/** The error line a user sees for a document that fails to parse. */
function errorOf(text: string): string {
  try {
    parseYaml(text, 'f.yml');
  } catch (error) {
    expect(error).toBeInstanceOf(UserError);
    return (error as UserError).format();
  }
  throw new Error('expected a UserError');
}

/** The source text at a location (to check that a location points at what it should). */
function textAt(text: string, loc: { line: number; col: number }, length: number): string {
  const line = text.split(/\r\n|\r|\n/)[loc.line - 1] ?? '';
  return line.slice(loc.col - 1, loc.col - 1 + length);
}

/** Every path to every key and leaf of a value. */
function* paths(value: unknown, prefix: (string | number)[] = []): Generator<{ path: (string | number)[]; value: unknown }> {
  yield { path: prefix, value };
  if (Array.isArray(value)) for (let i = 0; i < value.length; i++) yield* paths(value[i], [...prefix, i]);
  else if (value && typeof value === 'object') for (const [k, v] of Object.entries(value)) yield* paths(v, [...prefix, k]);
}

const INVENTORY = `# a realistic Ansible inventory
all:
  vars:
    ntp_server: 10.0.0.1   # trailing comment
    dns: [10.0.0.2, "10.0.0.3"]
  children:
    hypervisors:
      hosts:
        kvm01:
          ansible_host: 192.0.2.11
          uplinks:
            - eth1
            - 'eth2'
        kvm02: { ansible_host: 192.0.2.12, become: yes }
      vars:
        bridge: cloudbr1
    routers:
      hosts:
        r1:

          # blank line and comment before the value
          address: "198.51.100.1"
`;

describe('parseYaml locations', () => {
  const doc = parseYaml(INVENTORY, 'inv.yml');

  it('locates values and keys at exact 1-based line:col', () => {
    expect(doc.locate(['all', 'vars', 'ntp_server'])).toEqual({ file: 'inv.yml', line: 4, col: 17 });
    expect(doc.locateKey(['all', 'vars', 'ntp_server'])).toEqual({ file: 'inv.yml', line: 4, col: 5 });
    expect(doc.locate(['all', 'vars', 'dns', 1])).toEqual({ file: 'inv.yml', line: 5, col: 21 });
    expect(doc.locate(['all', 'children', 'hypervisors', 'hosts', 'kvm01', 'uplinks', 1])).toEqual({ file: 'inv.yml', line: 13, col: 15 });
    expect(doc.locate(['all', 'children', 'hypervisors', 'hosts', 'kvm02', 'become'])).toEqual({ file: 'inv.yml', line: 14, col: 52 });
    expect(doc.locate(['all', 'children', 'routers', 'hosts', 'r1', 'address'])).toEqual({ file: 'inv.yml', line: 22, col: 20 });
  });

  it('points every key and scalar at its own text', () => {
    const texts = [INVENTORY, 'l:\n  - a\n  -\n  - {p: "1"}\n  - - x\n    - y\nm: [q, {r: [s, t]}]\n', '? a\n? b\n: c\nq: {a: b, c: [d, e]}\n'];
    for (const text of texts) {
      const d = parseYaml(text, 't.yml');
      let checked = 0;
      for (const { path, value } of paths(d.value)) {
        const last = path[path.length - 1];
        if (typeof last === 'string') expect(textAt(text, d.locateKey(path), last.length), `key ${path.join('.')}`).toBe(last);
        if (typeof value === 'string') {
          const at = textAt(text, d.locate(path), value.length + 1);
          expect(at.startsWith(value) || at === `"${value}` || at === `'${value}`, `value ${path.join('.')} at ${JSON.stringify(at)}`).toBe(true);
          checked++;
        }
      }
      expect(checked).toBeGreaterThanOrEqual(4);
    }
  });

  it('falls back to the nearest existing ancestor for a missing path', () => {
    expect(doc.locate(['all', 'children', 'routers', 'hosts', 'r1', 'nope', 3])).toEqual(doc.locate(['all', 'children', 'routers', 'hosts', 'r1']));
    expect(doc.locateKey(['all', 'vars', 'missing'])).toEqual(doc.locate(['all', 'vars']));
    expect(doc.locate(['all', 'vars', 'dns', 7])).toEqual({ file: 'inv.yml', line: 5, col: 10 });
  });

  it('shows an empty value at its key', () => {
    const d = parseYaml('all:\n  hosts:\n  vars: {}\n', 'e.yml');
    expect(d.value).toEqual({ all: { hosts: null, vars: {} } });
    expect(d.locate(['all', 'hosts'])).toEqual({ file: 'e.yml', line: 2, col: 3 });
    expect(d.locate(['all', 'vars'])).toEqual({ file: 'e.yml', line: 3, col: 9 });
  });

  it('handles sequences with empty items, nested sequences and flow collections in sequences', () => {
    const text = 'l:\n  - a\n  -\n  - {p: 1}\n  - - x\n    - y\nm: [q, {r: [1, 2]}]\n';
    const d = parseYaml(text, 's.yml');
    expect(d.value).toEqual({ l: ['a', null, { p: 1 }, ['x', 'y']], m: ['q', { r: [1, 2] }] });
    expect(d.locate(['l', 0])).toEqual({ file: 's.yml', line: 2, col: 5 });
    expect(d.locate(['l', 2, 'p'])).toEqual({ file: 's.yml', line: 4, col: 9 });
    expect(d.locateKey(['l', 2, 'p'])).toEqual({ file: 's.yml', line: 4, col: 6 });
    expect(d.locate(['l', 3, 1])).toEqual({ file: 's.yml', line: 6, col: 7 });
    expect(d.locate(['m', 1, 'r', 1])).toEqual({ file: 's.yml', line: 7, col: 16 });
  });

  it('handles explicit keys, block scalars, anchors and merge keys', () => {
    const text = '? a\n? b\n: 2\nm: |\n  text\nbase: &b {x: 1}\nc:\n  <<: *b\n  y: 2\n&t k: v\n';
    const d = parseYaml(text, 'x.yml');
    expect(d.value).toEqual({ a: null, b: 2, m: 'text\n', base: { x: 1 }, c: { x: 1, y: 2 }, k: 'v' });
    expect(d.locateKey(['b'])).toEqual({ file: 'x.yml', line: 2, col: 3 });
    expect(d.locate(['b'])).toEqual({ file: 'x.yml', line: 3, col: 3 });
    expect(d.locate(['m'])).toEqual({ file: 'x.yml', line: 4, col: 4 });
    expect(d.locate(['c', 'y'])).toEqual({ file: 'x.yml', line: 9, col: 6 });
    // A merged value is written elsewhere: the mapping that merges it is shown.
    expect(d.locate(['c', 'x'])).toEqual({ file: 'x.yml', line: 8, col: 3 });
    // `&t k: v` makes js-yaml backtrack; the re-read must not leave stray nodes.
    expect(d.locate(['k'])).toEqual({ file: 'x.yml', line: 10, col: 7 });
  });

  it('counts lines the way js-yaml does with CRLF and a BOM', () => {
    const d = parseYaml('\uFEFFa: 1\r\nb:\r\n  c: 2\r\n', 'w.yml');
    expect(d.value).toEqual({ a: 1, b: { c: 2 } });
    expect(d.locate(['b', 'c'])).toEqual({ file: 'w.yml', line: 3, col: 6 });
    expect(errorOf('a: 1\r\na: 2\r\n')).toBe('f.yml:2:1: duplicate key "a" (a key may appear only once in a mapping)');
  });
});

describe('parseYaml values', () => {
  it('reads scalars as Ansible (YAML 1.1) does for booleans and octal, keeps dates and MACs as strings', () => {
    const d = parseYaml('a: yes\nb: Off\nc: 0644\nd: 0o17\ne: 0x1F\nf: 1_000\ng: 2024-01-01\nh: 52:54:00:12:34:56\ni: ~\nj: 1.5\nk: "yes"\nl: -012\n', 'f.yml');
    expect(d.value).toEqual({ a: true, b: false, c: 420, d: 15, e: 31, f: 1000, g: '2024-01-01', h: '52:54:00:12:34:56', i: null, j: 1.5, k: 'yes', l: -10 });
  });

  it('gives null for an empty file or one with only comments', () => {
    expect(parseYaml('', 'f.yml').value).toBeNull();
    expect(parseYaml('# nothing\n', 'f.yml').value).toBeNull();
    expect(parseYaml('', 'f.yml').locate(['a'])).toEqual({ file: 'f.yml', line: 1, col: 1 });
  });

  it('turns !secret NAME into the secret placeholder', () => {
    expect(parseYaml('p: !secret bgp.peer-1\nl: [!secret a, !secret "b"]\n', 'f.yml').value).toEqual({ p: '@@secret(bgp.peer-1)@@', l: ['@@secret(a)@@', '@@secret(b)@@'] });
  });
});

describe('parseYaml errors', () => {
  it('reports each problem as file:line:col with what is allowed', () => {
    expect(errorOf('all:\n  hosts:\n    a: 1\n    b: 2\n    a: 3\n')).toBe('f.yml:5:5: duplicate key "a" (a key may appear only once in a mapping)');
    expect(errorOf('x: {"k": 1, "k": 2}\n')).toBe('f.yml:1:13: duplicate key "k" (a key may appear only once in a mapping)');
    expect(errorOf('a: 1\n\n---\nb: 2\n')).toBe("f.yml:3:1: more than one YAML document in this file (one document per file; remove the extra '---')");
    expect(errorOf('x:\n  y: !foo bar\n')).toBe('f.yml:2:6: unknown tag !foo (allowed: !secret NAME)');
    expect(errorOf('pw: !vault |\n  $ANSIBLE_VAULT;1.1;AES256\n')).toBe('f.yml:1:5: unknown tag !vault (Ansible Vault is not supported; use !secret NAME)');
    expect(errorOf('pw: !secret "bad name"\n')).toBe('f.yml:1:5: invalid secret name "bad name" (!secret NAME, where NAME has letters, digits, _ . : -)');
    expect(errorOf('pw: !secret\n  a: 1\n')).toBe('f.yml:1:5: !secret must be followed by a name (!secret NAME, not a list or mapping)');
    expect(errorOf('a: [1, 2\n')).toBe('f.yml:2:1: invalid YAML: unexpected end of the stream within a flow collection');
    expect(errorOf('a:\n  b: 1\n c: 2\n')).toBe('f.yml:3:2: invalid YAML: bad indentation of a mapping entry');
    expect(errorOf('a: *nope\n')).toBe('f.yml:1:9: invalid YAML: unidentified alias "nope"');
  });
});

describe('loadYamlFile', () => {
  const dir = mkdtempSync(join(tmpdir(), 'zonectl-yaml-test-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('reads a file and keeps the path as given in locations', () => {
    const file = join(dir, 'a.yml');
    writeFileSync(file, 'k: v\n');
    const doc: YamlDocument = loadYamlFile(file);
    expect(doc.value).toEqual({ k: 'v' });
    expect(doc.locate(['k'])).toEqual({ file, line: 1, col: 4 });
  });

  it('makes a missing file a user error', () => {
    expect(() => loadYamlFile(join(dir, 'missing.yml'))).toThrowError(UserError);
    expect(() => loadYamlFile(join(dir, 'missing.yml'))).toThrow(`cannot read ${join(dir, 'missing.yml')}: no such file`);
  });
});
