/** `ovs_flows`: desired flows vs the flows under the owned cookie → one change per flow. Pure. */
import type { Change } from '../contract.ts';
import { diffFlows } from '../../ovs/flows.ts';

/** What the probe found: the bridge's port numbers and the flows under the cookie. */
export interface FlowsState {
  /** OpenFlow port number → name (dump-flows prints numbers). */
  ports: Record<string, string>;
  /** dump-flows output, or null when the bridge does not exist yet. */
  dumped: string | null;
}

export function portMap(ports: Readonly<Record<string, string>>): Map<number, string> {
  return new Map(Object.entries(ports).map(([n, name]) => [Number(n), name]));
}

/** Pure: one change per flow to add (+) or remove (−). */
export function diffOwnedFlows(bridge: string, cookie: string, desired: readonly string[], actual: FlowsState): Change[] {
  const { add, remove } = diffFlows(desired, actual.dumped, portMap(actual.ports), cookie);
  return [
    ...add.map((f) => ({ summary: `flow on ${bridge} cookie ${cookie}: + ${f}`, data: { add: f } })),
    ...remove.map((f) => ({ summary: `flow on ${bridge} cookie ${cookie}: - ${f}`, data: { remove: f } })),
  ];
}
