/** LocalConnector: the HostConnection contract with the controller's own `sh`. */
import { describe, expect, it } from 'vitest';
import type { ConnectionSettings } from '../../src/plan/types.ts';
import { LocalConnector } from '../../src/transport/local.ts';
import { ConnectionError } from '../../src/transport/types.ts';

const settings: ConnectionSettings = { address: 'localhost', port: 22, user: 'root', identity_file: null, known_hosts: null, jump: [], become: false };

describe('LocalConnector', () => {
  it('runs the script on stdin and counts exec calls', async () => {
    const conn = await new LocalConnector().connect('local', settings);
    expect(await conn.runScript('echo err >&2\necho out\nexit 4\n')).toEqual({ stdout: 'out\n', stderr: 'err\n', exitCode: 4 });
    await conn.runScript('true');
    expect(conn.execCount).toBe(2);
    await conn.close();
    await expect(conn.runScript('true')).rejects.toThrow('connection to local is already closed');
  });

  it('reports a signal as exit 255 with its name', async () => {
    const conn = await new LocalConnector().connect('local', settings);
    expect(await conn.runScript('kill -TERM $$')).toMatchObject({ exitCode: 255, signal: 'SIGTERM' });
  });

  it('kills a script (and its children) that outlives the timeout', async () => {
    const conn = await new LocalConnector({ commandTimeoutMs: 200 }).connect('local', settings);
    const error = await conn.runScript('sleep 30; echo late').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConnectionError);
    expect((error as ConnectionError).kind).toBe('command-timeout');
    expect((error as ConnectionError).message).toBe('script on local did not finish within 0.2s; killed it (raise --command-timeout if it is just slow)');
  });

  it('with become as root runs plain sh', async () => {
    const isRoot = process.getuid?.() === 0;
    const conn = await new LocalConnector().connect('local', { ...settings, become: true });
    const result = await conn.runScript('id -u').catch((e: unknown) => e);
    if (isRoot) expect(result).toMatchObject({ stdout: '0\n', exitCode: 0 });
    else expect((result as ConnectionError).kind).toBe('become'); // not root: sudo -n must give a root shell or fail clearly
  });
});
