/**
 * ovs_bridge: an Open vSwitch bridge and the columns an operator sets on it.
 * Changes go out as ONE ovs-vsctl transaction per task.
 */
import { defineModule } from '../contract.ts';
import { ovsProbeScript, parseOvsProbe, type OvsHostState } from '../../ovs/probe.ts';
import { bridgeCommands, diffBridge } from './diff.ts';
import { ovsBridgeDoc } from './doc.ts';
import { bridgeParams, type BridgeParams } from './schema.ts';

export const ovsBridge = defineModule<BridgeParams, OvsHostState>({
  name: 'ovs_bridge',
  doc: ovsBridgeDoc,
  schema: bridgeParams,
  probe: () => ovsProbeScript({ network: true }),
  parse: (output, _params, ctx) => {
    const { state, net } = parseOvsProbe(output, ctx.host);
    return { ovs: state, net };
  },
  diff: (desired, actual, ctx) => diffBridge(desired, actual, ctx),
  commands: (changes, desired) => bridgeCommands(changes, desired.name),
});
