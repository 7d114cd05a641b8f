// Bench: one validate call vs instantiating the guest, for waPC (safe-labels), Rego (opa) and WASI (Javy, per run),
// and `kwctl bench` (validate timed N times on one prepared policy) against instantiation in the same run.
import { describe, expect, it } from 'vitest';
import {
  WapcGuest,
  benchPolicy,
  createPodReview,
  evaluatePolicy,
  parseSession,
  readAdmissionRequest,
  validate,
  type BenchStats,
} from '../../src/lib/runtime';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from '../unit/helpers';
import { corpus, corpusDir, corpusNotice } from '../unit/helpers';
import { medianMs, report } from './measure';

corpusNotice();

describe.skipIf(!corpusDir())('runtime bench', () => {
  it('waPC validate vs instantiate (safe-labels)', async () => {
    const bytes = corpus('kw-tinygo-safe-labels-annotated-kwctl1.6.0.wasm');
    const module = await WebAssembly.compile(bytes as Uint8Array<ArrayBuffer>);
    const request = readAdmissionRequest(createPodReview({ labels: { foo: 'bar' } }));
    const settings = { denied_labels: ['foo'] };
    const instantiate = await medianMs(() => WapcGuest.create(module), 11, 3);
    const guest = await WapcGuest.create(module);
    const call = await medianMs(() => validate(guest, request, settings), 51, 5);
    report('runtime waPC validate call', call, 'instantiate', instantiate);
    expect(validate(guest, request, settings).accepted).toBe(false);
  });

  it('whole evaluations: opa and wasi vs waPC', async () => {
    const request = readAdmissionRequest(createPodReview({ namespace: 'default' }));
    const wapc = corpus('kw-tinygo-safe-labels-annotated-kwctl1.6.0.wasm');
    const rego = corpus('kw-opa-rego-no-default-namespace-unannotated.wasm');
    const wasi = corpus('kw-javy-js-sdk-demo-annotated-kwctl1.25.0.wasm');
    const base = await medianMs(
      () => evaluatePolicy({ bytes: wapc, mode: 'kubewarden-wapc', request, settings: {} }),
      7,
      2,
    );
    const opa = await medianMs(
      () => evaluatePolicy({ bytes: rego, mode: 'opa', request, settings: {} }),
      7,
      2,
    );
    const js = await medianMs(
      () => evaluatePolicy({ bytes: wasi, mode: 'wasi', request, settings: {} }),
      7,
      2,
    );
    report('runtime evaluate opa (compile+run)', opa, 'waPC evaluate', base);
    report('runtime evaluate wasi/Javy (compile+2 runs)', js, 'waPC evaluate', base);
    expect(
      (await evaluatePolicy({ bytes: rego, mode: 'opa', request, settings: {} })).verdict?.accepted,
    ).toBe(false);
  });

  it('kwctl bench: validate N times (mean, median, std dev, p99) vs instantiation', async () => {
    const stats = (s: BenchStats) =>
      `mean ${s.mean.toFixed(3)} ms, median ${s.median.toFixed(3)} ms, std dev ${s.stddev.toFixed(3)} ms, p99 ${s.p99.toFixed(3)} ms, n=${s.runs}`;
    const wapc = corpus('kw-tinygo-safe-labels-annotated-kwctl1.6.0.wasm');
    const request = readAdmissionRequest(createPodReview({ labels: { foo: 'bar' } }));
    const instantiate = await medianMs(() => WapcGuest.create(wapc), 11, 3);
    const b = await benchPolicy(
      { bytes: wapc, mode: 'kubewarden-wapc', request, settings: { denied_labels: ['foo'] } },
      500,
    );
    expect(b.error).toBeUndefined();
    expect(b.response?.allowed).toBe(false);
    report(
      'kwctl bench waPC validate (median)',
      b.validate.median,
      'compile+instantiate',
      instantiate,
      stats(b.validate),
    );
    report(
      'kwctl bench waPC validate_settings (median)',
      b.validateSettings.median,
      'compile+instantiate',
      instantiate,
      stats(b.validateSettings),
    );
    // WASI with a replayed session: a fresh instance and one host call per validate, as Kubewarden runs WASI.
    const javy = corpus('kw-javy-js-sdk-demo-annotated-kwctl1.25.0.wasm');
    const session = parseSession(
      readFileSync(join(ROOT, 'tests/fixtures/kwctl/sessions/sdk-js-dns-lookup-success.yml'), 'utf8'),
    );
    const w = await benchPolicy(
      { bytes: javy, mode: 'wasi', request, settings: { testScenario: 'dns-lookup-success' }, session },
      30,
    );
    expect(w.response?.allowed).toBe(true);
    report(
      'kwctl bench wasi validate with a replayed session (median)',
      w.validate.median,
      'its instantiation',
      w.instantiateMs,
      stats(w.validate),
    );
  });
});
