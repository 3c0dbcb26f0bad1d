/** Whether a node's sshd answers: a TCP connect that reads the `SSH-` banner. */
import { connect } from 'node:net';

export function sshdAnswers(address: string, timeoutMs: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: address, port: 22 });
    let done = false;
    const finish = (ok: boolean) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      socket.destroy();
      resolve(ok);
    };
    const timer = setTimeout(() => finish(false), timeoutMs);
    socket.on('data', (b: Buffer) => finish(b.toString('latin1').startsWith('SSH-')));
    socket.on('error', () => finish(false));
    socket.on('close', () => finish(false));
  });
}
