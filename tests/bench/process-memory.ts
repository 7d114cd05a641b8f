// Peak memory of the browser under test: the summed resident set of every process descended from this test
// process (Chromium's browser, renderer, GPU and utility processes, which hold the page and its blob store), read
// from /proc while an action runs.
import { readdirSync, readFileSync } from 'node:fs';

function parentOf(pid: number): number | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name is in parentheses and may hold spaces: the parent pid is the second field after it.
    return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
  } catch {
    return null;
  }
}

function descendants(root: number): number[] {
  const children = new Map<number, number[]>();
  for (const name of readdirSync('/proc')) {
    const pid = Number(name);
    if (!Number.isInteger(pid)) continue;
    const parent = parentOf(pid);
    if (parent !== null) children.set(parent, [...(children.get(parent) ?? []), pid]);
  }
  const out: number[] = [];
  const queue = [...(children.get(root) ?? [])];
  while (queue.length) {
    const pid = queue.shift()!;
    out.push(pid);
    queue.push(...(children.get(pid) ?? []));
  }
  return out;
}

/** Bytes resident in the processes below this one, now. */
export function browserRss(): number {
  let kb = 0;
  for (const pid of descendants(process.pid)) {
    try {
      const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
      if (m) kb += Number(m[1]);
    } catch {
      // The process ended between listing and reading.
    }
  }
  return kb * 1024;
}

/** Runs `action` while sampling browserRss every `everyMs`; resolves with its result and the peak above the start. */
export async function peakDuring<T>(
  action: () => Promise<T>,
  everyMs = 100,
): Promise<{ result: T; peak: number }> {
  const start = browserRss();
  let peak = start;
  const timer = setInterval(() => (peak = Math.max(peak, browserRss())), everyMs);
  try {
    const result = await action();
    peak = Math.max(peak, browserRss());
    return { result, peak: peak - start };
  } finally {
    clearInterval(timer);
  }
}
