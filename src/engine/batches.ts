/**
 * Ansible's `serial` and `max_fail_percentage`, as pure functions.
 *
 * serial: a count, a percentage of the play's hosts ("30%", rounded down,
 * at least 1), or a list of them used in turn (the last repeats); 0 or none
 * means every host in one batch. max_fail_percentage: the run stops after a
 * batch where MORE than that percentage of the batch's hosts failed; as in
 * Ansible, it also stops when every host of a batch failed.
 */
export type Serial = number | string | (number | string)[] | null;

function batchSize(value: number | string, total: number): number {
  if (typeof value === 'string') {
    const text = value.trim();
    if (text.endsWith('%')) {
      const pct = Number(text.slice(0, -1));
      if (!Number.isFinite(pct)) throw new Error(`serial ${JSON.stringify(value)} is not a number or percentage`);
      return Math.floor((pct / 100) * total) || 1;
    }
    const n = Number(text);
    if (!Number.isFinite(n)) throw new Error(`serial ${JSON.stringify(value)} is not a number or percentage`);
    return Math.floor(n);
  }
  return Math.floor(value);
}

/** Splits a play's hosts (in inventory order) into the batches that run one after another. */
export function serialBatches<T>(hosts: readonly T[], serial: Serial): T[][] {
  if (hosts.length === 0) return [];
  const list = serial === null || serial === undefined ? [] : Array.isArray(serial) ? serial : [serial];
  if (list.length === 0) return [[...hosts]];
  const batches: T[][] = [];
  let at = 0;
  let item = 0;
  while (at < hosts.length) {
    const size = batchSize(list[Math.min(item, list.length - 1)] as number | string, hosts.length);
    if (size <= 0) {
      batches.push(hosts.slice(at));
      break;
    }
    batches.push(hosts.slice(at, at + size));
    at += size;
    item += 1;
  }
  return batches;
}

/** Why the run must stop after a batch, or undefined to go on. */
export function batchStopReason(failed: number, batchSize: number, maxFailPercentage: number | null): string | undefined {
  if (batchSize === 0 || failed === 0) return undefined;
  if (failed === batchSize) return `every host of the batch failed (${failed} of ${batchSize})`;
  if (maxFailPercentage !== null && maxFailPercentage !== undefined && (failed / batchSize) * 100 > maxFailPercentage) {
    return `${failed} of ${batchSize} hosts of the batch failed, more than max_fail_percentage ${maxFailPercentage}%`;
  }
  return undefined;
}
