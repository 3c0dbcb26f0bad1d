/**
 * The owned-block file model: setBlock (the controller's prediction) and
 * setBlockProducer (the awk filter that runs on the host) must give the same
 * bytes. The host side runs here through the real `sh` and `awk`.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { BLOCK_MARK, FILE_HEADER, emptyBlockFileTest, getBlock, setBlock, setBlockProducer } from '../../src/netconfig/persist/blockfile.ts';
import { quote } from '../../src/shell/quote.ts';

const dir = mkdtempSync(join(tmpdir(), 'zc-h7-blockfile-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function onHost(current: string | null, key: string, lines: string[] | null): string | null {
  const path = join(dir, 'f');
  rmSync(path, { force: true });
  if (current !== null) writeFileSync(path, current);
  const out = join(dir, 'out');
  const script = `set -e; ${setBlockProducer(path, key, lines)} > ${quote(out)}; if ${emptyBlockFileTest(quote(out))}; then echo EMPTY; fi`;
  const r = spawnSync('sh', ['-c', script], { encoding: 'utf8' });
  expect(r.stderr).toBe('');
  expect(r.status).toBe(0);
  return r.stdout.includes('EMPTY') ? null : readFileSync(out, 'utf8');
}

const cases: [string, string | null, string, string[] | null][] = [
  ['new file', null, '10-bridge', ['auto br0', 'iface br0 inet manual', '    bridge-ports eth0']],
  ['insert before a greater key', `${FILE_HEADER}\n${BLOCK_MARK}30-address\niface br0 inet static\n    address 10.0.0.5/24\n`, '10-bridge', ['auto br0']],
  ['insert after a smaller key', `${FILE_HEADER}\n${BLOCK_MARK}10-bridge\nauto br0\n`, '30-address', ['iface br0 inet static', '    address 10.0.0.5/24']],
  ['replace in the middle', `${FILE_HEADER}\n${BLOCK_MARK}10-bridge\nauto br0\n${BLOCK_MARK}20-link\nold\nold2\n${BLOCK_MARK}30-address\nx\n`, '20-link', ['new']],
  ['remove one of two', `${FILE_HEADER}\n${BLOCK_MARK}10-bridge\nauto br0\n${BLOCK_MARK}30-address\nx\n`, '30-address', null],
  ['remove the last block', `${FILE_HEADER}\n${BLOCK_MARK}10-bridge\nauto br0\n`, '10-bridge', null],
  ['keeps hand-written lines above the blocks', `${FILE_HEADER}\n# rack 4, port 12\n${BLOCK_MARK}10-bridge\nauto br0\n`, '10-bridge', ['auto br0', 'iface br0 inet manual']],
  ['file without a final newline', `${FILE_HEADER}\n${BLOCK_MARK}10-bridge\nauto br0`, '40-route default table 254 metric 0', ['iface br0 inet manual', "    up ip route replace default via 10.0.0.1 dev br0 metric 0"]],
  ['remove from a missing file', null, '10-bridge', null],
  ['odd characters are kept literally', null, '40-route 2001:db8::/32 table 100 metric 1024', ["    up echo '$HOME' \\n %s"]],
];

describe('owned blocks: controller prediction = host awk', () => {
  for (const [name, current, key, lines] of cases) {
    it(name, () => {
      const predicted = setBlock(current, key, lines);
      expect(onHost(current, key, lines)).toBe(predicted);
      if (lines !== null) expect(getBlock(predicted, key)).toEqual(lines);
      else expect(getBlock(predicted, key)).toBeNull();
    });
  }

  it('two tasks on one file compose in either order', () => {
    const a = ['auto br0', 'iface br0 inet manual', '    bridge-ports eth0'];
    const b = ['iface br0 inet static', '    address 10.0.0.5/24'];
    const ab = setBlock(setBlock(null, '10-bridge', a), '30-address', b);
    const ba = setBlock(setBlock(null, '30-address', b), '10-bridge', a);
    expect(ab).toBe(ba);
    expect(ab).toBe(`${FILE_HEADER}\n${BLOCK_MARK}10-bridge\n${a.join('\n')}\n${BLOCK_MARK}30-address\n${b.join('\n')}\n`);
  });
});

describe('a whole interface file as ifupdown validated it', () => {
  it('bridge, address and route stanzas compose into the recorded file (test/fixtures/netconfig/ifupdown-no-act.txt)', async () => {
    const { addressStanzas, bridgeStanza, routeStanza, BLOCK } = await import('../../src/netconfig/persist/ifupdown.ts');
    let file = setBlock(null, BLOCK.route('default', '254', 0), routeStanza({ to: 'default', via: '10.0.0.1', dev: 'cloudbr0', metric: 0, table: '254', family: 4 }));
    file = setBlock(file, BLOCK.bridge, bridgeStanza('cloudbr0', { ports: ['eth0'], stp: false, forwardDelay: 0, mtu: 1500 }));
    file = setBlock(file, BLOCK.address, addressStanzas('cloudbr0', ['10.0.0.11/24', '2001:db8::11/64']));
    expect(file).toBe(readFileSync(new URL('../fixtures/netconfig/ifupdown-zonectl-cloudbr0', import.meta.url), 'utf8'));
  });
});
