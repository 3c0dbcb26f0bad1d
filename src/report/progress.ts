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

/** Beyond this many hosts one line per host would not fit a terminal: one summary line instead. */
export const MAX_HOST_LINES = 40;

const logger = (): ListrLogger => new ListrLogger({ processOutput: new ProcessOutput(process.stderr, process.stderr) });

export function terminalProgress(hosts: readonly string[], mode: 'check' | 'apply'): Progress {
  return hosts.length > MAX_HOST_LINES ? summaryProgress(hosts.length, mode) : perHostProgress(hosts, mode);
}

/** One line: how many hosts are done, and how many of them failed. */
function summaryProgress(total: number, mode: 'check' | 'apply'): Progress {
  const counts = new Map<HostStatus, number>();
  let done = 0;
  let shown: { title: string } | undefined;
  let release: () => void = () => {};
  const allDone = new Promise<void>((resolve) => (release = resolve));
  const title = (): string => {
    const parts = [...counts].map(([status, n]) => `${n} ${status === 'changed' && mode === 'check' ? 'with changes' : status}`);
    return `${done}/${total} hosts done${parts.length > 0 ? ` (${parts.join(', ')})` : ''}`;
  };
  const list = new Listr(
    [
      {
        title: title(),
        task: async (_ctx: unknown, task: { title: string }) => {
          // listr2 may start the task after the first hosts reported: draw the count as it is now
          shown = task;
          task.title = title();
          await allDone;
          task.title = title();
        },
      },
    ],
    { exitOnError: false, rendererOptions: { logger: logger() }, fallbackRendererOptions: { logger: logger() } },
  );
  const running = list.run().then(
    () => undefined,
    () => undefined,
  );
  return {
    onProgress(event) {
      if (event.phase !== 'done') return;
      done += 1;
      const status = event.status ?? 'ok';
      counts.set(status, (counts.get(status) ?? 0) + 1);
      if (shown) shown.title = title();
    },
    async finish() {
      release();
      await running;
    },
  };
}

function perHostProgress(hosts: readonly string[], mode: 'check' | 'apply'): Progress {
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
      rendererOptions: { logger: logger() },
      fallbackRendererOptions: { logger: logger() },
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
