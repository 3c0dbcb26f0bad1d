/** Params of `ovs_bridge`. */
import { z } from 'zod';
import { ovsName, ownedMap } from '../../ovs/schema.ts';

export const bridgeParams = z
  .object({
    name: ovsName,
    state: z.enum(['present', 'absent']).default('present'),
    datapath_type: z.enum(['system', 'netdev']).optional(),
    fail_mode: z.enum(['standalone', 'secure']).optional(),
    stp: z.boolean().optional(),
    other_config: ownedMap.optional(),
    external_ids: ownedMap.optional(),
  })
  .strict();

export type BridgeParams = z.infer<typeof bridgeParams>;

