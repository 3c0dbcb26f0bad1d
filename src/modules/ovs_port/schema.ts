/** Params of `ovs_port`. */
import { z } from 'zod';
import { ovsName, ownedMap, trunkList, vlanId } from '../../ovs/schema.ts';

const optionValue = z.union([z.string(), z.number(), z.null()]).transform((v) => (v === null ? null : String(v)));

export const portParams = z
  .object({
    bridge: ovsName,
    name: ovsName,
    state: z.enum(['present', 'absent']).default('present'),
    type: z.enum(['system', 'internal', 'patch', 'gre', 'vxlan', 'geneve']).optional(),
    options: z
      .object({ key: optionValue, remote_ip: optionValue, local_ip: optionValue, dst_port: optionValue, peer: optionValue })
      .partial()
      .strict()
      .optional(),
    tag: vlanId.nullable().optional(),
    trunks: trunkList.nullable().optional(),
    vlan_mode: z.enum(['trunk', 'access', 'native-tagged', 'native-untagged', 'dot1q-tunnel']).nullable().optional(),
    mtu_request: z.number().int().min(68, 'must be 68-65535').max(65535, 'must be 68-65535').nullable().optional(),
    external_ids: ownedMap.optional(),
  })
  .strict()
  .superRefine((p, ctx) => {
    if (p.state === 'absent') return;
    if (p.type === 'patch' && !p.options?.peer) ctx.addIssue({ code: 'custom', path: ['options', 'peer'], message: 'a patch port needs options.peer (the port at the other end)' });
    if (p.type && ['gre', 'vxlan', 'geneve'].includes(p.type) && !p.options?.remote_ip) {
      ctx.addIssue({ code: 'custom', path: ['options', 'remote_ip'], message: `a ${p.type} port needs options.remote_ip` });
    }
    if (p.tag != null && p.trunks && p.trunks.length > 0 && p.vlan_mode !== 'native-tagged' && p.vlan_mode !== 'native-untagged') {
      ctx.addIssue({ code: 'custom', path: ['tag'], message: 'tag and trunks together need vlan_mode native-tagged or native-untagged' });
    }
  });

export type PortParams = z.infer<typeof portParams>;

