/**
 * ovs_port: a port on an Open vSwitch bridge and its single interface — a
 * plain device, an internal port, a patch port or a tunnel — with VLAN
 * settings (access `tag`, `trunks`, `vlan_mode`).
 *
 * `--may-exist add-port` does not touch an existing port, so a port that
 * exists is corrected column by column with set/remove/clear, all in ONE
 * ovs-vsctl transaction per task.
 */
import { z } from 'zod';
import { defineModule, TaskError, type Change } from '../contract.ts';
import { ovsProbeScript, parseOvsProbe } from '../../ovs/probe.ts';
import { ovsName, ownedMap, trunkList, vlanId } from '../../ovs/schema.ts';
import type { OvsPort, OvsState } from '../../ovs/state.ts';
import { diffOwnedMap, integerSet, mapSteps, vsctlTransaction } from '../../ovs/vsctl.ts';

const optionValue = z.union([z.string(), z.number(), z.null()]).transform((v) => (v === null ? null : String(v)));

export const portParams = z
  .object({
    bridge: ovsName,
    name: ovsName,
    state: z.enum(['present', 'absent']).default('present'),
    type: z.enum(['system', 'internal', 'patch', 'gre', 'vxlan', 'geneve']).default('system'),
    options: z
      .object({ key: optionValue, remote_ip: optionValue, local_ip: optionValue, dst_port: optionValue, peer: optionValue })
      .partial()
      .strict()
      .optional(),
    tag: vlanId.nullable().optional(),
    trunks: trunkList.nullable().optional(),
    vlan_mode: z.enum(['trunk', 'access', 'native-tagged', 'native-untagged', 'dot1q-tunnel']).nullable().optional(),
    mtu_request: z.number().int().min(68, 'must be 68-65535').max(65535, 'must be 68-65535').nullable().optional(),
    external_ids: ownedMap.optional(),
  })
  .strict()
  .superRefine((p, ctx) => {
    if (p.state === 'absent') return;
    if (p.type === 'patch' && !p.options?.peer) ctx.addIssue({ code: 'custom', path: ['options', 'peer'], message: 'a patch port needs options.peer (the port at the other end)' });
    if (['gre', 'vxlan', 'geneve'].includes(p.type) && !p.options?.remote_ip) {
      ctx.addIssue({ code: 'custom', path: ['options', 'remote_ip'], message: `a ${p.type} port needs options.remote_ip` });
    }
    if (p.tag != null && p.trunks && p.trunks.length > 0 && p.vlan_mode !== 'native-tagged' && p.vlan_mode !== 'native-untagged') {
      ctx.addIssue({ code: 'custom', path: ['tag'], message: 'tag and trunks together need vlan_mode native-tagged or native-untagged' });
    }
  });

export type PortParams = z.infer<typeof portParams>;

interface StepsData {
  steps: string[][];
}

const stepsOf = (steps: string[][]): StepsData => ({ steps });

/** Column assignments for a new port: interface first (type, options, mtu), then port (VLANs, ids). */
function createSteps(p: PortParams): string[][] {
  const steps: string[][] = [['--may-exist', 'add-port', p.bridge, p.name]];
  const iface = [`type=${p.type}`];
  const options = diffOwnedMap(p.options, {});
  if (p.mtu_request != null) iface.push(`mtu_request=${p.mtu_request}`);
  steps.push(['set', 'interface', p.name, ...iface]);
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
  const parts = [`type=${p.type}`];
  for (const [k, v] of Object.entries(p.options ?? {})) if (v !== null) parts.push(`${k}=${v}`);
  if (p.tag != null) parts.push(`tag=${p.tag}`);
  if (p.trunks && p.trunks.length > 0) parts.push(`trunks=${p.trunks.join(',')}`);
  if (p.vlan_mode != null) parts.push(`vlan_mode=${p.vlan_mode}`);
  if (p.mtu_request != null) parts.push(`mtu_request=${p.mtu_request}`);
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
      summary: `port ${p.name}: trunks ${trunksNow || '(none)'} → ${trunksWanted || '(none)'}`,
      data: stepsOf([trunksWanted ? ['set', 'port', p.name, `trunks=${integerSet(p.trunks ?? [])}`] : ['clear', 'port', p.name, 'trunks']]),
    });
  }
  return changes;
}

/** Pure: desired port vs the switch's tables. */
export function diffPort(p: PortParams, state: OvsState): Change[] {
  const actual = state.ports[p.name];
  if (p.state === 'absent') {
    if (!actual) return [];
    return [{ summary: `delete port ${p.name} from bridge ${actual.bridge ?? '?'}`, data: stepsOf([['--if-exists', 'del-port', p.name]]) }];
  }
  if (!actual) return [{ summary: `create port ${p.name} on bridge ${p.bridge} (${describeNew(p)})`, data: stepsOf(createSteps(p)) }];
  if (actual.interfaces.length > 1) {
    throw new TaskError(`port ${p.name} is a bond of ${actual.interfaces.map((i) => i.name).join(', ')}: ovs_port manages single-interface ports only`);
  }
  if (actual.bridge !== p.bridge) {
    // Moving is delete + add in the same transaction; the port is re-created with the desired columns.
    return [{
      summary: `move port ${p.name} from bridge ${actual.bridge ?? '(none)'} to ${p.bridge} (${describeNew(p)})`,
      data: stepsOf([['--if-exists', 'del-port', p.name], ...createSteps(p)]),
    }];
  }
  return updateChanges(p, actual);
}

export function portCommands(changes: readonly Change[]): string {
  return vsctlTransaction(changes.flatMap((c) => (c.data as StepsData).steps));
}

export const ovsPort = defineModule<PortParams, OvsState>({
  name: 'ovs_port',
  doc: {
    summary: 'A port on an Open vSwitch bridge: device, internal, patch or tunnel; access tag, trunks, VLAN mode, MTU.',
    description: [
      'A missing port is added with `--may-exist add-port` and its columns set in the same transaction; an existing port is',
      'corrected column by column (set/remove/clear), because add-port never updates a port that exists. A port found on',
      'another bridge is moved (deleted and re-added in one transaction).',
      'Columns that are omitted are left alone; null clears tag, trunks, vlan_mode and mtu_request and removes an option key.',
      'Only the listed options and external_ids keys are managed; other keys stay untouched. `type` defaults to system',
      '(a plain network device) and is always enforced. Bonds (ports with several interfaces) are refused.',
    ].join('\n'),
    params: {
      bridge: 'bridge the port belongs to',
      name: 'port and interface name (≤ 15 characters: letters, digits, _ . -)',
      state: 'present (default) or absent',
      type: 'system (default), internal, patch, gre, vxlan or geneve',
      options: 'key, remote_ip, local_ip, dst_port, peer (a value sets, null removes); gre/vxlan/geneve need remote_ip, patch needs peer',
      tag: 'access VLAN id (0-4095); null clears it',
      trunks: 'VLANs carried on a trunk: a list [100, 200] or "100,200,300-305"; [] or null clears (all VLANs)',
      vlan_mode: 'trunk, access, native-tagged, native-untagged or dot1q-tunnel; null clears',
      mtu_request: 'MTU to request for the interface (68-65535); null clears',
      external_ids: 'map of keys to manage (value sets, null removes)',
    },
    examples: [
      '- name: uplink trunk',
      '  ovs_port: { bridge: cloudbr1, name: eth1, trunks: [100, 200], vlan_mode: trunk }',
      '- name: access port',
      '  ovs_port: { bridge: cloudbr1, name: vnet0, type: internal, tag: 100 }',
      '- name: GRE tunnel',
      '  ovs_port: { bridge: cloudbr1, name: gre0, type: gre, options: { key: 103, remote_ip: 192.0.2.2 } }',
    ].join('\n'),
  },
  schema: portParams,
  probe: () => ovsProbeScript(),
  parse: (output, _params, ctx) => parseOvsProbe(output, ctx.host).state,
  diff: (desired, actual) => diffPort(desired, actual),
  commands: (changes) => portCommands(changes),
});
