/**
 * `address`: the addresses of one interface.
 */
import { defineModule } from '../contract.ts';
import { netProbe, parseNetProbe } from '../../netconfig/probe.ts';
import type { NetProbe } from '../../netconfig/probe.ts';
import { addressCommands } from './commands.ts';
import { diffAddress } from './diff.ts';
import { addressDoc } from './doc.ts';
import { addressProbeRequest } from './probe.ts';
import { addressParams } from './schema.ts';
import type { AddressParams } from './schema.ts';

export const addressModule = defineModule<AddressParams, NetProbe>({
  name: 'address',
  doc: addressDoc,
  schema: addressParams,
  probe: (params) => netProbe(addressProbeRequest(params)),
  parse: (output, params) => parseNetProbe(output.stdout, addressProbeRequest(params)),
  diff: (desired, actual, ctx) => diffAddress(desired, actual, ctx),
  commands: (changes, desired) => addressCommands(changes, desired),
});
