/**
 * `vlan`: 802.1Q/802.1ad VLAN interfaces on a parent.
 */
import { defineModule } from '../contract.ts';
import { netProbe, parseNetProbe } from '../../netconfig/probe.ts';
import type { NetProbe } from '../../netconfig/probe.ts';
import { vlanCommands } from './commands.ts';
import { diffVlan } from './diff.ts';
import { vlanDoc } from './doc.ts';
import { vlanProbeRequest } from './probe.ts';
import { vlanParams } from './schema.ts';
import type { VlanParams } from './schema.ts';

export const vlanModule = defineModule<VlanParams, NetProbe>({
  name: 'vlan',
  doc: vlanDoc,
  schema: vlanParams,
  probe: (params) => netProbe(vlanProbeRequest(params)),
  parse: (output, params) => parseNetProbe(output.stdout, vlanProbeRequest(params)),
  diff: (desired, actual, ctx) => diffVlan(desired, actual, ctx),
  commands: (changes) => vlanCommands(changes),
});
