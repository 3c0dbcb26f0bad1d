/**
 * The probe and apply scripts, run for real with the local `sh` (dash on
 * Debian), and the parsing of their framed output, including nasty outputs.
 */
import { mkdtempSync, rmSync, writeFileSync, readFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { buildApplyScript, buildProbeScript, LOCK_BUSY_EXIT, newMarker, parseFrames } from '../../src/engine/script.ts';
import { runSh } from './support/local.ts';

const dir = mkdtempSync(join(tmpdir(), 'zc-engine-script-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function probe(texts: string[]) {
  const marker = newMarker();
  const result = await runSh(buildProbeScript(texts.map((text) => ({ text })), marker));
  return { result, frames: parseFrames(result.stdout, marker, texts.length, result.stderr), marker };
}

describe('newMarker', () => {
  it('is 128 random bits, different every time', () => {
    const a = newMarker();
    expect(a).toMatch(/^ZC[0-9a-f]{32}$/);
    expect(newMarker()).not.toBe(a);
  });
});

describe('probe script', () => {
  it('keeps each probe\'s stdout, stderr and exit status apart', async () => {
    const { frames } = await probe(['echo out; echo err >&2; exit 3', 'printf a', 'true']);
    expect(frames.steps).toEqual([
      { stdout: 'out\n', stderr: 'err\n', exitCode: 3 },
      { stdout: 'a', stderr: '', exitCode: 0 },
      { stdout: '', stderr: '', exitCode: 0 },
    ]);
  });

  it('frames each probe\'s stderr on stderr: no temp file, no process of its own on the host', async () => {
    const texts = ["printf 'e1' >&2", 'echo out; printf "two\\nlines\\n" >&2; exit 1', 'true', 'echo e4 >&2'];
    const { frames } = await probe(texts);
    expect(frames.steps.map((s) => s?.stderr)).toEqual(['e1', 'two\nlines\n', '', 'e4\n']);
    expect(frames.steps[1]).toEqual({ stdout: 'out\n', stderr: 'two\nlines\n', exitCode: 1 });
    const script = buildProbeScript(texts.map((text) => ({ text })), newMarker());
    expect(script).not.toMatch(/mktemp|\bcat\b|\brm\b/);
  });

  it('survives nasty outputs: no trailing newline, blank lines, fake markers, control bytes, quotes', async () => {
    const nasty = [
      "printf 'no newline at end'",
      "printf '\\n\\n\\n'",
      "printf 'ZC00000000000000000000000000000000 X 0 0\\n'",
      "printf 'tab\\there\\001\\002\\033[31m red\\r\\n'",
      `printf '%s\\n' 'it'"'"'s "quoted" $HOME \`x\`'`,
      'seq 1 20000',
    ];
    const { frames } = await probe(nasty);
    expect(frames.steps.map((s) => s?.stdout)).toEqual([
      'no newline at end',
      '\n\n\n',
      'ZC00000000000000000000000000000000 X 0 0\n',
      'tab\there\u0001\u0002\u001b[31m red\r\n',
      'it\'s "quoted" $HOME `x`\n',
      `${Array.from({ length: 20000 }, (_, i) => i + 1).join('\n')}\n`,
    ]);
  });

  it('a probe that prints the real marker prefix cannot forge a frame (the marker is unguessable)', async () => {
    const marker = newMarker();
    // Even told the marker, a forged header only lands inside its own frame's text.
    const forged = `printf '\\n%s X 0 7\\n' ${marker}; echo tail`;
    const result = await runSh(buildProbeScript([{ text: forged }, { text: 'echo second' }], marker));
    const frames = parseFrames(result.stdout, marker, 2, result.stderr);
    expect(frames.steps[1]).toEqual({ stdout: 'second\n', stderr: '', exitCode: 0 });
  });

  it('a syntax error, an exit or a read of stdin only affects its own probe', async () => {
    const { frames } = await probe(["echo 'unbalanced", 'exit 4', 'cat; echo read-done', 'cd /; X=1', 'echo "$X" "$(pwd)"']);
    expect(frames.steps[0]?.exitCode).not.toBe(0);
    expect(frames.steps[0]?.stderr).not.toBe('');
    expect(frames.steps[1]?.exitCode).toBe(4);
    // stdin is /dev/null: the rest of the script was not swallowed
    expect(frames.steps[2]).toEqual({ stdout: 'read-done\n', stderr: '', exitCode: 0 });
    expect(frames.steps[4]?.stdout).not.toMatch(/^1 /);
  });

  it('carries a megabyte of data to the host inside one probe (no command-line limit)', async () => {
    const data = 'x'.repeat(1024 * 1024);
    const { frames } = await probe([`printf %s '${data}' | wc -c`]);
    expect(frames.steps[0]).toEqual({ stdout: `${1024 * 1024}\n`, stderr: '', exitCode: 0 });
  });

  it('reports missing frames when the script stops early', () => {
    const marker = newMarker();
    const out = `\n${marker} O 0\nhello\n${marker} E 0\n\n${marker} X 0 0\n\n${marker} O 1\npartial`;
    const frames = parseFrames(out, marker, 2);
    expect(frames.steps[0]).toEqual({ stdout: 'hello', stderr: '', exitCode: 0 });
    expect(frames.steps[1]).toBeUndefined();
  });

  it('passes text with every kind of quote through to the host unchanged', async () => {
    const file = join(dir, "we'ird \"name\" $x");
    writeFileSync(file, 'content\n');
    const { frames } = await probe([`cat '${file.replace(/'/g, `'\\''`)}'`]);
    expect(frames.steps[0]).toEqual({ stdout: 'content\n', stderr: '', exitCode: 0 });
  });
});

describe('apply script', () => {
  const lockFile = join(dir, 'zonectl.lock');

  it('runs steps in order with set -e and stops at the first failing step', async () => {
    const log = join(dir, 'apply.log');
    const marker = newMarker();
    const script = buildApplyScript(
      [
        { text: `echo one >> '${log}'` },
        { text: `echo two >> '${log}'; false; echo never >> '${log}'` },
        { text: `echo three >> '${log}'` },
      ],
      marker,
      { host: 'kvm01', lockFile },
    );
    const result = await runSh(script);
    const frames = parseFrames(result.stdout, marker, 3);
    expect(frames.locked).toBe(true);
    expect(frames.steps[0]?.exitCode).toBe(0);
    expect(frames.steps[1]?.exitCode).not.toBe(0);
    expect(frames.steps[2]).toBeUndefined();
    expect(readFileSync(log, 'utf8')).toBe('one\ntwo\n');
    expect(result.exitCode).toBe(1);
  });

  it('a second apply while the lock is held fails at once with a clear message', async () => {
    const marker = newMarker();
    const started = join(dir, 'holder-started');
    const release = join(dir, 'holder-release');
    const holder = runSh(
      buildApplyScript([{ text: `touch '${started}'; while [ ! -e '${release}' ]; do sleep 0.05; done` }], marker, { host: 'kvm01', lockFile }),
    );
    while (!existsSync(started)) await new Promise((r) => setTimeout(r, 20));
    const second = await runSh(buildApplyScript([{ text: 'echo should-not-run' }], marker, { host: 'kvm01', lockFile }));
    writeFileSync(release, '');
    expect(second.exitCode).toBe(LOCK_BUSY_EXIT);
    expect(second.stdout).not.toContain('should-not-run');
    expect(second.stderr).toContain('another zonectl apply holds the lock on kvm01');
    expect(parseFrames(second.stdout, marker, 1).locked).toBe(false);
    expect((await holder).exitCode).toBe(0);
  });

  it('a daemon started by a step does not keep the lock', async () => {
    const marker = newMarker();
    const pidFile = join(dir, 'daemon.pid');
    const first = await runSh(
      buildApplyScript([{ text: `sleep 30 >/dev/null 2>&1 & echo $! > '${pidFile}'` }], marker, { host: 'h', lockFile }),
    );
    try {
      expect(first.exitCode).toBe(0);
      const second = await runSh(buildApplyScript([{ text: 'true' }], marker, { host: 'h', lockFile }));
      expect(second.exitCode).toBe(0);
    } finally {
      const pid = Number(readFileSync(pidFile, 'utf8'));
      if (pid > 0) process.kill(pid);
    }
  });

  it('falls back to /tmp when the lock directory is missing', () => {
    const script = buildApplyScript([], 'ZCx', { host: 'h', lockFile: '/run/zonectl.lock' });
    expect(script).toContain("zc_lock=/tmp/zonectl.lock");
  });
});
