// The connection layer: one client per registry, rebuilt when its entry changes, and Forget that reaches every
// view (the Artifacts view's requests go through the same clients).
import { describe, expect, it } from 'vitest';
import { pushPolicy } from '../../src/lib/kubewarden';
import { createRegistryClient } from '../../src/lib/oci';
import { artifacts } from '../../src/state/artifacts.svelte';
import { connections } from '../../src/state/connections.svelte';
import { syntheticPolicy } from '../unit/oci-helpers';
import { hostOf, matching, registries, unique } from './helpers';

describe.skipIf(!registries)('connections', () => {
  it('makes exactly one client per registry, and a new one only when the entry changes', async () => {
    const host = hostOf(registries!.noauth.url);
    const before = connections.clientsMade;
    const a = connections.clientFor(`${host}/one/repo:1`);
    expect(connections.clientFor(`${host}/another/repo@sha256:${'0'.repeat(64)}`)).toBe(a);
    expect(connections.clientsMade).toBe(before + 1);
    await connections.add({
      host,
      baseUrl: '',
      username: '',
      secret: '',
      remember: false,
      settings: { uploadMode: 'monolithic' },
    });
    const b = connections.clientFor(`${host}/one/repo:1`);
    expect(b).not.toBe(a);
    expect(connections.clientFor(`${host}/one/repo:2`)).toBe(b);
    expect(connections.clientsMade).toBe(before + 2);
    await connections.forget(host);
    expect(connections.clientFor(`${host}/one/repo:1`)).not.toBe(b);
  });

  it('after Forget, the Artifacts view sends no Authorization and explains the refusal with a sign-in', async () => {
    const token = registries!.token;
    const host = hostOf(token.url);
    const reference = `${host}/private/${unique()}:v1`;
    await pushPolicy(
      createRegistryClient({ baseUrl: token.url, credentials: { username: 'dev', password: 'devpass' } }),
      reference,
      syntheticPolicy(500, 'private'),
    );
    await connections.add({
      host,
      baseUrl: '',
      username: token.username,
      secret: token.password,
      remember: true,
      settings: {},
    });
    await artifacts.open(reference);
    expect(artifacts.opened?.fetched.manifest.layers?.length).toBe(1);
    const userTokens = new Set(
      matching('/manifests/')
        .map((r) => r.authorization)
        .filter((a) => a?.startsWith('Bearer ')),
    );
    expect(userTokens.size).toBeGreaterThan(0);

    await connections.forget(host);
    const from = matching('/').length;
    await artifacts.open(reference, { reload: true });
    const after = matching('/').slice(from);
    expect(after.length).toBeGreaterThan(0);
    // Neither the password (Basic, to the token service) nor a token issued for it goes out: at most the
    // anonymous token that the token service gives anyone.
    expect(after.filter((r) => r.authorization?.startsWith('Basic '))).toEqual([]);
    expect(after.filter((r) => userTokens.has(r.authorization))).toEqual([]);
    const state = artifacts.opening.state;
    expect(state.status).toBe('error');
    expect(state.error).toMatchObject({ code: 'unauthorized', registry: host });
    expect(state.error?.fix).toMatch(/username and password/);
  });
});
