/** `ovs_port`: desired port vs the switch's tables → changes → one ovs-vsctl transaction. Pure. */
import { TaskError, type Change, type RunContext } from '../contract.ts';
import { refuseManagementCut } from '../../ovs/management.ts';
import type { OvsHostState } from '../../ovs/probe.ts';
import type { OvsPort } from '../../ovs/state.ts';
import { diffOwnedMap, integerSet, mapSteps, vsctlTransaction } from '../../ovs/vsctl.ts';
import { idRangesText } from '../../ovs/schema.ts';
import type { PortParams } from './schema.ts';

interface StepsData {
  steps: string[][];
}

const stepsOf = (steps: string[][]): StepsData => ({ steps });

/** Column assignments for a new port: interface first (type, options, mtu), then port (VLANs, ids). */
function createSteps(p: PortParams): string[][] {
  const steps: string[][] = [['--may-exist', 'add-port', p.bridge, p.name]];
  // No type means OVS's default, system (a plain network device).
  const iface = p.type ? [`type=${p.type}`] : [];
  const options = diffOwnedMap(p.options, {});
  if (p.mtu_request != null) iface.push(`mtu_request=${p.mtu_request}`);
  if (iface.length > 0) steps.push(['set', 'interface', p.name, ...iface]);
  steps.push(...mapSteps('interface', p.name, 'options', options));
  const port: string[] = [];
  if (p.tag != null) port.push(`tag=${p.tag}`);
  if (p.trunks && p.trunks.length > 0) port.push(`trunks=${integerSet(p.trunks)}`);
  if (p.vlan_mode != null) port.push(`vlan_mode=${p.vlan_mode}`);
  if (port.length > 0) steps.push(['set', 'port', p.name, ...port]);
  steps.push(...mapSteps('port', p.name, 'external_ids', diffOwnedMap(p.external_ids, {})));
  return steps;
}

function describeNew(p: PortParams): string {
  const parts = [`type=${p.type ?? 'system'}`];
  for (const [k, v] of Object.entries(p.options ?? {})) if (v !== null) parts.push(`${k}=${v}`);
  if (p.tag != null) parts.push(`tag=${p.tag}`);
  if (p.trunks && p.trunks.length > 0) parts.push(`trunks=${idRangesText(p.trunks)}`);
  if (p.vlan_mode != null) parts.push(`vlan_mode=${p.vlan_mode}`);
  if (p.mtu_request != null) parts.push(`mtu_request=${p.mtu_request}`);
  const ids = Object.entries(p.external_ids ?? {}).filter(([, v]) => v !== null);
  if (ids.length > 0) parts.push(`external_ids: ${ids.map(([k, v]) => `${k}=${v}`).join(', ')}`);
  return parts.join(', ');
}

/** A scalar column that is set when given a value and cleared when given null; undefined = leave alone. */
function scalarChange(p: PortParams, table: 'port' | 'interface', column: string, actual: string | number | undefined, desired: string | number | null | undefined): Change[] {
  if (desired === undefined || (desired ?? undefined) === actual) return [];
  if (desired === null) {
    return [{ summary: `port ${p.name}: clear ${column} (was ${actual})`, data: stepsOf([['clear', table, p.name, column]]) }];
  }
  return [{ summary: `port ${p.name}: ${column} ${actual ?? '(unset)'} → ${desired}`, data: stepsOf([['set', table, p.name, `${column}=${desired}`]]) }];
}

function mapChanges(p: PortParams, table: 'port' | 'interface', column: string, desired: Record<string, string | null> | undefined, actual: Record<string, string>): Change[] {
  const change = diffOwnedMap(desired, actual);
  return [
    ...Object.entries(change.set).map(([key, value]) => ({
      summary: `port ${p.name}: ${column}:${key} ${actual[key] ?? '(unset)'} → ${value}`,
      data: stepsOf(mapSteps(table, p.name, column, { set: { [key]: value }, remove: [] })),
    })),
    ...change.remove.map((key) => ({
      summary: `port ${p.name}: remove ${column}:${key} (was ${actual[key]})`,
      data: stepsOf(mapSteps(table, p.name, column, { set: {}, remove: [key] })),
    })),
  ];
}

function updateChanges(p: PortParams, actual: OvsPort): Change[] {
  const iface = actual.interfaces[0];
  if (!iface) throw new TaskError(`port ${p.name} has no interface row: fix it by hand (ovs-vsctl del-port ${p.name})`);
  const trunksNow = actual.trunks.join(',');
  const trunksWanted = p.trunks === undefined ? undefined : (p.trunks ?? []).join(',');
  const changes: Change[] = [
    ...scalarChange(p, 'interface', 'type', iface.type, p.type),
    ...mapChanges(p, 'interface', 'options', p.options, iface.options),
    ...scalarChange(p, 'interface', 'mtu_request', iface.mtuRequest, p.mtu_request),
    ...scalarChange(p, 'port', 'tag', actual.tag, p.tag),
    ...scalarChange(p, 'port', 'vlan_mode', actual.vlanMode, p.vlan_mode),
    ...mapChanges(p, 'port', 'external_ids', p.external_ids, actual.externalIds),
  ];
  if (trunksWanted !== undefined && trunksWanted !== trunksNow) {
    changes.push({
      summary: `port ${p.name}: trunks ${idRangesText(actual.trunks) || '(none)'} → ${idRangesText(p.trunks ?? []) || '(none)'}`,
      data: stepsOf([trunksWanted ? ['set', 'port', p.name, `trunks=${integerSet(p.trunks ?? [])}`] : ['clear', 'port', p.name, 'trunks']]),
    });
  }
  return changes;
}

/** Pure: desired port vs the switch's tables. */
export function diffPort(p: PortParams, host: OvsHostState, ctx: RunContext): Change[] {
  const actual = host.ovs.ports[p.name];
  if (p.state === 'absent') {
    if (!actual) return [];
    refuseManagementCut(`delete port ${p.name}`, [p.name], host.net, ctx);
    return [{ summary: `delete port ${p.name} from bridge ${actual.bridge ?? '?'}`, data: stepsOf([['--if-exists', 'del-port', p.name]]) }];
  }
  // A device with the management address stops answering on it once it becomes a bridge port.
  if (!actual) refuseManagementCut(`add ${p.name} to bridge ${p.bridge}`, [p.name], host.net, ctx);
  if (!actual) return [{ summary: `create port ${p.name} on bridge ${p.bridge} (${describeNew(p)})`, data: stepsOf(createSteps(p)) }];
  if (actual.interfaces.length > 1) {
    throw new TaskError(`port ${p.name} is a bond of ${actual.interfaces.map((i) => i.name).join(', ')}: ovs_port manages single-interface ports only`);
  }
  if (actual.bridge !== p.bridge) {
    refuseManagementCut(`move port ${p.name} to bridge ${p.bridge}`, [p.name], host.net, ctx);
    // Moving is delete, then add (two transactions: see vsctlTransaction); the port is re-created with the desired columns.
    return [{
      summary: `move port ${p.name} from bridge ${actual.bridge ?? '(none)'} to ${p.bridge} (${describeNew(p)})`,
      data: stepsOf([['--if-exists', 'del-port', p.name], ...createSteps(p)]),
    }];
  }
  const changes = updateChanges(p, actual);
  if (p.type !== undefined && changes.some((c) => c.summary.startsWith(`port ${p.name}: type `))) {
    refuseManagementCut(`change the type of port ${p.name}`, [p.name], host.net, ctx);
  }
  return changes;
}

export function portCommands(changes: readonly Change[]): string {
  return vsctlTransaction(changes.flatMap((c) => (c.data as StepsData).steps));
}
