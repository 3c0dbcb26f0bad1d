/**
 * The netplan and NetworkManager backends: a task's block goes into the
 * backend's source file (blockfile.ts, keys `IFNAME KEY`), and the files the
 * backend reads are rendered from the whole source (model.ts). On the host the
 * apply script does both steps from the files as they are when the task's
 * turn comes, so tasks of one run compose in any order; the dry run predicts
 * the same bytes from the files as probed and shows the rendered files' diff.
 */
import type { Change } from '../../modules/contract.ts';
import { TaskError } from '../../modules/contract.ts';
import { atomicWriteScript } from '../../modules/file/write.ts';
import { quote } from '../../shell/quote.ts';
import { unifiedDiff } from '../../text/unified-diff.ts';
import type { NetProbe } from '../probe.ts';
import { BLOCK_MARK, emptyBlockFileTest, getBlock, setBlock, setBlockProducer } from './blockfile.ts';
import { namesOf, readModel, sourceKey } from './model.ts';
import { AWK_NETPLAN, NETPLAN_FILE, NETPLAN_HEADER, NETPLAN_SOURCE, renderNetplan } from './netplan.ts';
import { AWK_NETWORKMANAGER, NM_DIR, NM_HEADER, NM_SOURCE, nmPath, renderNetworkManager } from './networkmanager.ts';

export type RenderedBackend = 'netplan' | 'networkmanager';

/** Plan-file data of a netplan/NetworkManager change; `path` is the source file, `key` the source key. */
export interface RenderedPersistData {
  persist: { backend: RenderedBackend; path: string; key: string; lines: string[] | null; ifname: string };
}

export function sourcePath(backend: RenderedBackend): string {
  return backend === 'netplan' ? NETPLAN_SOURCE : NM_SOURCE;
}

/** Files the probe reads for these interfaces under either backend. */
export function renderedFiles(ifnames: readonly string[]): string[] {
  return [NETPLAN_FILE, NETPLAN_SOURCE, NM_SOURCE, ...ifnames.map(nmPath)];
}

const SAFE_NAME = /^[A-Za-z0-9_.-]+$/;

/** What the backend cannot express, refused before anything is written. */
function checkBlock(backend: RenderedBackend, block: { ifname: string; key: string; lines: string[] | null }): void {
  if (block.lines === null) return;
  const label = backend === 'netplan' ? 'netplan' : 'NetworkManager';
  const iface = readModel(setBlock(null, sourceKey(block.ifname, block.key), block.lines)).get(block.ifname);
  if (iface === undefined) return;
  for (const name of namesOf(iface)) {
    // Names become YAML keys and keyfile names: keep to what needs no quoting anywhere.
    if (name !== '' && !SAFE_NAME.test(name)) {
      throw new TaskError(`interface name ${name} cannot be persisted to ${label} by zonectl (allowed: letters, digits, . _ -); use persist: false`);
    }
  }
  if (iface.vlan && iface.vlan.protocol !== '802.1Q') {
    throw new TaskError(`${label} cannot persist VLAN protocol ${iface.vlan.protocol} of ${block.ifname} (only 802.1Q); use persist: false`);
  }
  if (backend === 'networkmanager' && iface.bridge?.stp) {
    const fd = Number(iface.bridge.forwardDelay);
    if (!(fd >= 2 && fd <= 30)) {
      throw new TaskError(`NetworkManager allows a bridge forward_delay of 2-30 seconds with STP; ${block.ifname} has ${iface.bridge.forwardDelay}`);
    }
  }
}

/** Rendered files before (as probed, or as last rendered when not probed) and after the block is set. */
function predictFiles(backend: RenderedBackend, probe: NetProbe, before: string | null, after: string | null): [string, string | null, string | null][] {
  if (backend === 'netplan') return [[NETPLAN_FILE, probe.files.get(NETPLAN_FILE) ?? null, renderNetplan(after)]];
  const was = renderNetworkManager(before);
  const will = renderNetworkManager(after);
  const paths = [...new Set([...was.keys(), ...will.keys()])].sort();
  // Keyfiles of interfaces this task names were probed; a bridge's ports were not, they are taken as last rendered.
  return paths.map((p) => [p, probe.files.has(p) ? (probe.files.get(p) ?? null) : (was.get(p) ?? null), will.get(p) ?? null]);
}

/**
 * The change that brings one task's block (and the rendered files) in line,
 * or null. `blockInSync`: the source already holds the block as wanted.
 */
export function renderedChange(
  backend: RenderedBackend,
  probe: NetProbe,
  block: { ifname: string; key: string; lines: string[] | null },
  blockInSync: (have: string[] | null) => boolean,
): Change | null {
  checkBlock(backend, block);
  const source = sourcePath(backend);
  const key = sourceKey(block.ifname, block.key);
  const before = probe.files.get(source) ?? null;
  const have = getBlock(before, key);
  const after = setBlock(before, key, block.lines);
  const files = predictFiles(backend, probe, before, after).filter(([, old, next]) => old !== next);
  if (blockInSync(have) && files.length === 0) return null;
  const what = `${block.key.replace(/^\d+-/, '')} settings of ${block.ifname}`;
  const target = backend === 'netplan' ? NETPLAN_FILE : NM_DIR;
  const summary = blockInSync(have)
    ? `rewrite ${target} from ${source}: a file changed by hand (${backend})`
    : have === null
      ? `add the ${what} to ${target} (${backend})`
      : block.lines === null
        ? `remove the ${what} from ${target} (${backend})`
        : `update the ${what} in ${target} (${backend})`;
  const diffs = files.map(([path, old, next]) => fileDiff(path, old, next));
  // Only the source differs (a comment edited in it): show that.
  if (diffs.length === 0) diffs.push(fileDiff(source, before, after));
  const data: RenderedPersistData = { persist: { backend, path: source, key, lines: block.lines, ifname: block.ifname } };
  return { summary, diff: diffs.join(''), data };
}

function fileDiff(path: string, old: string | null, next: string | null): string {
  return unifiedDiff(old ?? '', next ?? '', { oldName: old === null ? '/dev/null' : path, newName: next === null ? '/dev/null' : path });
}

export function isRenderedPersistData(data: unknown): data is RenderedPersistData {
  if (typeof data !== 'object' || data === null || !('persist' in data)) return false;
  const p = data.persist;
  return typeof p === 'object' && p !== null && 'backend' in p && (p.backend === 'netplan' || p.backend === 'networkmanager');
}

function awkRender(program: string, header: string, extra = ''): string {
  return `LC_ALL=C awk -v mark=${quote(BLOCK_MARK)} -v header=${quote(header)} ${extra}${quote(program)} < "$zc_netfile"`;
}

/**
 * netplan validation: the generator over a copy of every netplan file with the
 * candidate in place, in a scratch root (`--root-dir`), so references to
 * interfaces defined in other files resolve and nothing under /run changes.
 * The generator binary is used when found (Debian/Ubuntu paths), else the
 * `netplan generate` command; no netplan at all means no validation.
 */
const NETPLAN_VALIDATE = [
  'zc_gen=',
  'for zc_g in /usr/libexec/netplan/generate /lib/netplan/generate /usr/lib/netplan/generate; do if [ -x "$zc_g" ]; then zc_gen=$zc_g; break; fi; done',
  'if [ -n "$zc_gen" ] || command -v netplan >/dev/null 2>&1; then',
  'zc_root=$(mktemp -d)',
  'for zc_d in /lib/netplan /etc/netplan /run/netplan; do for zc_y in "$zc_d"/*.yaml; do if [ -f "$zc_y" ]; then mkdir -p "$zc_root$zc_d"; cp "$zc_y" "$zc_root$zc_d/"; fi; done; done',
  `mkdir -p "$zc_root/etc/netplan"; cp %s "$zc_root"${quote(NETPLAN_FILE)}; chmod -R go-rwx "$zc_root"`,
  'if [ -n "$zc_gen" ]; then "$zc_gen" --root-dir "$zc_root" >&2; else netplan generate --root-dir "$zc_root" >&2; fi; zc_rc=$?',
  'rm -rf "$zc_root"; [ "$zc_rc" -eq 0 ]',
  'fi',
].join('\n');

/** Shell text that sets the block in the source and installs the rendered files (see the file comment). */
export function renderedCommands(data: RenderedPersistData): string {
  const { backend, path, key, lines } = data.persist;
  const src = quote(path);
  const head = [
    '(',
    'set -e',
    'zc_netfile=$(mktemp)',
    backend === 'networkmanager' ? 'zc_nmdir=$(mktemp -d)' : 'zc_nmdir=',
    `trap 'rm -f "$zc_netfile"; if [ -n "$zc_nmdir" ]; then rm -rf "$zc_nmdir"; fi' EXIT`,
    `mkdir -p ${quote(backend === 'netplan' ? '/etc/netplan' : NM_DIR)}`,
    `${setBlockProducer(path, key, lines)} > "$zc_netfile"`,
  ];
  const installSource = [
    `if ${emptyBlockFileTest('"$zc_netfile"')}; then rm -f ${src}; else`,
    atomicWriteScript({ path, produce: 'cat "$zc_netfile"', mode: '0600', skipWhenSame: true }),
    'fi',
  ];
  if (backend === 'netplan') {
    const yaml = quote(NETPLAN_FILE);
    return [
      ...head,
      `if ${emptyBlockFileTest('"$zc_netfile"')}; then rm -f ${yaml}; else`,
      atomicWriteScript({ path: NETPLAN_FILE, produce: awkRender(AWK_NETPLAN, NETPLAN_HEADER), mode: '0600', validate: NETPLAN_VALIDATE, skipWhenSame: true }),
      'fi',
      ...installSource,
      ')',
    ].join('\n');
  }
  const dir = quote(NM_DIR);
  return [
    ...head,
    awkRender(AWK_NETWORKMANAGER, NM_HEADER, '-v "dir=$zc_nmdir" '),
    // Install changed keyfiles (0600, renamed into place), then drop zonectl keyfiles no block renders any more.
    `for zc_f in "$zc_nmdir"/zonectl-*.nmconnection; do`,
    '  if [ ! -f "$zc_f" ]; then continue; fi',
    `  zc_t=${dir}/"\${zc_f##*/}"`,
    '  if [ -f "$zc_t" ] && cmp -s "$zc_f" "$zc_t"; then continue; fi',
    `  zc_tmp=$(mktemp ${dir}/.zonectl.XXXXXX)`,
    '  cat "$zc_f" > "$zc_tmp"; chmod 0600 "$zc_tmp"; mv -f "$zc_tmp" "$zc_t"',
    'done',
    `for zc_t in ${dir}/zonectl-*.nmconnection; do`,
    '  if [ -f "$zc_t" ] && [ ! -f "$zc_nmdir/${zc_t##*/}" ]; then rm -f "$zc_t"; fi',
    'done',
    ...installSource,
    ')',
  ].join('\n');
}
