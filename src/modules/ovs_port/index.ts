/**
 * ovs_port: a port on an Open vSwitch bridge and its single interface — a
 * plain device, an internal port, a patch port or a tunnel — with VLAN
 * settings (access `tag`, `trunks`, `vlan_mode`).
 *
 * `--may-exist add-port` does not touch an existing port, so a port that
 * exists is corrected column by column with set/remove/clear, all in ONE
 * ovs-vsctl transaction per task.
 */
import { defineModule } from '../contract.ts';
import { ovsProbeScript, parseOvsProbe } from '../../ovs/probe.ts';
import type { OvsState } from '../../ovs/state.ts';
import { diffPort, portCommands } from './diff.ts';
import { ovsPortDoc } from './doc.ts';
import { portParams, type PortParams } from './schema.ts';

export const ovsPort = defineModule<PortParams, OvsState>({
  name: 'ovs_port',
  doc: ovsPortDoc,
  schema: portParams,
  probe: () => ovsProbeScript(),
  parse: (output, _params, ctx) => parseOvsProbe(output, ctx.host).state,
  diff: (desired, actual) => diffPort(desired, actual),
  commands: (changes) => portCommands(changes),
});
