/**
 * OpenSSH known_hosts: parse, look up a host's keys, and append new ones.
 *
 * Supported as OpenSSH writes them: hashed names (`|1|salt|hash`, HMAC-SHA1),
 * `[host]:port` for ports other than 22, comma-separated host lists with
 * `*`/`?`/`!` patterns, several key types per host, comments and blank lines,
 * `@revoked` (a revoked key is refused) and `@cert-authority` (skipped: zonectl
 * does not verify host certificates, so a CA line never vouches for a key).
 * Lines that cannot be parsed are skipped, as ssh does, and remembered.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { appendFileSync, closeSync, fstatSync, mkdirSync, openSync, readFileSync, readSync } from 'node:fs';
import { dirname } from 'node:path';
import { keyTypeOf } from './fingerprint.ts';
import { knownHostsName, matchesHostPatterns } from './host-pattern.ts';

export type HostKeyStatus = 'match' | 'unknown' | 'changed';

export interface KnownHostEntry {
  /** 1-based line number in the file. */
  line: number;
  marker: 'revoked' | 'cert-authority' | null;
  /** The host field as written: a pattern list or one hashed name. */
  hosts: string;
  keyType: string;
  key: Buffer;
}

/** What known_hosts says about one presented key, with the lines that say it. */
export interface HostKeyVerdict {
  status: HostKeyStatus;
  /** Why a key is refused: it is revoked, or the host is known with other keys. */
  reason?: 'revoked' | 'different-key';
  /** The entries for this host (revoked ones included) that led to the verdict. */
  entries: KnownHostEntry[];
}

const HASHED = /^\|1\|([A-Za-z0-9+/=]+)\|([A-Za-z0-9+/=]+)$/;

function hashedNameMatches(field: string, name: string): boolean {
  const m = HASHED.exec(field);
  if (!m) return false;
  const salt = Buffer.from(m[1] as string, 'base64');
  const expected = Buffer.from(m[2] as string, 'base64');
  const actual = createHmac('sha1', salt).update(name).digest();
  return expected.length === actual.length && timingSafeEqual(expected, actual);
}

function entryMatches(entry: KnownHostEntry, name: string): boolean {
  return entry.hosts.startsWith('|') ? hashedNameMatches(entry.hosts, name) : matchesHostPatterns(name, entry.hosts);
}

function parseLine(text: string, line: number): KnownHostEntry | 'skip' | 'invalid' {
  const trimmed = text.trim();
  if (trimmed === '' || trimmed.startsWith('#')) return 'skip';
  const fields = trimmed.split(/\s+/);
  let marker: KnownHostEntry['marker'] = null;
  if (fields[0]?.startsWith('@')) {
    const word = fields.shift();
    if (word === '@revoked') marker = 'revoked';
    else if (word === '@cert-authority') marker = 'cert-authority';
    else return 'invalid';
  }
  const [hosts, keyType, keyText] = fields;
  if (!hosts || !keyType || !keyText || !/^[A-Za-z0-9+/]+={0,2}$/.test(keyText)) return 'invalid';
  if (hosts.startsWith('|') && !HASHED.test(hosts)) return 'invalid';
  const key = Buffer.from(keyText, 'base64');
  // As ssh does: the key must declare the type the line names.
  if (keyTypeOf(key) !== keyType) return 'invalid';
  return { line, marker, hosts, keyType, key };
}

export class KnownHosts {
  readonly path: string;
  readonly entries: KnownHostEntry[];
  /** Line numbers ssh would ignore as malformed. */
  readonly invalidLines: number[];
  private lineCount: number;

  private constructor(path: string, entries: KnownHostEntry[], invalidLines: number[], lineCount: number) {
    this.path = path;
    this.entries = entries;
    this.invalidLines = invalidLines;
    this.lineCount = lineCount;
  }

  /** Reads a known_hosts file; a file that does not exist is an empty one. Other read errors throw. */
  static load(path: string): KnownHosts {
    let text = '';
    try {
      text = readFileSync(path, 'utf8');
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code !== 'ENOENT' && code !== 'ENOTDIR') throw error;
    }
    return KnownHosts.parse(text, path);
  }

  static parse(text: string, path: string): KnownHosts {
    const entries: KnownHostEntry[] = [];
    const invalid: number[] = [];
    const lines = text.split('\n');
    if (lines[lines.length - 1] === '') lines.pop();
    lines.forEach((raw, i) => {
      const parsed = parseLine(raw, i + 1);
      if (parsed === 'invalid') invalid.push(i + 1);
      else if (parsed !== 'skip') entries.push(parsed);
    });
    return new KnownHosts(path, entries, invalid, lines.length);
  }

  /** Entries for a host (revoked ones included, CA lines left out), in file order. */
  entriesFor(host: string, port: number): KnownHostEntry[] {
    const name = knownHostsName(host, port);
    return this.entries.filter((e) => e.marker !== 'cert-authority' && entryMatches(e, name));
  }

  /** Key types this file holds usable (non-revoked) keys of for the host, in file order. */
  knownKeyTypes(host: string, port: number): string[] {
    const types = this.entriesFor(host, port).filter((e) => e.marker === null).map((e) => e.keyType);
    return [...new Set(types)];
  }

  /**
   * The verdict on a presented key. A key of a type this host is not known
   * with, while it is known with others, counts as changed: the connector asks
   * only for known types, so a server that cannot show one has lost its key.
   */
  verdict(host: string, port: number, keyType: string, keyBlob: Buffer): HostKeyVerdict {
    const entries = this.entriesFor(host, port);
    const revoked = entries.filter((e) => e.marker === 'revoked' && e.key.equals(keyBlob));
    if (revoked.length > 0) return { status: 'changed', reason: 'revoked', entries: revoked };
    const usable = entries.filter((e) => e.marker === null);
    const same = usable.filter((e) => e.keyType === keyType && e.key.equals(keyBlob));
    if (same.length > 0) return { status: 'match', entries: same };
    if (usable.length > 0) return { status: 'changed', reason: 'different-key', entries: usable };
    return { status: 'unknown', entries: [] };
  }

  check(host: string, port: number, keyType: string, keyBlob: Buffer): HostKeyStatus {
    return this.verdict(host, port, keyType, keyBlob).status;
  }

  /**
   * Appends `name keytype base64` (name `[host]:port` when port ≠ 22), creating
   * the file (0600) and its directory (0700) when missing. Never rewrites a line.
   */
  add(host: string, port: number, keyType: string, keyBlob: Buffer): void {
    const hosts = knownHostsName(host, port);
    mkdirSync(dirname(this.path), { recursive: true, mode: 0o700 });
    const line = `${hosts} ${keyType} ${keyBlob.toString('base64')}\n`;
    appendFileSync(this.path, (endsWithoutNewline(this.path) ? '\n' : '') + line, { mode: 0o600 });
    this.lineCount += 1;
    this.entries.push({ line: this.lineCount, marker: null, hosts, keyType, key: Buffer.from(keyBlob) });
  }
}

/** Whether a file exists, is not empty and its last byte is not a newline. */
function endsWithoutNewline(path: string): boolean {
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch {
    return false;
  }
  try {
    const size = fstatSync(fd).size;
    if (size === 0) return false;
    const last = Buffer.alloc(1);
    readSync(fd, last, 0, 1, size - 1);
    return last[0] !== 0x0a;
  } finally {
    closeSync(fd);
  }
}
