import type { NetProbeRequest } from '../../netconfig/probe.ts';
import { persistFiles } from '../../netconfig/persist/index.ts';
import type { BridgeParams } from './schema.ts';

export function bridgeProbeRequest(p: BridgeParams): NetProbeRequest {
  return { files: p.persist ? persistFiles([p.name]) : [] };
}
