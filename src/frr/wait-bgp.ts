/**
 * Shell text that waits, bounded, until BGP neighbours are Established, read
 * from `vtysh -c 'show bgp summary json'` (recorded in
 * test/fixtures/frr/*-bgp-summary*.json). A neighbour counts as Established
 * when any address family shows it so. On timeout it fails naming every
 * neighbour that is not, with its state.
 *
 * The JSON is read by python3, which FRR's frr-reload.py needs anyway.
 */
import { quote } from '../shell/quote.ts';

/** Reads the summary on stdin, neighbours as arguments; prints the ones not Established ("ADDR STATE", comma-separated) and exits 1 if any. */
export const SUMMARY_CHECK = `import json, sys
want = sys.argv[1:]
try:
    data = json.load(sys.stdin)
except ValueError:
    data = {}
state = {}
for family in data.values():
    if not isinstance(family, dict):
        continue
    for addr, peer in (family.get('peers') or {}).items():
        if state.get(addr) != 'Established':
            state[addr] = peer.get('state', 'unknown')
bad = ['%s %s' % (a, state.get(a, 'not in the BGP summary')) for a in want if state.get(a) != 'Established']
print(', '.join(bad))
sys.exit(1 if bad else 0)
`;

export function waitForEstablishedScript(neighbors: readonly string[], timeoutSeconds: number): string {
  if (neighbors.length === 0) return ':';
  const args = neighbors.map(quote).join(' ');
  return [
    `zc_end=$(( $(date +%s) + ${Math.floor(timeoutSeconds)} ))`,
    'while :; do',
    `  if zc_bad=$(vtysh -c 'show bgp summary json' 2>/dev/null | python3 -c ${quote(SUMMARY_CHECK)} ${args}); then break; fi`,
    `  if [ "$(date +%s)" -ge "$zc_end" ]; then echo "zonectl: BGP neighbours not Established after ${Math.floor(timeoutSeconds)}s: $zc_bad" >&2; exit 1; fi`,
    '  sleep 1',
    'done',
  ].join('\n');
}
