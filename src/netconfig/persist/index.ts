/**
 * Persistence of the network modules' state, so it survives a reboot.
 *
 * The backend is chosen per host: the `network_backend` host variable
 * (ifupdown, netplan, networkmanager, none) or, without it, what the probe
 * detects. A task persists exactly the block it owns (see blockfile.ts), so
 * a bridge task and an address task on cloudbr0 both land in cloudbr0's file.
 * ifupdown is handled here; netplan and NetworkManager in rendered.ts.
 */
import type { Change, RunContext } from '../../modules/contract.ts';
import { TaskError } from '../../modules/contract.ts';
import { atomicWriteScript } from '../../modules/file/write.ts';
import { quote } from '../../shell/quote.ts';
import { unifiedDiff } from '../../text/unified-diff.ts';
import type { NetProbe } from '../probe.ts';
import { emptyBlockFileTest, getBlock, setBlock, setBlockProducer } from './blockfile.ts';
import { IFUPDOWN_DIR, ifupdownPath } from './ifupdown.ts';
import { isRenderedPersistData, renderedChange, renderedCommands, renderedFiles } from './rendered.ts';

export type Backend = 'ifupdown' | 'netplan' | 'networkmanager' | 'none';
const BACKENDS: readonly Backend[] = ['ifupdown', 'netplan', 'networkmanager', 'none'];

/** What one task persists: its own block of one interface's file; null lines remove the block. */
export interface PersistBlock {
  ifname: string;
  key: string;
  lines: string[] | null;
}

/** Data of a persistence change (JSON, kept in plan files). */
export interface PersistData {
  persist: { path: string; key: string; lines: string[] | null; ifname: string };
}

export function chooseBackend(probe: NetProbe, ctx: RunContext): Backend {
  const configured = ctx.vars.network_backend;
  if (configured !== undefined && configured !== null) {
    if (typeof configured !== 'string' || !(BACKENDS as readonly string[]).includes(configured)) {
      throw new TaskError(`host variable network_backend is ${JSON.stringify(configured)} (allowed: ${BACKENDS.join(', ')})`);
    }
    return configured as Backend;
  }
  return probe.backend;
}

/** Files the probe must read for these interfaces: the backend is only known from the probe, so those of every backend. */
export function persistFiles(ifnames: readonly string[]): string[] {
  const names = [...new Set(ifnames)];
  return [...names.map(ifupdownPath), ...renderedFiles(names)];
}

/**
 * The change that brings one block of the persisted config in line, or null
 * when it already is (or nothing is persisted on this host).
 */
export function persistChange(probe: NetProbe, ctx: RunContext, block: PersistBlock): Change | null {
  const backend = chooseBackend(probe, ctx);
  if (backend === 'none') return null;
  if (backend === 'netplan' || backend === 'networkmanager') {
    return renderedChange(backend, probe, block, (have) => sameLines(have, block.lines));
  }
  if (probe.ifupdownSourcesDir !== 'yes') {
    throw new TaskError(
      probe.ifupdownSourcesDir === 'missing'
        ? `/etc/network/interfaces is missing, so ifupdown would never read ${IFUPDOWN_DIR}; create it with "source ${IFUPDOWN_DIR}/*", or set network_backend: none`
        : `/etc/network/interfaces does not read ${IFUPDOWN_DIR}; add "source ${IFUPDOWN_DIR}/*" to it, or set network_backend: none`,
    );
  }
  const path = ifupdownPath(block.ifname);
  const current = probe.files.get(path) ?? null;
  const have = getBlock(current, block.key);
  if (sameLines(have, block.lines)) return null;
  const next = setBlock(current, block.key, block.lines);
  // Worded per block: other tasks of the run may add their own blocks to the same file.
  const label = `${block.key.replace(/^\d+-/, '')} stanza`;
  const summary =
    have === null ? `add the ${label} to ${path} (ifupdown)` : block.lines === null ? `remove the ${label} from ${path} (ifupdown)` : `update the ${label} in ${path} (ifupdown)`;
  const data: PersistData = { persist: { path, key: block.key, lines: block.lines, ifname: block.ifname } };
  return {
    summary,
    diff: unifiedDiff(current ?? '', next ?? '', { oldName: current === null ? '/dev/null' : path, newName: next === null ? '/dev/null' : path }),
    data,
  };
}

function sameLines(a: readonly string[] | null, b: readonly string[] | null): boolean {
  if (a === null || b === null) return a === b;
  // A block read back from the file may have trailing blank lines from a hand edit.
  const trim = (l: readonly string[]) => {
    const out = [...l];
    while (out.length > 0 && out[out.length - 1]?.trim() === '') out.pop();
    return out;
  };
  const x = trim(a);
  const y = trim(b);
  return x.length === y.length && x.every((l, i) => l === y[i]);
}

export function isPersistData(data: unknown): data is PersistData {
  return typeof data === 'object' && data !== null && 'persist' in data;
}

/**
 * Rewrites the block on the host from the file as it is at apply time, then
 * installs it atomically (validated by `ifup --no-act` when ifupdown is
 * installed) or removes the file when no block is left.
 */
export function persistCommands(data: PersistData): string {
  if (isRenderedPersistData(data)) return renderedCommands(data);
  const { path, key, lines, ifname } = data.persist;
  const dir = path.replace(/\/[^/]+$/, '');
  const validate = `if command -v ifup >/dev/null 2>&1; then ifup --no-act --force -i %s ${quote(ifname)} >/dev/null; fi`;
  return [
    '(',
    'set -e',
    `mkdir -p ${quote(dir)}`,
    'zc_netfile=$(mktemp)',
    `trap 'rm -f "$zc_netfile"' EXIT`,
    `${setBlockProducer(path, key, lines)} > "$zc_netfile"`,
    `if ${emptyBlockFileTest('"$zc_netfile"')}; then rm -f ${quote(path)}; else`,
    atomicWriteScript({ path, produce: 'cat "$zc_netfile"', mode: '0644', validate, skipWhenSame: true }),
    'fi',
    ')',
  ].join('\n');
}
