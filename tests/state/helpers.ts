// Shared helpers for state tests: the recorded requests, the test registries, and waiting for rune state.
import { inject } from 'vitest';
import type { TestRegistries } from '../../scripts/lib/test-env.mjs';

export interface RecordedRequest {
  url: string;
  method: string;
  authorization: string | null;
}

/** Every fetch the code under test sent since the current test began (filled by setup.ts). */
export const requests: RecordedRequest[] = [];

export const registries = inject('registries') as TestRegistries | null;

/** Requests whose URL path contains `part` (e.g. `/manifests/`). */
export const matching = (part: string) =>
  requests.filter((r) => new URL(r.url, 'http://127.0.0.1:4173/').pathname.includes(part));

/** `host:port` of a registry URL, as it appears in references. */
export const hostOf = (url: string) => new URL(url).host;

export const unique = () => `${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 7)}`;

/** Runs `run` with a localStorage as the page has it (Node has none): synchronous string storage, empty after. */
export async function withStorage(run: (memory: Map<string, string>) => Promise<void>): Promise<void> {
  const memory = new Map<string, string>();
  const storage = {
    getItem: (k: string) => memory.get(k) ?? null,
    setItem: (k: string, v: string) => void memory.set(k, v),
    removeItem: (k: string) => void memory.delete(k),
    key: (i: number) => [...memory.keys()][i] ?? null,
    get length() {
      return memory.size;
    },
  };
  Object.defineProperty(globalThis, 'localStorage', { value: storage, configurable: true });
  try {
    await run(memory);
  } finally {
    delete (globalThis as { localStorage?: unknown }).localStorage;
  }
}
