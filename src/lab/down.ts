/**
 * `lab down`: remove every process, mount, namespace, link and file a lab made.
 * Works from the state record and, in case it is missing or behind (a crash
 * mid-up), also sweeps this machine for names only this lab can own.
 */
import { existsSync, readFileSync, rmSync, statSync } from 'node:fs';
import yaml from 'js-yaml';
import pLimit from 'p-limit';
import { UserError } from '../errors/index.ts';
import { listLinks, listNetns, mountsUnder, sleep, tryRun } from './host.ts';
import { isLabHostIface, LAB_NAME, LAB_NAME_RULE, labStateDir, mgmtBridge, netnsPrefix } from './names.ts';
import { withLock } from './lock.ts';
import { deleteNetns, stopNode } from './node.ts';
import { readRecord } from './state.ts';

export interface LabDownOptions {
  log?: (line: string) => void;
}

/** A lab name, or a topology file whose `name:` names the lab. */
export function resolveLabName(nameOrTopologyFile: string): string {
  const looksLikeFile = /\.ya?ml$/.test(nameOrTopologyFile) || nameOrTopologyFile.includes('/');
  if (looksLikeFile || (existsSync(nameOrTopologyFile) && statSync(nameOrTopologyFile).isFile())) {
    let name: unknown;
    try {
      name = (yaml.load(readFileSync(nameOrTopologyFile, 'utf8')) as { name?: unknown } | null)?.name;
    } catch (error) {
      throw new UserError(`cannot read the lab name from ${nameOrTopologyFile}: ${(error as Error).message.split('\n')[0]}`);
    }
    if (typeof name !== 'string' || !LAB_NAME.test(name)) throw new UserError(`${nameOrTopologyFile} has no valid lab name (name: ${LAB_NAME_RULE})`);
    return name;
  }
  if (!LAB_NAME.test(nameOrTopologyFile)) throw new UserError(`'${nameOrTopologyFile}' is neither a lab name (${LAB_NAME_RULE}) nor a topology file`);
  return nameOrTopologyFile;
}

export function labDown(nameOrTopologyFile: string, options: LabDownOptions = {}): Promise<void> {
  const lab = resolveLabName(nameOrTopologyFile);
  return withLock(`lab-${lab}`, () => downLocked(lab, options));
}

async function downLocked(lab: string, options: LabDownOptions): Promise<void> {
  const log = options.log ?? (() => undefined);
  const record = readRecord(lab);
  const stateDir = labStateDir(lab);
  let removed = 0;

  const namespaces = new Set([...(record?.netns ?? []), ...(record?.nodes.map((n) => n.netns) ?? []), ...listNetns().filter((n) => n.startsWith(netnsPrefix(lab)))]);
  const limit = pLimit(16);
  await Promise.all(
    [...namespaces].map((netns) =>
      limit(async () => {
        const killed = await stopNode(netns);
        if (existsSync(`/run/netns/${netns}`)) {
          await deleteNetns(netns);
          removed++;
          log(`  removed node namespace ${netns}${killed ? ` (${killed} processes stopped)` : ''}`);
        }
      }),
    ),
  );

  // veth ends first, then the bridges they were on.
  const present = new Set((await listLinks()).map((l) => l.ifname));
  const links = new Set([...(record?.hostLinks ?? []), ...[...present].filter((n) => isLabHostIface(lab, n))]);
  const bridgesLast = [...links].sort((a, b) => Number(isBridgeName(lab, a)) - Number(isBridgeName(lab, b)));
  for (const ifname of bridgesLast) {
    if (!present.has(ifname)) continue;
    const result = await tryRun(['ip', 'link', 'delete', ifname]);
    if (result.code === 0) {
      removed++;
      log(`  removed ${ifname}`);
    } else if ((await listLinks()).some((l) => l.ifname === ifname)) {
      throw new UserError(`cannot remove ${ifname}: ${result.stderr.trim()}`);
    }
  }

  for (const mount of mountsUnder(stateDir)) {
    await unmount(mount);
    removed++;
    log(`  unmounted ${mount}`);
  }
  if (existsSync(stateDir)) {
    rmSync(stateDir, { recursive: true, force: true });
    removed++;
    log(`  removed ${stateDir}`);
  }
  log(removed === 0 ? `lab ${lab} is not up: nothing to remove` : `lab ${lab} is down`);
}

function isBridgeName(lab: string, ifname: string): boolean {
  return ifname === mgmtBridge(lab) || /^s\d+$/.test(ifname.slice(`z${lab}-`.length));
}

/** A mount can stay busy for a moment after its last process was killed: retry, then detach it. */
async function unmount(path: string): Promise<void> {
  for (let i = 0; i < 20; i++) {
    if ((await tryRun(['umount', path])).code === 0) return;
    await sleep(100);
  }
  const lazy = await tryRun(['umount', '-l', path]);
  if (lazy.code !== 0) throw new UserError(`cannot unmount ${path}: ${lazy.stderr.trim()}`);
}
