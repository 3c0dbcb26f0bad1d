/**
 * Desired table vs the probed one → changes. Pure.
 *
 * The table compares by its canonical listing (see state.ts). Change.data
 * never holds the body: commands() takes it from the desired params.
 */
import { describeDifferences, describeListing, parseListing } from '../../nft/listing.ts';
import type { NftListing } from '../../nft/listing.ts';
import { SENTINEL_TABLE, tableId } from '../../nft/names.ts';
import { persistedText } from '../../nft/transaction.ts';
import { unifiedDiff } from '../../text/unified-diff.ts';
import type { Change } from '../contract.ts';
import { TaskError } from '../contract.ts';
import type { FileState } from '../file/parse.ts';
import type { NftablesParams } from './schema.ts';
import { includeLine, persistPath } from './schema.ts';
import type { NftablesState } from './state.ts';

export type NftablesChangeData =
  | { op: 'replace' }
  | { op: 'delete' }
  | { op: 'persist' }
  | { op: 'unpersist' }
  | { op: 'include'; create: boolean };

function change(summary: string, data: NftablesChangeData, diff?: string): Change {
  return diff === undefined || diff === '' ? { summary, data } : { summary, data, diff };
}

function readListing(text: string, what: string): NftListing {
  try {
    return parseListing(text);
  } catch (error) {
    throw new TaskError(`cannot read ${what}: ${(error as Error).message}`);
  }
}

/**
 * nft's own words for a body it rejects, with `/dev/stdin` named for what it
 * is. The body starts on line 1 right after `table F N {`, so line numbers are
 * the body's own.
 */
function rejection(p: NftablesParams, text: string): TaskError {
  const message = text.replace(/\/dev\/stdin:/g, 'content:').trimEnd();
  return new TaskError(`nft rejects the content of table ${tableId(p.family, p.table)} (nothing was changed):\n${message}`);
}

/** The desired table's canonical listing, from the private namespace; throws on anything but a clean load. */
export function canonicalDesired(p: NftablesParams, actual: NftablesState): string {
  const id = tableId(p.family, p.table);
  const priv = actual.privateNetns;
  if (priv === null || priv.status !== 0) {
    throw new TaskError(
      `cannot compare table ${id} by meaning: a private network namespace could not be made (unshare --net: ${priv?.text.trim() || 'no answer'}); ` +
        'zonectl needs root (become: true) and util-linux unshare on the host',
    );
  }
  const desired = actual.desired;
  if (desired === null) throw new TaskError(`the nftables probe of table ${id} did not report the desired table`);
  if (desired.status !== 0) throw rejection(p, desired.text);
  const split = desired.text.indexOf('zc.nft.listing\n');
  if (split === -1) throw rejection(p, desired.text);
  const tables = desired.text.slice(0, split).split('\n').filter((l) => l !== '').sort();
  const expected = [`table ${id}`, `table ${tableId(SENTINEL_TABLE.family, SENTINEL_TABLE.name)}`].sort();
  if (tables.join('\n') !== expected.join('\n')) {
    throw new TaskError(
      `the content of table ${id} reaches beyond its own table (after loading it, nft lists: ${tables.join(', ') || 'no tables'}); ` +
        'it must hold only what goes inside the table: chains, sets, maps …',
    );
  }
  return `${desired.text.slice(split + 'zc.nft.listing\n'.length).replace(/\n*$/, '')}\n`;
}

function persistedChange(p: NftablesParams, want: string, have: FileState | null, showDiff: boolean): Change[] {
  const path = persistPath(p);
  if (have === null) return [];
  if (have.kind === 'missing') {
    return [change(`persist table ${tableId(p.family, p.table)} in ${path}${have.dirExists ? '' : ` (creating ${p.persist_dir})`}`, { op: 'persist' })];
  }
  if (have.kind !== 'regular') throw new TaskError(`${path} is not a regular file; zonectl keeps table ${tableId(p.family, p.table)} there`);
  if (have.content === want) return [];
  const diff = showDiff && have.content !== null ? unifiedDiff(have.content, want, { oldName: path, newName: path }) : undefined;
  return [change(`update ${path}`, { op: 'persist' }, diff)];
}

function includeChange(p: NftablesParams, have: FileState | null): Change[] {
  if (have === null) return [];
  const line = includeLine(p);
  if (have.kind === 'missing') return [change(`create ${p.include_from} with ${line}`, { op: 'include', create: true })];
  if (have.kind !== 'regular') throw new TaskError(`${p.include_from} is not a regular file; zonectl adds ${line} to it`);
  if (have.content === null) throw new TaskError(`${p.include_from} is not a text file; zonectl adds ${line} to it`);
  if (have.content.split('\n').some((l) => l.trim() === line)) return [];
  return [change(`add ${line} to ${p.include_from}`, { op: 'include', create: false })];
}

export function diffNftables(p: NftablesParams, actual: NftablesState): Change[] {
  const id = tableId(p.family, p.table);
  const tables = actual.tables;
  if (tables !== null && tables.status !== 0) throw new TaskError(`cannot list nftables tables: ${tables.text.trim()}`);
  const live = actual.live;
  if (live !== null && live.status !== 0) throw new TaskError(`cannot list table ${id}: ${live.text.trim()}`);

  const liveText = live === null ? null : `${live.text.replace(/\n*$/, '')}\n`;
  if (p.state === 'absent') {
    const changes: Change[] = [];
    if (liveText !== null) {
      const have = readListing(liveText, `table ${id}`);
      changes.push(change(`delete table ${id} (${describeListing(have)})`, { op: 'delete' }, unifiedDiff(liveText, '', { oldName: `table ${id}`, newName: '/dev/null' })));
    }
    const file = actual.persisted;
    if (file?.kind === 'regular') changes.push(change(`remove ${persistPath(p)}`, { op: 'unpersist' }));
    return changes;
  }

  if (tables === null) throw new TaskError(`nft is not installed on this host (install the nftables package) — table ${id} cannot be managed`);
  const canonical = canonicalDesired(p, actual);
  const want = readListing(canonical, `the desired table ${id}`);
  const changes: Change[] = [];
  let tableDiffShown = false;
  if (liveText === null) {
    changes.push(change(`create table ${id} (${describeListing(want)})`, { op: 'replace' }, unifiedDiff('', canonical, { oldName: '/dev/null', newName: `table ${id}` })));
    tableDiffShown = true;
  } else {
    if (liveText !== canonical) {
      const have = readListing(liveText, `table ${id}`);
      const what = describeDifferences(have, want);
      const summary = `table ${id}: ${what.length > 0 ? what.join('; ') : 'changed'}`;
      changes.push(change(summary, { op: 'replace' }, unifiedDiff(liveText, canonical, { oldName: `table ${id} (live)`, newName: `table ${id} (desired)` })));
      tableDiffShown = true;
    }
  }
  if (p.persist) {
    changes.push(...persistedChange(p, persistedText(p.family, p.table, canonical), actual.persisted, !tableDiffShown));
    changes.push(...includeChange(p, actual.include));
  }
  return changes;
}
