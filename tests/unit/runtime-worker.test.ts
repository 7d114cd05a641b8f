// Workers: a looping guest is stopped by the time limit, memory growth past the cap fails, aborts terminate the run.
import { beforeAll, describe, expect, it } from 'vitest';
import {
  RuntimeError,
  createPodReview,
  detectProtocolVersion,
  benchInWorker,
  evaluateInWorker,
  readAdmissionRequest,
  type WorkerPort,
} from '../../src/lib/runtime';
import { corpus, corpusDir, fixture } from './helpers';
import { prepareNodeWorker } from './runtime-node-worker';

let spawn: () => WorkerPort;
beforeAll(async () => {
  spawn = await prepareNodeWorker();
}, 60_000);

const request = readAdmissionRequest(createPodReview());

describe('policy worker', () => {
  it('stops a guest that loops forever and says so', async () => {
    const started = Date.now();
    const run = evaluateInWorker(
      spawn,
      { bytes: fixture('loop-guest.wasm'), mode: 'kubewarden-wapc', request, settings: {} },
      { timeoutMs: 1500 },
    );
    await expect(run).rejects.toBeInstanceOf(RuntimeError);
    await expect(run).rejects.toMatchObject({
      code: 'timeout',
      message: 'The policy was stopped after 1.5 s: it did not finish within the time limit.',
    });
    // Not a timed assertion on speed: only that the limit, not the guest, ended the run.
    expect(Date.now() - started).toBeGreaterThanOrEqual(1400);
  });

  it('benches in a worker, and a bench of a looping guest is stopped by the time limit', async () => {
    const b = await benchInWorker(spawn, {
      bytes: fixture('mutating-guest.wasm'),
      mode: 'kubewarden-wapc',
      request,
      settings: {},
      runs: 10,
    });
    expect(b.validate.runs).toBe(10);
    await expect(
      benchInWorker(
        spawn,
        { bytes: fixture('loop-guest.wasm'), mode: 'kubewarden-wapc', request, settings: {}, runs: 10 },
        { timeoutMs: 1000 },
      ),
    ).rejects.toMatchObject({ code: 'timeout' });
  });

  it('runs protocol detection in a worker', async () => {
    expect(await detectProtocolVersion(fixture('loop-guest.wasm'), { spawn, timeoutMs: 5000 })).toBe('v1');
  });

  it('fails a guest that grows its memory past the cap', async () => {
    const { WapcGuest } = await import('../../src/lib/runtime');
    const guest = await WapcGuest.create(fixture('loop-guest.wasm'), { memoryLimitBytes: 16 * 1024 * 1024 });
    expect(() => guest.call('grow', new Uint8Array())).toThrow(
      /grew its memory to 64\.1 MiB, above the 16\.0 MiB cap/,
    );
  });

  it('an abort terminates the run without a timeout error', async () => {
    const controller = new AbortController();
    const run = evaluateInWorker(
      spawn,
      { bytes: fixture('loop-guest.wasm'), mode: 'kubewarden-wapc', request, settings: {} },
      { timeoutMs: 30_000, signal: controller.signal },
    );
    setTimeout(() => controller.abort(), 200);
    await expect(run).rejects.toMatchObject({ code: 'aborted' });
  });

  it.skipIf(!corpusDir())('evaluates corpus policies (waPC, Gatekeeper) in the worker', async () => {
    const r = await evaluateInWorker(spawn, {
      bytes: corpus('kw-tinygo-safe-labels-annotated-kwctl1.6.0.wasm'),
      mode: 'kubewarden-wapc',
      request: readAdmissionRequest(createPodReview({ labels: { foo: 'bar' } })),
      settings: { denied_labels: ['foo'] },
    });
    expect(r.verdict).toEqual({ accepted: false, message: 'The following labels are denied: foo' });
    // Rego loads the OPA SDK lazily inside the worker.
    const g = await evaluateInWorker(spawn, {
      bytes: corpus('kw-opa-gatekeeper-always-unhappy-annotated-kwctl1.16.1.wasm'),
      mode: 'gatekeeper',
      request,
      settings: {},
    });
    expect(g.verdict).toEqual({ accepted: false, message: 'failing as expected' });
  });
});
