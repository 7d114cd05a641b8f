// Bench: one validate call vs instantiating the guest, for waPC (safe-labels), Rego (opa) and WASI (Javy, per run).
import { describe, expect, it } from 'vitest';
import {
  WapcGuest,
  createPodReview,
  evaluatePolicy,
  readAdmissionRequest,
  validate,
} from '../../src/lib/runtime';
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
});
