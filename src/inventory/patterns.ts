/**
 * Ansible host patterns (inventory/manager.py), evaluated the way Ansible does:
 * - `a:b` or `a,b` is a union, `a:&b` an intersection, `a:!b` an exclusion;
 *   unions are applied first, then intersections, then exclusions, whatever
 *   the order written; only `&`/`!` parts means "all hosts" first;
 * - a word matches a group (all its hosts, descendants included) or a host;
 *   globs (`kvm*`, `kvm0?`, `[ab]*`) and `~regex` match group and host names;
 * - `group[0]`, `group[1:3]`, `group[-1]` pick hosts by position;
 * - a name matching nothing gives nothing (the caller warns).
 * Unlike Ansible, the result is always in inventory order.
 */
import { isIPv4, isIPv6 } from 'node:net';
import { UserError } from '../errors/index.ts';

export interface PatternTarget {
  /** Host names in inventory order. */
  hosts: readonly string[];
  /** Group name → its hosts (descendants included) in inventory order. */
  groupHosts: ReadonlyMap<string, readonly string[]>;
}

const RANGE = String.raw`\[(?:[a-z]:[a-z]|[0-9]+:[0-9]+)(?::[0-9]+)?\]`;
const LABEL = String.raw`(?:\w|${RANGE})(?:[\w-]|${RANGE})*`;
const HOSTNAME = new RegExp(String.raw`^${LABEL}(?:\.${LABEL})*$`);

/** Splits a pattern into its parts as Ansible's split_host_pattern does. */
export function splitHostPattern(pattern: string): string[] {
  let parts: string[];
  if (pattern.includes(',')) parts = pattern.split(',');
  else if (isSingleAddress(pattern)) parts = [pattern];
  else parts = pattern.match(/(?:[^\s:[\]]|\[[^\]]*\])+/g) ?? [];
  return parts.map((p) => p.trim()).filter(Boolean);
}

/** A host name or address, possibly with a port: a colon in it is not a separator. */
function isSingleAddress(pattern: string): boolean {
  let address = pattern;
  const withPort = /^\[(.+)\]:(\d+)$/.exec(pattern) ?? /^((?:[^:[\]]|\[[^\]]*\])*):(\d+)$/.exec(pattern);
  if (withPort) address = withPort[1] as string;
  // An IPv6 address has a colon: skip node's IPv6 check (its first call costs milliseconds) for the rest.
  return isIPv4(address) || (address.includes(':') && isIPv6(address)) || HOSTNAME.test(address);
}

export function createMatcher(target: PatternTarget): (pattern: string) => string[] {
  const order = new Map(target.hosts.map((h, i) => [h, i]));
  const cache = new Map<string, string[]>();

  const matchOne = (part: string): string[] => {
    const cached = cache.get(part);
    if (cached) return cached;
    const { expression, subscript } = splitSubscript(part);
    const matches = enumerate(expression);
    const result = subscript ? applySubscript(matches, subscript, part) : matches;
    cache.set(part, result);
    return result;
  };

  const enumerate = (expression: string): string[] => {
    const test = compile(expression);
    const out: string[] = [];
    const seen = new Set<string>();
    const add = (host: string): void => {
      if (!seen.has(host)) {
        seen.add(host);
        out.push(host);
      }
    };
    let groupMatched = false;
    for (const [group, hosts] of target.groupHosts) {
      if (!test(group)) continue;
      groupMatched = true;
      hosts.forEach(add);
    }
    if (!groupMatched || /^~|[.?*[]/.test(expression)) {
      for (const host of target.hosts) if (test(host)) add(host);
    }
    return out.sort((a, b) => (order.get(a) as number) - (order.get(b) as number));
  };

  return (pattern: string): string[] => {
    const parts = splitHostPattern(pattern);
    const regular = parts.filter((p) => !p.startsWith('&') && !p.startsWith('!'));
    const ordered = [...(regular.length ? regular : ['all']), ...parts.filter((p) => p.startsWith('&')), ...parts.filter((p) => p.startsWith('!'))];
    let hosts: string[] = [];
    for (const part of ordered) {
      if (part.startsWith('!')) {
        const that = new Set(matchOne(part.slice(1)));
        hosts = hosts.filter((h) => !that.has(h));
      } else if (part.startsWith('&')) {
        const that = new Set(matchOne(part.slice(1)));
        hosts = hosts.filter((h) => that.has(h));
      } else {
        // A plain host name is that host, even if a group has the same name (as Ansible).
        const that = order.has(part) ? [part] : matchOne(part);
        const existing = new Set(hosts);
        hosts.push(...that.filter((h) => !existing.has(h)));
      }
    }
    return hosts.sort((a, b) => (order.get(a) as number) - (order.get(b) as number));
  };
}

function compile(expression: string): (name: string) => boolean {
  if (expression.startsWith('~')) {
    let re: RegExp;
    try {
      // Python's re.match: anchored at the start only.
      re = new RegExp(`^(?:${expression.slice(1)})`);
    } catch (error) {
      throw new UserError(`invalid regular expression in host pattern ${JSON.stringify(expression)}: ${(error as Error).message}`);
    }
    return (name) => re.test(name);
  }
  if (!/[*?[]/.test(expression)) return (name) => name === expression;
  const re = new RegExp(`^${globToRegExp(expression)}$`, 's');
  return (name) => re.test(name);
}

/** Python's fnmatch.translate: `*`, `?`, `[abc]`, `[!abc]`. */
function globToRegExp(glob: string): string {
  let out = '';
  for (let i = 0; i < glob.length; i++) {
    const ch = glob[i] as string;
    if (ch === '*') out += '.*';
    else if (ch === '?') out += '.';
    else if (ch === '[') {
      const close = glob.indexOf(']', i + 2);
      if (close === -1) {
        out += '\\[';
        continue;
      }
      let body = glob.slice(i + 1, close);
      if (body.startsWith('!')) body = `^${body.slice(1)}`;
      else if (body.startsWith('^')) body = `\\${body}`;
      out += `[${body.replace(/\\/g, '\\\\')}]`;
      i = close;
    } else out += ch.replace(/[.+^${}()|\\\]]/g, '\\$&');
  }
  return out;
}

interface Subscript {
  start: number;
  end: number | undefined;
}

function splitSubscript(part: string): { expression: string; subscript: Subscript | undefined } {
  if (part.startsWith('~')) return { expression: part, subscript: undefined };
  const m = /^(.+)\[(?:(-?[0-9]+)|([0-9]+)([:-])([0-9]*))\]$/.exec(part);
  if (!m) return { expression: part, subscript: undefined };
  if (m[2] !== undefined) return { expression: m[1] as string, subscript: { start: Number(m[2]), end: undefined } };
  return { expression: m[1] as string, subscript: { start: Number(m[3]), end: m[5] ? Number(m[5]) : -1 } };
}

function applySubscript(hosts: string[], { start, end }: Subscript, part: string): string[] {
  if (end === undefined) {
    const host = start < 0 ? hosts[hosts.length + start] : hosts[start];
    if (host === undefined) throw new UserError(`no host at position ${start} in host pattern ${JSON.stringify(part)}`, undefined, `it matches ${hosts.length} host(s), counted from 0`);
    return [host];
  }
  const last = end === -1 ? hosts.length - 1 : end;
  return hosts.slice(start, last + 1);
}
