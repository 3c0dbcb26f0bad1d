/**
 * Line-preserving edits of key/value files, the way their readers see them:
 *  - `java`: java.util.Properties (agent.properties): `key=value`, `key = value`,
 *    `key: value`, `key value`; `#`/`!` comments; a line ending in an odd
 *    number of backslashes continues on the next one.
 *  - `sysctl`: sysctl.d(5): `key = value`; `#`/`;` comments; an optional
 *    leading `-`; keys compare in canonical dotted form.
 *
 * This is the controller's prediction of an edit; key-lines-awk.ts performs
 * the very same edit on the host (tests run both on the same inputs). The edit
 * runs on the host, against the file as it is when the task's turn comes, so
 * several tasks can each manage their own keys of one file in one run.
 *
 * Rules of the edit (both implementations):
 *  - every line of a key in `set` becomes `<its own key and separator><value>`,
 *    its continuation lines dropped; every line of a key in `remove` goes;
 *  - keys of `set` not in the file are appended, in order, as `key=value`
 *    (java) or `key = value` (sysctl);
 *  - everything else is kept byte for byte, CR included; appended lines use
 *    CRLF when the file's first line does (and so does a last line that had
 *    no line ending at all);
 *  - the result ends with a newline.
 */
import { canonicalKey } from '../sysctl/keys.ts';

export type Dialect = 'java' | 'sysctl';

export interface KeyLine {
  /** The key as the file's reader compares it. */
  key: string;
  /** The line up to where the value starts (indent, key, separator). */
  prefix: string;
  /** The value as written (java: up to the end of the physical line). */
  value: string;
  /** 0-based line number. */
  line: number;
}

const JAVA_WS = new Set([' ', '\t', '\f']);

function oddTrailingBackslashes(s: string): boolean {
  let n = 0;
  for (let i = s.length - 1; i >= 0 && s[i] === '\\'; i--) n++;
  return n % 2 === 1;
}

function parseJava(s: string): { key: string; prefix: string; value: string } | null {
  let i = 0;
  const n = s.length;
  while (i < n && JAVA_WS.has(s[i] as string)) i++;
  if (i >= n || s[i] === '#' || s[i] === '!') return null;
  const start = i;
  while (i < n) {
    const c = s[i] as string;
    if (c === '\\') {
      i += 2;
      continue;
    }
    if (c === '=' || c === ':' || JAVA_WS.has(c)) break;
    i++;
  }
  i = Math.min(i, n);
  const key = s.slice(start, i);
  const keyEnd = i;
  while (i < n && JAVA_WS.has(s[i] as string)) i++;
  if (i < n && (s[i] === '=' || s[i] === ':')) {
    i++;
    while (i < n && JAVA_WS.has(s[i] as string)) i++;
  }
  // A bare `key` has no separator: give the rewritten line one.
  const prefix = i === keyEnd ? `${s.slice(0, i)}=` : s.slice(0, i);
  return { key, prefix, value: s.slice(i) };
}

function parseSysctl(s: string): { key: string; prefix: string; value: string } | null {
  const t = s.replace(/^[ \t]+/, '');
  if (t === '' || t[0] === '#' || t[0] === ';') return null;
  const eq = s.indexOf('=');
  if (eq === -1) return null;
  const key = canonicalKey(
    s
      .slice(0, eq)
      .replace(/^[ \t]+|[ \t]+$/g, '')
      .replace(/^-/, ''),
  );
  const rest = s.slice(eq + 1);
  const ws = /^[ \t]*/.exec(rest)?.[0].length ?? 0;
  return { key, prefix: s.slice(0, eq + 1 + ws), value: rest.slice(ws) };
}

interface PhysicalLine {
  text: string;
  cr: boolean;
}

function physicalLines(text: string): PhysicalLine[] {
  if (text === '') return [];
  const parts = text.split('\n');
  if (parts[parts.length - 1] === '') parts.pop();
  return parts.map((p) => (p.endsWith('\r') ? { text: p.slice(0, -1), cr: true } : { text: p, cr: false }));
}

/** Walks the logical entries of a file: each key line with its continuation lines. */
function* entries(text: string, dialect: Dialect): Generator<{ entry: KeyLine | null; lines: PhysicalLine[] }> {
  const lines = physicalLines(text);
  for (let i = 0; i < lines.length; i++) {
    const first = lines[i] as PhysicalLine;
    const parsed = dialect === 'java' ? parseJava(first.text) : parseSysctl(first.text);
    const group = [first];
    const line = i;
    if (parsed && dialect === 'java') {
      let cont = oddTrailingBackslashes(first.text);
      while (cont && i + 1 < lines.length) {
        const next = lines[++i] as PhysicalLine;
        group.push(next);
        cont = oddTrailingBackslashes(next.text);
      }
    }
    yield { entry: parsed ? { ...parsed, line } : null, lines: group };
  }
}

/** Every key line of the file, in order (duplicates included). */
export function readKeyLines(text: string, dialect: Dialect): KeyLine[] {
  const out: KeyLine[] = [];
  for (const { entry } of entries(text, dialect)) if (entry) out.push(entry);
  return out;
}

export interface KeyEdit {
  /** Keys (canonical for sysctl) → new value, in the order new keys are appended. */
  set: ReadonlyArray<readonly [string, string]>;
  remove: readonly string[];
}

export function editKeyLines(text: string, dialect: Dialect, edit: KeyEdit): string {
  const set = new Map(edit.set);
  const remove = new Set(edit.remove);
  const seen = new Set<string>();
  const all = physicalLines(text);
  const crlf = all[0]?.cr ?? false;
  const out: string[] = [];
  for (const { entry, lines } of entries(text, dialect)) {
    if (entry && set.has(entry.key)) {
      out.push(`${entry.prefix}${set.get(entry.key)}${lines[0]?.cr ? '\r' : ''}`);
      seen.add(entry.key);
    } else if (!(entry && remove.has(entry.key))) {
      for (const l of lines) out.push(`${l.text}${l.cr ? '\r' : ''}`);
    }
  }
  // In a CRLF file, the line that ended without a newline ends with CRLF now too.
  const last = out.length - 1;
  if (crlf && last >= 0 && !(out[last] as string).endsWith('\r')) out[last] = `${out[last] as string}\r`;
  const separator = dialect === 'java' ? '=' : ' = ';
  for (const [key, value] of edit.set) {
    if (!seen.has(key)) out.push(`${key}${separator}${value}${crlf ? '\r' : ''}`);
  }
  return out.length === 0 ? '' : `${out.join('\n')}\n`;
}
