// The Artifacts view's state: a failing open sends one manifest request and ends in an explained error; a route
// for the same reference is not a new request; typed text and results live in the state, not in the view.
import { describe, expect, it } from 'vitest';
import { closedPort } from '../net-helpers';
import { pushPolicy } from '../../src/lib/kubewarden';
import { createRegistryClient } from '../../src/lib/oci';
import { artifacts } from '../../src/state/artifacts.svelte';
import { syntheticPolicy } from '../unit/oci-helpers';
import { hostOf, matching, registries, requests, unique } from './helpers';

describe.skipIf(!registries)('artifacts state', () => {
  const host = () => hostOf(registries!.noauth.url);

  it.each([
    ['a tag that does not exist', 'not-found', async () => `${host()}/exists-${unique()}:missing`],
    [
      'a repository that does not exist',
      'not-found',
      async () => `${host()}/nothing/here-${unique()}:latest`,
    ],
    ['a registry that is not running', 'network', async () => `127.0.0.1:${await closedPort()}/a/b:c`],
  ])('%s: one manifest request, then the explanation and its fix', async (_what, code, make) => {
    const reference = await make();
    if (code === 'not-found' && reference.includes('exists-')) {
      // The repository exists, with another tag.
      const other = reference.replace(':missing', ':v1');
      await pushPolicy(
        createRegistryClient({ baseUrl: registries!.noauth.url }),
        other,
        syntheticPolicy(100),
      );
      requests.length = 0;
    }
    await artifacts.open(reference);
    const state = artifacts.opening.state;
    expect(state.status).toBe('error');
    expect(state.error?.code).toBe(code);
    expect(state.error?.title.length).toBeGreaterThan(0);
    expect(state.error?.fix.length).toBeGreaterThan(0);
    expect(matching('/manifests/')).toHaveLength(1);

    // The address bar then shows the same reference: that is not a new request.
    artifacts.openFromRoute(reference);
    await new Promise((r) => setTimeout(r, 50));
    expect(matching('/manifests/')).toHaveLength(1);
    // Pressing the button again is the user asking again: one more request.
    artifacts.typed = reference;
    artifacts.submit();
    await new Promise((r) => setTimeout(r, 200));
    await waitIdle();
    expect(matching('/manifests/')).toHaveLength(2);
  });

  it('keeps the typed reference and the open artifact for the next visit to the view', async () => {
    const reference = `${host()}/kept-${unique()}:v1`;
    await pushPolicy(
      createRegistryClient({ baseUrl: registries!.noauth.url }),
      reference,
      syntheticPolicy(100),
    );
    await artifacts.open(reference);
    artifacts.leave();
    expect(artifacts.typed).toBe(reference);
    expect(artifacts.opened?.recognition.kind).toBe('kubewarden-policy');
  });
});

async function waitIdle() {
  for (let i = 0; i < 100 && artifacts.opening.running; i++) await new Promise((r) => setTimeout(r, 20));
}
