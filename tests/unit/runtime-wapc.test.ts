// waPC host: the safe-labels corpus policy (README "waPC run (file 11)"), protocol detection, and the host-call ABI.
import { beforeAll, describe, expect, it } from 'vitest';
import {
  RuntimeError,
  WapcGuest,
  createPodReview,
  detectProtocolVersion,
  detectProtocolVersionInline,
  evaluatePolicy,
  readAdmissionRequest,
} from '../../src/lib/runtime';
import { corpus, corpusDir, corpusNotice, fixture } from './helpers';

const enc = new TextEncoder();
const dec = new TextDecoder();
const json = (b: Uint8Array) => JSON.parse(dec.decode(b));

describe('waPC host with a WAT guest', () => {
  const guestBytes = fixture('loop-guest.wasm');

  it('detects protocol v1 from the reply of protocol_version', async () => {
    expect(await detectProtocolVersionInline(guestBytes)).toBe('v1');
    expect(await detectProtocolVersion(guestBytes)).toBe('v1');
  });

  it('returns the guest error for an unknown operation', async () => {
    const guest = await WapcGuest.create(guestBytes);
    expect(() => guest.call('unknown-op', new Uint8Array())).toThrow('unknown operation');
  });

  it('answers __host_call from fixtures and relays the reply', async () => {
    const guest = await WapcGuest.create(guestBytes, {
      fixtures: { 'net/v1/dns_lookup_host': { ips: ['10.0.0.1'] } },
    });
    expect(json(guest.call('host_call', enc.encode('"example.com"')))).toEqual({ ips: ['10.0.0.1'] });
    expect(guest.console.lines).toEqual([
      { stream: 'host', text: '✓ kubewarden/net/v1/dns_lookup_host "example.com"' },
    ]);
  });

  it('fails a host call without a fixture with a message naming the capability', async () => {
    const guest = await WapcGuest.create(guestBytes);
    let error: unknown;
    try {
      guest.call('host_call', enc.encode('"example.com"'));
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(RuntimeError);
    expect((error as RuntimeError).code).toBe('guest-error');
    expect((error as RuntimeError).message).toMatch(
      /Host capability net\/v1\/dns_lookup_host is not available/,
    );
  });

  it('uses a $error fixture as the host error and picks replies by payload', async () => {
    const guest = await WapcGuest.create(guestBytes, {
      fixtures: {
        'net/v1/dns_lookup_host': {
          $byPayload: { '"a.test"': { ips: ['1.1.1.1'] }, '"b.test"': { $error: 'NXDOMAIN' } },
        },
      },
    });
    expect(json(guest.call('host_call', enc.encode(' "a.test" ')))).toEqual({ ips: ['1.1.1.1'] });
    expect(() => guest.call('host_call', enc.encode('"b.test"'))).toThrow('NXDOMAIN');
    expect(() => guest.call('host_call', enc.encode('"c.test"'))).toThrow(/no reply for payload "c.test"/);
  });

  it('refuses a module without __guest_call with kwctl wording', async () => {
    const plain = new Uint8Array([0, 0x61, 0x73, 0x6d, 1, 0, 0, 0]);
    await expect(detectProtocolVersionInline(plain)).rejects.toThrow(
      /^Error while detecting Kubewarden protocol version: .*__guest_call/,
    );
  });
});

describe.skipIf(!corpusDir())('safe-labels (corpus file 11)', () => {
  corpusNotice();
  let bytes: Uint8Array;
  beforeAll(() => {
    bytes = corpus('kw-tinygo-safe-labels-annotated-kwctl1.6.0.wasm');
  });

  it('protocol_version returns 1 and "v1"; detection gives v1', async () => {
    const guest = await WapcGuest.create(bytes);
    expect(json(guest.call('protocol_version', new Uint8Array()))).toBe('v1');
    expect(await detectProtocolVersionInline(bytes)).toBe('v1');
  });

  it('validate_settings: {} is valid, a label both denied and mandatory is not', async () => {
    const guest = await WapcGuest.create(bytes);
    expect(json(guest.call('validate_settings', enc.encode('{}')))).toEqual({ valid: true });
    const bad = json(
      guest.call('validate_settings', enc.encode('{"denied_labels":["a"],"mandatory_labels":["a"]}')),
    );
    expect(bad.valid).toBe(false);
    expect(typeof bad.message).toBe('string');
    expect(bad.message.length).toBeGreaterThan(0);
  });

  it('validate rejects a Pod labelled foo when foo is denied, and accepts one without it', async () => {
    const settings = { denied_labels: ['foo'] };
    const denied = await evaluatePolicy({
      bytes,
      mode: 'kubewarden-wapc',
      request: readAdmissionRequest(createPodReview({ labels: { foo: 'bar' } })),
      settings,
    });
    expect(denied.error).toBeUndefined();
    expect(denied.settings).toEqual({ valid: true });
    expect(denied.verdict).toEqual({ accepted: false, message: 'The following labels are denied: foo' });
    const ok = await evaluatePolicy({
      bytes,
      mode: 'kubewarden-wapc',
      request: readAdmissionRequest(createPodReview({ labels: { app: 'web' } })),
      settings,
    });
    expect(ok.verdict).toEqual({ accepted: true });
  });

  it('reports invalid settings without running validate', async () => {
    const r = await evaluatePolicy({
      bytes,
      mode: 'kubewarden-wapc',
      request: readAdmissionRequest(createPodReview()),
      settings: { denied_labels: ['a'], mandatory_labels: ['a'] },
    });
    expect(r.settings?.valid).toBe(false);
    expect(r.verdict).toBeNull();
  });

  it('an unknown operation fails with the guest error', async () => {
    const guest = await WapcGuest.create(bytes);
    expect(() => guest.call('nope', new Uint8Array())).toThrow('Could not find function "nope"');
  });

  it('protocol detection fails on modules that are not waPC guests (files 5 and 13)', async () => {
    for (const f of ['go-js-cosign-testdata-go1.16.3.wasm', 'rust-javy-plugin-kubewarden-rustc1.86.wasm'])
      await expect(detectProtocolVersionInline(corpus(f))).rejects.toMatchObject({
        code: 'protocol-version',
        message: expect.stringMatching(/^Error while detecting Kubewarden protocol version: /),
      });
  });
});
