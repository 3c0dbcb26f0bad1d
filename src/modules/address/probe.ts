import type { NetProbeRequest } from '../../netconfig/probe.ts';
import { persistFiles } from '../../netconfig/persist/index.ts';
import type { AddressParams } from './schema.ts';

export function addressProbeRequest(p: AddressParams): NetProbeRequest {
  return { files: p.persist ? persistFiles([p.dev]) : [] };
}
