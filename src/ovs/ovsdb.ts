/**
 * OVSDB JSON cells as `ovs-vsctl --format=json list` prints them (RFC 7047 §5.1):
 * an atom is a string, number, boolean or `["uuid", "…"]`; a set is
 * `["set", [atoms…]]` — except that a set of exactly one element is printed as
 * that bare atom; a map is `["map", [[key, value]…]]`. Pure parsing, no I/O.
 */

export type OvsdbAtom = string | number | boolean | { uuid: string };

/** One `list` command's output: rows keyed by column heading. */
export type OvsdbRow = Readonly<Record<string, unknown>>;

export class OvsdbFormatError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'OvsdbFormatError';
  }
}

function isTagged(cell: unknown, tag: string): cell is [string, unknown] {
  return Array.isArray(cell) && cell.length === 2 && cell[0] === tag;
}

export function atom(cell: unknown): OvsdbAtom {
  if (typeof cell === 'string' || typeof cell === 'number' || typeof cell === 'boolean') return cell;
  if ((isTagged(cell, 'uuid') || isTagged(cell, 'named-uuid')) && typeof cell[1] === 'string') return { uuid: cell[1] };
  throw new OvsdbFormatError(`not an OVSDB atom: ${JSON.stringify(cell)}`);
}

/** A set cell as a list (a bare atom is a one-element set). */
export function setOf(cell: unknown): OvsdbAtom[] {
  if (isTagged(cell, 'set')) {
    if (!Array.isArray(cell[1])) throw new OvsdbFormatError(`bad OVSDB set: ${JSON.stringify(cell)}`);
    return cell[1].map(atom);
  }
  return [atom(cell)];
}

/** An optional scalar column (a set of 0 or 1 element): undefined when empty. */
export function optional(cell: unknown): OvsdbAtom | undefined {
  const items = setOf(cell);
  if (items.length > 1) throw new OvsdbFormatError(`expected at most one value, got ${JSON.stringify(cell)}`);
  return items[0];
}

export function optionalString(cell: unknown): string | undefined {
  const value = optional(cell);
  if (value === undefined) return undefined;
  if (typeof value !== 'string') throw new OvsdbFormatError(`expected a string, got ${JSON.stringify(cell)}`);
  return value;
}

export function optionalNumber(cell: unknown): number | undefined {
  const value = optional(cell);
  if (value === undefined) return undefined;
  if (typeof value !== 'number') throw new OvsdbFormatError(`expected a number, got ${JSON.stringify(cell)}`);
  return value;
}

export function numbers(cell: unknown): number[] {
  return setOf(cell).map((v) => {
    if (typeof v !== 'number') throw new OvsdbFormatError(`expected numbers, got ${JSON.stringify(cell)}`);
    return v;
  });
}

export function uuids(cell: unknown): string[] {
  return setOf(cell).map((v) => {
    if (typeof v !== 'object') throw new OvsdbFormatError(`expected uuids, got ${JSON.stringify(cell)}`);
    return v.uuid;
  });
}

export function uuid(cell: unknown): string {
  const [first, ...rest] = uuids(cell);
  if (first === undefined || rest.length > 0) throw new OvsdbFormatError(`expected one uuid, got ${JSON.stringify(cell)}`);
  return first;
}

export function string(cell: unknown): string {
  const value = atom(cell);
  if (typeof value !== 'string') throw new OvsdbFormatError(`expected a string, got ${JSON.stringify(cell)}`);
  return value;
}

export function boolean(cell: unknown): boolean {
  const value = atom(cell);
  if (typeof value !== 'boolean') throw new OvsdbFormatError(`expected a boolean, got ${JSON.stringify(cell)}`);
  return value;
}

/** A map key or value as text (maps zonectl reads are string→string; a uuid prints as itself). */
function scalarText(cell: unknown): string {
  const value = atom(cell);
  return typeof value === 'object' ? value.uuid : String(value);
}

/** A string→string map cell (other_config, external_ids, options). */
export function stringMap(cell: unknown): Record<string, string> {
  if (!isTagged(cell, 'map') || !Array.isArray(cell[1])) throw new OvsdbFormatError(`expected an OVSDB map, got ${JSON.stringify(cell)}`);
  const out: Record<string, string> = {};
  for (const pair of cell[1] as unknown[]) {
    if (!Array.isArray(pair) || pair.length !== 2) throw new OvsdbFormatError(`bad OVSDB map pair: ${JSON.stringify(pair)}`);
    out[scalarText(pair[0])] = scalarText(pair[1]);
  }
  return out;
}

/** One JSON document printed by `ovs-vsctl --format=json list TABLE`. */
export function parseListDocument(text: string): OvsdbRow[] {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch {
    throw new OvsdbFormatError(`not JSON: ${text.slice(0, 80)}`);
  }
  const { data, headings } = (doc ?? {}) as { data?: unknown; headings?: unknown };
  if (!Array.isArray(data) || !Array.isArray(headings) || !headings.every((h) => typeof h === 'string')) {
    throw new OvsdbFormatError('expected {"data": [...], "headings": [...]}');
  }
  return data.map((row: unknown) => {
    if (!Array.isArray(row) || row.length !== headings.length) throw new OvsdbFormatError(`row does not match headings: ${JSON.stringify(row)}`);
    return Object.fromEntries(headings.map((h: string, i) => [h, row[i]]));
  });
}
