// Remembered credentials (issue 19): without a passphrase the secret is stored as it is, and the UI says so; with
// one, IndexedDB keeps only AES-GCM ciphertext, a reload asks for the passphrase once, and the unlocked secret
// signs in to a real htpasswd registry. What the database holds is read raw, as another program would.
import { entries } from 'idb-keyval';
import { describe, expect, it } from 'vitest';
import { createStore, REGISTRIES_DB } from '../../src/lib/storage';
import { Connections } from '../../src/state/connections.svelte';
import { hostOf, registries } from './helpers';

const raw = async () =>
  JSON.stringify(await entries(createStore(REGISTRIES_DB, 'registries')), (_, v: unknown) =>
    v instanceof Uint8Array ? `bytes:${Buffer.from(v).toString('hex')}` : v,
  );

describe.skipIf(!registries)('remembered credentials', () => {
  it('are stored unencrypted without a passphrase, and only as ciphertext with one', async () => {
    const first = new Connections();
    await first.load();
    await first.forgetAll();
    await first.add({
      host: 'plain.example',
      baseUrl: '',
      username: 'u',
      secret: 'plain-s3cret',
      remember: true,
    });
    expect(first.vault).toBe('none');
    expect(await raw()).toContain('plain-s3cret');

    // A passphrase encrypts the new secret and the one remembered before it.
    const h = registries!.htpasswd;
    const host = hostOf(h.url);
    await first.add(
      { host, baseUrl: '', username: h.username!, secret: h.password!, remember: true },
      { passphrase: 'correct horse' },
    );
    expect(first.vault).toBe('unlocked');
    const stored = await raw();
    expect(stored).not.toContain('plain-s3cret');
    expect(stored).not.toContain(h.password!);
    expect(stored).not.toContain('correct horse');
    expect(stored).toContain('"sealed"');

    // A new page: the entries are there, locked, until the passphrase is given once.
    const next = new Connections();
    await next.load();
    expect(next.vault).toBe('locked');
    expect(next.entryFor(host)).toMatchObject({ username: h.username, secret: '', locked: true });
    const ref = `${host}/locked/${Date.now()}`;
    const codeOf = (p: Promise<unknown>) =>
      p.then(
        () => 'ok',
        (e: { code?: string }) => e.code,
      );
    expect(await codeOf(next.clientFor(ref).listTags(ref))).toBe('unauthorized');
    expect(await next.unlock('wrong horse')).toBe(false);
    expect(next.vault).toBe('locked');
    await expect(
      next.add({ host: 'third.example', baseUrl: '', username: 'x', secret: 'y', remember: true }),
    ).rejects.toThrow(/passphrase/);
    expect(await next.unlock('correct horse')).toBe(true);
    expect(next.entryFor(host)?.secret).toBe(h.password);
    expect(next.entryFor('plain.example')?.secret).toBe('plain-s3cret');
    // Signed in now: the registry answers that the repository does not exist instead of asking for credentials.
    expect(await codeOf(next.clientFor(ref).listTags(ref))).toBe('not-found');

    // Forget all drops the passphrase record too: the next remembered secret is plain again, as the UI says.
    await next.forgetAll();
    expect(next.vault).toBe('none');
    expect(await raw()).toBe('[]');
  });
});
