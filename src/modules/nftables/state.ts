/**
 * Probe and parse of one nftables table.
 *
 * The probe reads the live table (`nft -s list table`: no counters, no
 * handles) and, for state: present, loads the desired body into a private,
 * throwaway network namespace (`unshare --net`: a new namespace has its own,
 * empty nftables) and lists it back the same way. Both sides are then printed
 * by the same nft, so formatting, comments and `priority 0` vs
 * `priority filter` no longer differ: what is left is a difference in meaning.
 * The live ruleset is never touched. A sentinel table beside the desired one
 * proves the body did not close its table and reach beyond it
 * (`} flush ruleset …`).
 *
 * Output: `zc.nft.<what> <status>` lines, each followed by base64 text and
 * `zc.nft.end` (base64 cannot contain '.', so no text can fake a marker);
 * `zc.nft.section persisted|include` before the file probes of the persisted
 * file and of include_from.
 */
import { quote, command } from '../../shell/quote.ts';
import type { ProbeOutput } from '../contract.ts';
import { TaskError } from '../contract.ts';
import { fileProbe } from '../file/probe.ts';
import { parseFileProbe } from '../file/parse.ts';
import type { FileState } from '../file/parse.ts';
import { SENTINEL_TABLE, tableId } from '../../nft/names.ts';
import { desiredVariables, inPrivateNetns } from './private.ts';
import type { NftablesParams } from './schema.ts';
import { persistPath } from './schema.ts';

/** A command's output and exit status as the probe reported it. */
export interface Captured {
  status: number;
  text: string;
}

export interface NftablesState {
  /** null: nft is not installed. */
  tables: Captured | null;
  /** The live table's canonical listing; null when the table does not exist. */
  live: Captured | null;
  /** Whether a private network namespace could be made (state: present only). */
  privateNetns: Captured | null;
  /** `nft list tables` then `zc.nft.listing` then the desired table's canonical listing, from the private namespace. */
  desired: Captured | null;
  persisted: FileState | null;
  include: FileState | null;
}

/** Shell text printing `zc.nft.NAME STATUS` and TEXT as base64. */
const EMIT = `zc_nft_emit() { printf 'zc.nft.%s %s\\n' "$1" "$2"; printf '%s' "$3" | base64; echo 'zc.nft.end'; }`;

/** The commands run inside the private namespace: sentinel, desired body, then listings. */
export function canonicaliseScript(p: NftablesParams): string {
  return [
    command('nft', 'add', 'table', SENTINEL_TABLE.family, SENTINEL_TABLE.name),
    'nft -f -',
    'nft list tables',
    'echo zc.nft.listing',
    command('nft', '-s', 'list', 'table', p.family, p.table),
  ].join(' && ');
}

export function nftablesProbe(p: NftablesParams): string {
  const id = `table ${tableId(p.family, p.table)}`;
  const lines = [
    '(',
    EMIT,
    `if ! command -v nft >/dev/null 2>&1; then echo 'zc.nft.tool missing'; else`,
    `zc_out=$(nft list tables 2>&1); zc_nft_emit tables $? "$zc_out"`,
    // Absent is a state: the table is listed only when `nft list tables` names it.
    `if printf '%s\\n' "$zc_out" | grep -qxF ${quote(id)}; then zc_out=$(${command('nft', '-s', 'list', 'table', p.family, p.table)} 2>&1); zc_nft_emit live $? "$zc_out"; fi`,
  ];
  if (p.state === 'present') {
    lines.push(
      `if command -v unshare >/dev/null 2>&1; then zc_out=$(unshare --net true 2>&1); zc_st=$?; else zc_out='unshare is not installed (util-linux)'; zc_st=127; fi`,
      `zc_nft_emit private "$zc_st" "$zc_out"`,
      desiredVariables(p),
      `if [ "$zc_st" -eq 0 ]; then zc_out=$(${inPrivateNetns(canonicaliseScript(p))} 2>&1); zc_nft_emit desired $? "$zc_out"; fi`,
    );
  }
  lines.push('fi');
  if (p.persist || p.state === 'absent') lines.push(`echo 'zc.nft.section persisted'`, fileProbe(persistPath(p)));
  if (p.persist && p.state === 'present') lines.push(`echo 'zc.nft.section include'`, fileProbe(p.include_from));
  lines.push(')');
  return lines.join('\n');
}

function captured(stdout: string, name: string): Captured | null {
  const lines = stdout.split('\n');
  const start = lines.findIndex((l) => l.startsWith(`zc.nft.${name} `));
  if (start === -1) return null;
  const end = lines.indexOf('zc.nft.end', start + 1);
  if (end === -1) throw new TaskError(`the nftables probe's ${name} output did not arrive whole`);
  const status = Number((lines[start] as string).slice(`zc.nft.${name} `.length));
  const text = Buffer.from(lines.slice(start + 1, end).join(''), 'base64').toString('utf8');
  return { status, text };
}

/** The file probe output that follows `zc.nft.section NAME`, up to the next section. */
function section(stdout: string, name: string): string | null {
  const marker = `zc.nft.section ${name}\n`;
  const start = stdout.indexOf(marker);
  if (start === -1) return null;
  const rest = stdout.slice(start + marker.length);
  const next = rest.indexOf('zc.nft.section ');
  return next === -1 ? rest : rest.slice(0, next);
}

export function parseNftables(output: ProbeOutput, p: NftablesParams): NftablesState {
  const { stdout } = output;
  const id = tableId(p.family, p.table);
  const tool = !stdout.includes('zc.nft.tool missing');
  const tables = tool ? captured(stdout, 'tables') : null;
  if (tool && tables === null) throw new TaskError(`cannot read nftables table ${id}: ${output.stderr.trim() || `probe exit status ${output.exitCode}`}`);
  const persistedText = section(stdout, 'persisted');
  const includeText = section(stdout, 'include');
  const wantsPersisted = p.persist || p.state === 'absent';
  if ((wantsPersisted && persistedText === null) || (p.persist && p.state === 'present' && includeText === null)) {
    throw new TaskError(`cannot read the persisted files of table ${id}: ${output.stderr.trim() || `probe exit status ${output.exitCode}`}`);
  }
  return {
    tables,
    live: captured(stdout, 'live'),
    privateNetns: captured(stdout, 'private'),
    desired: captured(stdout, 'desired'),
    persisted: persistedText === null ? null : parseFileProbe(persistedText, persistPath(p)),
    include: includeText === null ? null : parseFileProbe(includeText, p.include_from),
  };
}
