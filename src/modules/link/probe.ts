import type { NetProbeRequest } from '../../netconfig/probe.ts';
import { persistFiles } from '../../netconfig/persist/index.ts';
import type { LinkParams } from './schema.ts';

export function linkProbeRequest(p: LinkParams): NetProbeRequest {
  return { files: p.persist ? persistFiles([p.name]) : [] };
}
