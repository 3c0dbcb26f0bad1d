/**
 * ovs_tunnel_mesh: one GRE/VXLAN tunnel port from this host to every other
 * host of a group (CloudStack's `t<key>-<from>-<to>` shape), plus drop flows
 * for broadcast and multicast arriving on each tunnel.
 *
 * The mesh owns the ports it tags `external_ids:zonectl-mesh=<type>-<key>` on
 * its bridge: tunnels to hosts that left the group are removed, nothing else
 * is touched. Port changes are ONE ovs-vsctl transaction; the drop flows
 * (matched by port NAME, since OpenFlow port numbers exist only once a port
 * does) are then replaced in one OpenFlow bundle under the mesh's cookie.
 */
import { defineModule } from '../contract.ts';
import { flowsKey, ovsProbeScript, parseOvsProbe } from '../../ovs/probe.ts';
import { diffMesh, meshCommands, meshCookie, type MeshState } from './diff.ts';
import { ovsTunnelMeshDoc } from './doc.ts';
import { resolveTunnels } from './resolve.ts';
import { meshParams, type MeshParams } from './schema.ts';

export { dropFlows, meshCookie, meshId, type MeshState } from './diff.ts';
export { meshParams, type MeshParams } from './schema.ts';

export const ovsTunnelMesh = defineModule<MeshParams, MeshState>({
  name: 'ovs_tunnel_mesh',
  doc: ovsTunnelMeshDoc,
  schema: meshParams,
  prepare: (p, ctx) => {
    if (p.tunnels) ctx.fail('tunnels is computed by zonectl from peers', ['tunnels'], 'remove it');
    return { ...p, tunnels: resolveTunnels(p, ctx) };
  },
  probe: (p) => ovsProbeScript({ flowsOf: [{ bridge: p.bridge, cookie: meshCookie(p) }] }),
  parse: (output, p, ctx) => {
    const { state, flows } = parseOvsProbe(output, ctx.host);
    return { ovs: state, dumped: flows.get(flowsKey(p.bridge, meshCookie(p))) ?? null };
  },
  diff: (p, actual) => diffMesh(p, actual),
  commands: (changes, p) => meshCommands(changes, p),
});
