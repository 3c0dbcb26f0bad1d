/** arping: an action with one change; a missing tool is a clear error. */
import { describe, expect, it } from 'vitest';
import { arpingModule } from '../../src/modules/arping/index.ts';
import { fixtureProbe } from '../netconfig/fixture-probe.ts';
import { runContext } from '../netconfig/netns-host.ts';

const request = { tools: ['arping'] };

describe('arping', () => {
  it('always has one action change and sends one unsolicited ARP', () => {
    const p = arpingModule.schema.parse({ address: '192.0.2.10', dev: 'br0', gateway: '192.0.2.1' });
    const changes = arpingModule.diff(p, fixtureProbe({ tools: ['arping'] }, request), runContext());
    expect(changes).toEqual([{ summary: 'send gratuitous ARP for 192.0.2.10 on br0 to 192.0.2.1', action: true }]);
    expect(arpingModule.commands(changes, p, runContext())).toContain('arping -U -c 1 -s 192.0.2.10 -I br0 192.0.2.1 >/dev/null');
  });

  it('names the package when arping is missing', () => {
    const p = arpingModule.schema.parse({ address: '192.0.2.10', dev: 'br0' });
    expect(() => arpingModule.diff(p, fixtureProbe({}, request), runContext())).toThrow(/arping is not installed on this host \(Debian\/Ubuntu: iputils-arping\)/);
  });
});
