/**
 * Live progress while hosts are worked on: listr2, one line per host, on a
 * terminal (drawn on stderr so stdout stays the report). Off the terminal
 * (CI logs) and with --json nothing is drawn: the report is the output.
 */
import { Listr, ListrLogger, ProcessOutput } from 'listr2';
import type { HostStatus, ProgressEvent } from '../engine/types.ts';

export interface Progress {
  onProgress(event: ProgressEvent): void;
  /** Waits for the display to finish drawing. */
  finish(): Promise<void>;
}

const WORDS: Record<string, string> = { connect: 'connecting', probe: 'probing', apply: 'applying', verify: 'verifying' };

export function silentProgress(): Progress {
  return { onProgress() {}, finish: async () => {} };
}

export function terminalProgress(hosts: readonly string[], mode: 'check' | 'apply'): Progress {
  const titles = new Map<string, (title: string) => void>();
  const finished = new Map<string, (status: HostStatus) => void>();
  const waiting = new Map<string, Promise<HostStatus>>();
  for (const host of hosts) waiting.set(host, new Promise((resolve) => finished.set(host, resolve)));
  const list = new Listr(
    hosts.map((host) => ({
      title: `${host}: waiting`,
      task: async (_ctx: unknown, task: { title: string }) => {
        titles.set(host, (t) => (task.title = `${host}: ${t}`));
        const status = await (waiting.get(host) as Promise<HostStatus>);
        task.title = `${host}: ${status === 'changed' && mode === 'check' ? 'changes pending' : status}`;
        // a thrown error is how listr2 marks the line as failed (✖); the report says why
        if (status === 'failed' || status === 'unreachable' || status === 'stale') throw new Error(task.title);
      },
    })),
    {
      concurrent: true,
      exitOnError: false,
      rendererOptions: { logger: new ListrLogger({ processOutput: new ProcessOutput(process.stderr, process.stderr) }) },
    },
  );
  const running = list.run().then(
    () => undefined,
    () => undefined,
  );
  return {
    onProgress(event) {
      if (event.phase === 'done') finished.get(event.host)?.(event.status ?? 'ok');
      else {
        const what = WORDS[event.phase] ?? event.phase;
        titles.get(event.host)?.(event.play && event.phase !== 'connect' ? `${what} (${event.play.name})` : what);
      }
    },
    async finish() {
      for (const resolve of finished.values()) resolve('skipped');
      await running;
    },
  };
}
