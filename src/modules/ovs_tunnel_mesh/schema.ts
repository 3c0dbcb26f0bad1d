/** Params of `ovs_tunnel_mesh` (`tunnels` is filled in at compile time from `peers`). */
import { isIP } from 'node:net';
import { z } from 'zod';
import { ownedCookie } from '../../ovs/cookie.ts';
import { ovsName } from '../../ovs/schema.ts';

const ipAddress = z.string().refine((v) => isIP(v) !== 0, 'must be an IPv4 or IPv6 address');

export const meshParams = z
  .object({
    bridge: ovsName,
    type: z.enum(['gre', 'vxlan']).default('gre'),
    key: z.number({ invalid_type_error: 'must be a number' }).int().min(0, 'must be ≥ 0'),
    peers: z.union([z.string().min(1), z.array(z.string().min(1))], { invalid_type_error: 'must be a group name or a list of hosts' }),
    local_ip: ipAddress.optional(),
    dst_port: z.number().int().min(1).max(65535).optional(),
    remote_ip_var: z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'must be a variable name').default('tunnel_ip'),
    drop_flows: z.boolean().default(true),
    cookie: ownedCookie.optional(),
    /** Filled by prepare (compile time) from peers; never written by hand. */
    tunnels: z.array(z.object({ name: ovsName, peer: z.string(), remote_ip: ipAddress }).strict()).optional(),
  })
  .strict()
  .superRefine((p, ctx) => {
    const max = p.type === 'gre' ? 2 ** 32 - 1 : 2 ** 24 - 1;
    if (p.key > max) ctx.addIssue({ code: 'custom', path: ['key'], message: `a ${p.type} key must be 0-${max}` });
    if (p.dst_port !== undefined && p.type !== 'vxlan') ctx.addIssue({ code: 'custom', path: ['dst_port'], message: 'dst_port is for vxlan only' });
  });

export type MeshParams = z.infer<typeof meshParams>;

