/**
 * Reads a table as `nft -s list table F N` prints it (the canonical form both
 * sides of a comparison go through) into its objects — chains, sets, maps,
 * flowtables, named counters … — each with its lines, and says in operator's
 * words what differs between two listings.
 *
 * nft prints one object per block, opened at one tab (`\tchain NAME {`) and
 * closed by `\t}`; inside, one statement per line at two tabs. Long set
 * elements continue on deeper-indented lines: they are joined to the line
 * they continue.
 */

export interface NftObject {
  /** chain, set, map, flowtable, counter, quota, limit, ct helper, … */
  kind: string;
  name: string;
  /** For a chain: its `type … hook … priority …; policy …;` line ('' for a regular chain). */
  header: string;
  /** For a chain: its rules; for other objects: their statements. One entry per logical line. */
  lines: string[];
}

export interface NftListing {
  family: string;
  table: string;
  /** Table-level statements (`flags dormant`, `comment "…"`). */
  attributes: string[];
  objects: NftObject[];
}

const TABLE_OPEN = /^table (\S+) (\S+) \{$/;
const OBJECT_OPEN = /^\t(chain|set|map|flowtable|counter|quota|limit|secmark|synproxy|ct helper|ct timeout|ct expectation) (\S+) \{$/;
const CHAIN_HEADER = /^type \S+ hook /;

/** Parses one table's listing; throws an Error naming the line it cannot read. */
export function parseListing(text: string): NftListing {
  const lines = text.split('\n');
  while (lines.length > 0 && lines[lines.length - 1] === '') lines.pop();
  const open = TABLE_OPEN.exec(lines[0] ?? '');
  if (!open || lines[lines.length - 1] !== '}') throw new Error(`not an nft table listing: ${JSON.stringify((lines[0] ?? '').slice(0, 80))}`);
  const listing: NftListing = { family: open[1] as string, table: open[2] as string, attributes: [], objects: [] };
  let current: NftObject | null = null;
  for (let i = 1; i < lines.length - 1; i++) {
    const line = lines[i] as string;
    if (line === '') continue;
    if (current === null) {
      const m = OBJECT_OPEN.exec(line);
      if (m) {
        current = { kind: m[1] as string, name: m[2] as string, header: '', lines: [] };
        listing.objects.push(current);
      } else if (line.startsWith('\t') && !line.startsWith('\t\t')) {
        listing.attributes.push(line.trim());
      } else {
        throw new Error(`unexpected line ${i + 1} in nft listing: ${JSON.stringify(line.slice(0, 80))}`);
      }
      continue;
    }
    if (line === '\t}') {
      current = null;
      continue;
    }
    if (line.startsWith('\t\t\t')) {
      // A continuation (long set elements): part of the line before it.
      const last = current.lines.length - 1;
      if (last < 0) throw new Error(`unexpected continuation line ${i + 1} in nft listing`);
      current.lines[last] = `${current.lines[last] as string} ${line.trim()}`;
      continue;
    }
    const statement = line.trim();
    if (current.kind === 'chain' && current.header === '' && current.lines.length === 0 && CHAIN_HEADER.test(statement)) current.header = statement;
    else current.lines.push(statement);
  }
  if (current !== null) throw new Error(`nft listing ends inside ${current.kind} ${current.name}`);
  return listing;
}

/** How many chains and rules a listing holds, and its other objects, e.g. `3 chains, 12 rules, 1 set`. */
export function describeListing(listing: NftListing): string {
  const chains = listing.objects.filter((o) => o.kind === 'chain');
  const rules = chains.reduce((n, c) => n + c.lines.length, 0);
  const parts = [plural(chains.length, 'chain'), plural(rules, 'rule')];
  const others = new Map<string, number>();
  for (const o of listing.objects) if (o.kind !== 'chain') others.set(o.kind, (others.get(o.kind) ?? 0) + 1);
  for (const [kind, n] of others) parts.push(plural(n, kind));
  return parts.join(', ');
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

/** Lines of `a` not matched in `b` (a multiset difference: a rule written twice counts twice). */
function missingFrom(a: readonly string[], b: readonly string[]): string[] {
  const left = new Map<string, number>();
  for (const line of b) left.set(line, (left.get(line) ?? 0) + 1);
  const out: string[] = [];
  for (const line of a) {
    const n = left.get(line) ?? 0;
    if (n > 0) left.set(line, n - 1);
    else out.push(line);
  }
  return out;
}

const POLICY = /\s*policy (\S+);/;

/** `policy accept → drop` when only the policy differs, else both base chain specs. */
function describeHeaderChange(have: string, want: string): string {
  const policy = (h: string): string => POLICY.exec(h)?.[1] ?? 'accept';
  if (have !== '' && want !== '' && have.replace(POLICY, '') === want.replace(POLICY, '')) return `policy ${policy(have)} → ${policy(want)}`;
  return `${have === '' ? 'regular chain' : `"${have}"`} → ${want === '' ? 'regular chain' : `"${want}"`}`;
}

function sameOrder(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((line, i) => line === b[i]);
}

/**
 * One phrase per object that differs, in the desired order, e.g.
 * `chain input: 1 rule added, 1 rule removed`, `chain input: policy drop → accept`,
 * `set allowed: changed`, `chain fw_chain_egress added`. Empty when equal.
 */
export function describeDifferences(actual: NftListing, desired: NftListing): string[] {
  const out: string[] = [];
  const key = (o: NftObject): string => `${o.kind} ${o.name}`;
  const before = new Map(actual.objects.map((o) => [key(o), o]));
  const after = new Set(desired.objects.map(key));
  if (!sameOrder(actual.attributes, desired.attributes)) out.push('table attributes changed');
  for (const want of desired.objects) {
    const have = before.get(key(want));
    if (!have) {
      out.push(`${key(want)} added${want.kind === 'chain' ? ` (${plural(want.lines.length, 'rule')})` : ''}`);
      continue;
    }
    if (want.kind !== 'chain') {
      if (!sameOrder(have.lines, want.lines)) out.push(`${key(want)}: changed`);
      continue;
    }
    const parts: string[] = [];
    if (have.header !== want.header) parts.push(describeHeaderChange(have.header, want.header));
    const added = missingFrom(want.lines, have.lines).length;
    const removed = missingFrom(have.lines, want.lines).length;
    if (added > 0) parts.push(`${plural(added, 'rule')} added`);
    if (removed > 0) parts.push(`${plural(removed, 'rule')} removed`);
    if (added === 0 && removed === 0 && !sameOrder(have.lines, want.lines)) parts.push('rules reordered');
    if (parts.length > 0) out.push(`${key(want)}: ${parts.join(', ')}`);
  }
  for (const have of actual.objects) {
    if (!after.has(key(have))) out.push(`${key(have)} removed`);
  }
  return out;
}
