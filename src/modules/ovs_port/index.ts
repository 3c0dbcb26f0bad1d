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
import { ovsProbeScript, parseOvsProbe, type OvsHostState } from '../../ovs/probe.ts';
import { diffPort, portCommands } from './diff.ts';
import { ovsPortDoc } from './doc.ts';
import { portParams, type PortParams } from './schema.ts';

export const ovsPort = defineModule<PortParams, OvsHostState>({
  name: 'ovs_port',
  doc: ovsPortDoc,
  schema: portParams,
  probe: () => ovsProbeScript({ network: true }),
  parse: (output, _params, ctx) => {
    const { state, net } = parseOvsProbe(output, ctx.host);
    return { ovs: state, net };
  },
  diff: (desired, actual, ctx) => diffPort(desired, actual, ctx),
  commands: (changes) => portCommands(changes),
});
