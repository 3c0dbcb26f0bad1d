/**
 * Desired FRR vs what the host has → changes. Pure.
 *
 * - one change per daemon switch in /etc/frr/daemons (FRR restarts);
 * - the frr.conf file changes (content as a unified diff, owner frr:frr, mode 0640);
 * - the running configuration: the lines `frr-reload.py --test` says a reload
 *   deletes and adds, or starting FRR when it is not running.
 * Every diff text has its secrets masked (also old ones the engine cannot know).
 */
import { daemonSwitches, parseDaemons, wantedDaemons } from '../../frr/daemons.ts';
import type { DaemonSwitch } from '../../frr/daemons.ts';
import { formatReloadDiff, hostOwnedOf, reloadDiffIsEmpty, withoutHostOwned } from '../../frr/reload-diff.ts';
import { maskSecrets } from '../../frr/secrets.ts';
import { TaskError } from '../contract.ts';
import type { Change } from '../contract.ts';
import type { DesiredFile } from '../file/desired.ts';
import { diffFile } from '../file/diff.ts';
import type { FileChangeData } from '../file/diff.ts';
import type { FrrState } from './parse.ts';
import { CONFIG_FILE, DAEMONS_FILE } from './probe.ts';

export type FrrChangeData =
  | { kind: 'daemons'; switch: DaemonSwitch }
  | { kind: 'file'; file: FileChangeData }
  | { kind: 'reload' }
  | { kind: 'start' };

/** frr.conf as FRR's packages install it: owner frr:frr, mode 0640; checked by FRR before it replaces the old one. */
export function desiredConfigFile(config: string): DesiredFile {
  return { path: CONFIG_FILE, state: 'present', content: config, mode: '0640', owner: 'frr', group: 'frr', validate: 'vtysh -C -f %s' };
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

export function diffFrr(desired: { daemons?: readonly string[] | Readonly<Record<string, boolean>> | undefined; config?: string | undefined }, actual: FrrState): Change[] {
  const changes: Change[] = [];
  let switches: DaemonSwitch[] = [];
  if (desired.daemons !== undefined) {
    if (actual.daemons.kind !== 'regular' || actual.daemons.content === null) throw new TaskError(`${DAEMONS_FILE} is not a readable text file`);
    switches = daemonSwitches(parseDaemons(actual.daemons.content), wantedDaemons(desired.daemons));
    for (const s of switches) {
      changes.push({ summary: `${DAEMONS_FILE}: ${s.daemon} ${s.from ?? '(no line)'} → ${s.to}`, data: { kind: 'daemons', switch: s } satisfies FrrChangeData });
    }
  }
  if (desired.config !== undefined && actual.conf) {
    for (const c of diffFile(desiredConfigFile(desired.config), actual.conf)) {
      const masked: Change = { summary: maskSecrets(c.summary), data: { kind: 'file', file: c.data as FileChangeData } satisfies FrrChangeData };
      if (c.diff !== undefined) masked.diff = maskSecrets(c.diff);
      changes.push(masked);
    }
  }
  if (!actual.running) {
    if (desired.config !== undefined || switches.length > 0) changes.push({ summary: 'FRR is not running: start it', data: { kind: 'start' } satisfies FrrChangeData });
    return changes;
  }
  if (desired.config !== undefined && actual.reload) {
    const lines = withoutHostOwned(actual.reload, hostOwnedOf(desired.config));
    if (!reloadDiffIsEmpty(lines)) {
      const how = switches.length > 0 ? 'FRR restarts (daemons changed)' : 'frr-reload.py, sessions stay up';
      changes.push({
        summary: `running configuration (${how}): delete ${plural(lines.deletes.length, 'line')}, add ${lines.adds.length}`,
        diff: maskSecrets(formatReloadDiff(lines)),
        data: { kind: 'reload' } satisfies FrrChangeData,
      });
    }
  }
  return changes;
}
