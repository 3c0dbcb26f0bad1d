import type { NetProbeRequest } from '../../netconfig/probe.ts';
import { persistFiles } from '../../netconfig/persist/index.ts';
import type { VlanParams } from './schema.ts';

export function vlanProbeRequest(p: VlanParams): NetProbeRequest {
  return { files: p.persist ? persistFiles(p.vlans.map((v) => v.name)) : [], vlanSupport: true };
}
