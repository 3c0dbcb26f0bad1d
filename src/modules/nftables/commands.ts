/**
 * nftables changes → shell text. The body comes from the desired params,
 * never from Change.data.
 *
 * replace: the one-file transaction is checked (`nft -c -f`) and then loaded
 * (`nft -f`): both from the same temporary file, so what was checked is what
 * is loaded; a refusal leaves the live table as it was.
 * persist: the file holds the same transaction with the canonical listing,
 * made again in a private network namespace (never from the live table, whose
 * dynamic sets may hold elements added by traffic), written atomically.
 */
import { quote } from '../../shell/quote.ts';
import { tableId } from '../../nft/names.ts';
import { deleteTableText, persistedPrefix, replaceTableText } from '../../nft/transaction.ts';
import type { Change } from '../contract.ts';
import { atomicWriteScript, printText } from '../file/write.ts';
import type { NftablesChangeData } from './diff.ts';
import { canonicalListingCommand, desiredVariables } from './private.ts';
import type { NftablesParams } from './schema.ts';
import { includeLine, persistPath } from './schema.ts';

function replaceScript(p: NftablesParams): string {
  const id = tableId(p.family, p.table);
  const refused = quote(`zonectl: nft refused the new table ${id}; the live table is untouched`);
  return [
    '(',
    'set -e',
    'zc_tx=$(mktemp)',
    `trap 'rm -f "$zc_tx"' EXIT`,
    `${printText(replaceTableText(p.family, p.table, p.content ?? ''))} > "$zc_tx"`,
    `if ! nft -c -f "$zc_tx"; then echo ${refused} >&2; exit 1; fi`,
    `nft -f "$zc_tx"`,
    ')',
  ].join('\n');
}

function persistScript(p: NftablesParams): string {
  return [
    `mkdir -p ${quote(p.persist_dir)}`,
    atomicWriteScript({
      path: persistPath(p),
      produce: `${desiredVariables(p)}\n${printText(persistedPrefix(p.family, p.table))}\nzc_listing=$(${canonicalListingCommand(p)})\nprintf '%s\\n' "$zc_listing"`,
      newFileMode: '0644',
    }),
  ].join('\n');
}

function includeScript(p: NftablesParams, create: boolean): string {
  const file = quote(p.include_from);
  const line = quote(includeLine(p));
  // Appended once, even when several tasks add it in one run; every other line kept.
  const produce = `cat ${file}\nif [ -s ${file} ] && [ "$(tail -c 1 ${file})" != '' ]; then echo; fi\nprintf '%s\\n' ${line}`;
  const append = `if ! grep -qxF ${line} ${file}; then\n${atomicWriteScript({ path: p.include_from, produce })}\nfi`;
  if (!create) return append;
  // A minimal file Debian's nftables service can read; never `flush ruleset`
  // (that would drop libvirt's, Docker's and the agent's tables at boot). An
  // earlier task of the same run may have made it already: then append.
  const made = atomicWriteScript({ path: p.include_from, produce: printText(`#!/usr/sbin/nft -f\n\n${includeLine(p)}\n`), newFileMode: '0755' });
  return `if [ ! -e ${file} ]; then\n${made}\nfi\n${append}`;
}

export function nftablesCommands(changes: readonly Change[], p: NftablesParams): string {
  const ops = changes.map((c) => c.data as NftablesChangeData);
  const out: string[] = [];
  if (ops.some((o) => o.op === 'replace')) out.push(replaceScript(p));
  if (ops.some((o) => o.op === 'delete')) out.push(`${printText(deleteTableText(p.family, p.table))} | nft -f -`);
  if (ops.some((o) => o.op === 'persist')) out.push(persistScript(p));
  const include = ops.find((o) => o.op === 'include');
  if (include?.op === 'include') out.push(includeScript(p, include.create));
  if (ops.some((o) => o.op === 'unpersist')) out.push(`rm -f ${quote(persistPath(p))}`);
  return out.join('\n');
}
