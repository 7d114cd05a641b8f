/**
 * Signature verification for the page: a status per (repository, manifest digest) — verified (who signed and
 * when), signed but not verified (why), unsigned, or lookup failed (explained) — that any view reads and a user
 * action starts. Each lookup is an Operation with cancel and a time limit, so a status never stays "checking";
 * fetched signatures are kept for the page and verified again, without a request, when the trusted root or the
 * user's key, identity, issuer or Kubewarden verification config change. Verifying runs in a Web Worker.
 */
import { SvelteMap } from 'svelte/reactivity';
import { parseReference, RegistryError, type Reference } from '../lib/oci';
import {
  parsePublicKeyPem,
  parseTrustedRoot,
  parseVerificationConfig,
  publicGoodTrustedRoot,
  PUBLIC_GOOD_TRUSTED_ROOT_INFO,
  type Assessment,
  type ConfigIssue,
  type TrustedRoot,
  type VerifyJob,
} from '../lib/signatures';
import { forgetTrustedRoot, loadTrustedRoot, saveTrustedRoot } from '../lib/storage';
import { connections } from './connections.svelte';
import type { Failure } from './failures';
import { Operation, type OperationState, type Subject } from './operation.svelte';
import { lookUpSignatures, type Lookup } from './signature-lookup';
import { defaultVerifier, type Verifier } from './signature-verifier';

export type { Assessment, SignatureView, VerifiedSigner as Signer } from '../lib/signatures';
export { formatTime } from '../lib/signatures';

/** What a view shows for one manifest. `checking` always ends: done, failed, or cancelled (back to idle). */
export type SignatureStatus =
  { state: 'idle' } | { state: 'checking' } | { state: 'failed'; failure: Failure } | Assessment;

/** The trusted root verification uses now. */
export interface TrustedRootInUse {
  root: TrustedRoot;
  /** The user's JSON as given (what the verifier parses); null for the shipped root. */
  json: string | null;
  kind: 'public-good' | 'custom';
  name: string;
  /** The public-good copy's publication date, or the day a custom root was loaded (YYYY-MM-DD). */
  date: string;
  warnings: string[];
}

/** The user's verification inputs in use (as given, trimmed). */
export interface InputState {
  publicKeyPem: string;
  identity: string;
  issuer: string;
  configName: string;
  configText: string;
}

/** Lookups running at once across the page (a tag list may ask for dozens). */
const MAX_LOOKUPS = 4;
const DIGEST = /^sha256:[0-9a-f]{64}$/;

const publicGood = (): TrustedRootInUse => ({
  root: publicGoodTrustedRoot(),
  json: null,
  kind: 'public-good',
  name: PUBLIC_GOOD_TRUSTED_ROOT_INFO.name,
  date: PUBLIC_GOOD_TRUSTED_ROOT_INFO.date,
  warnings: [],
});

const NO_WEBCRYPTO: Failure = {
  domain: 'app',
  code: 'insecure-context',
  title: 'Signatures cannot be verified on this page',
  explanation:
    'Verifying needs the browser’s WebCrypto, which browsers offer only to https pages and localhost.',
  fix: 'Open Wasmlens over https, or from http://localhost or http://127.0.0.1.',
  message: 'crypto.subtle is not available in this context.',
};

/** Thrown where WebCrypto is missing (plain-http pages other than localhost). */
class NoWebCrypto extends Error {}

const explain = (e: unknown, subject: Subject, signal: AbortSignal): Promise<Failure> =>
  e instanceof NoWebCrypto
    ? Promise.resolve(NO_WEBCRYPTO)
    : connections.explain(e, subject.reference, signal);

class Entry {
  lookup: Lookup | null = null;
  pending: Promise<unknown> | null = null;
  /** The last result, still shown while it is verified again with new inputs. */
  previous: Assessment | null = null;
  constructor(
    readonly op: Operation<Assessment>,
    readonly repo: string,
    readonly digest: string,
  ) {}
}

/** `registry/repository` of a reference. */
function repositoryOf(reference: string | Reference): string {
  const r = typeof reference === 'string' ? parseReference(reference) : reference;
  return `${r.registry}/${r.repository}`;
}

/** `YYYY-MM-DD` of a time in ms. */
const dayOf = (ms: number) => new Date(ms).toISOString().slice(0, 10);

export interface SignaturesOptions {
  /** The verifier's clock in ms (tests pin it). */
  now?: () => number;
  /** Where verification runs; default a Web Worker where there are workers. */
  verifier?: Verifier;
  /** The limit for one lookup; default three times the registry's request timeout, at least 90 s. */
  timeoutMs?: number;
}

export class SignaturesState {
  trustedRoot = $state.raw<TrustedRootInUse>(publicGood());
  /** Why the last trusted root given could not be used. */
  rootProblems = $state.raw<string[]>([]);
  /** False when IndexedDB cannot be used: a custom root then lasts for this tab only. */
  rootSaved = $state(true);
  inputs = $state.raw<InputState>({
    publicKeyPem: '',
    identity: '',
    issuer: '',
    configName: '',
    configText: '',
  });
  keyProblem = $state<string | null>(null);
  configProblems = $state.raw<ConfigIssue[]>([]);

  private entries = new SvelteMap<string, Entry>();
  private loaded: Promise<void> | null = null;
  private active = 0;
  private waiting: (() => void)[] = [];

  private verifier: Verifier;

  constructor(private readonly options: SignaturesOptions = {}) {
    this.verifier = options.verifier ?? defaultVerifier();
  }

  /** Loads the user's saved trusted root, once per page; a stored root that no longer parses is ignored. */
  load(): Promise<void> {
    return (this.loaded ??= (async () => {
      try {
        const saved = await loadTrustedRoot();
        if (!saved) return;
        const r = parseTrustedRoot(saved.json);
        if (r.ok)
          this.trustedRoot = {
            root: r.root,
            json: saved.json,
            kind: 'custom',
            name: saved.name,
            date: dayOf(saved.savedAt),
            warnings: r.warnings,
          };
      } catch {
        this.rootSaved = false;
      }
    })());
  }

  /** The status of a manifest; `idle` until something asked for it. */
  statusOf(reference: string | Reference, digest: string): SignatureStatus {
    let entry: Entry | undefined;
    try {
      entry = this.entries.get(`${repositoryOf(reference)}@${digest}`);
    } catch {
      return { state: 'idle' };
    }
    return entry ? statusFrom(entry) : { state: 'idle' };
  }

  /**
   * Looks up and verifies the signatures of manifest `digest` in the repository of `reference`. A result (or a
   * lookup in progress) is reused unless `force`; the promise resolves with the status and never rejects.
   */
  async check(
    reference: string | Reference,
    digest: string,
    { force = false }: { force?: boolean } = {},
  ): Promise<SignatureStatus> {
    let repo: string;
    try {
      repo = repositoryOf(reference);
    } catch {
      return { state: 'idle' };
    }
    if (!DIGEST.test(digest)) return { state: 'idle' };
    const key = `${repo}@${digest}`;
    let entry = this.entries.get(key);
    if (!entry) {
      entry = new Entry(new Operation<Assessment>(explain), repo, digest);
      this.entries.set(key, entry);
    }
    const e = entry;
    if (!force && e.pending) await e.pending;
    else if (force || e.op.state.status === 'idle') {
      if (force) e.lookup = null;
      await this.run(e);
    }
    return statusFrom(e);
  }

  /** Stops a lookup in progress; its status goes back to idle. */
  cancel(reference: string | Reference, digest: string): void {
    try {
      this.entries.get(`${repositoryOf(reference)}@${digest}`)?.op.cancel();
    } catch {
      // An invalid reference has no lookup to stop.
    }
  }

  /** Uses a public key (PEM) and an expected identity and issuer; an empty field removes that input. */
  async setInputs(given: { publicKeyPem: string; identity: string; issuer: string }): Promise<boolean> {
    const pem = given.publicKeyPem.trim();
    if (pem) {
      try {
        parsePublicKeyPem(pem);
      } catch (e) {
        this.keyProblem = e instanceof Error ? e.message : String(e);
        return false;
      }
    }
    this.keyProblem = null;
    const identity = given.identity.trim();
    const issuer = given.issuer.trim();
    this.inputs = { ...this.inputs, publicKeyPem: pem, identity, issuer };
    await this.reassessAll();
    return true;
  }

  /** Loads a Kubewarden verification config (verification-config.yml); its problems come with line and column. */
  async setConfig(text: string, name: string): Promise<boolean> {
    const r = parseVerificationConfig(text);
    if (!r.ok) {
      this.configProblems = r.issues;
      return false;
    }
    this.configProblems = [];
    this.inputs = { ...this.inputs, configText: text, configName: name };
    await this.reassessAll();
    return true;
  }

  async clearConfig(): Promise<void> {
    this.configProblems = [];
    this.inputs = { ...this.inputs, configText: '', configName: '' };
    await this.reassessAll();
  }

  /** Replaces the trusted root with the user's (a private Sigstore instance) and remembers it in IndexedDB. */
  async useTrustedRoot(text: string, name: string): Promise<boolean> {
    const r = parseTrustedRoot(text);
    if (!r.ok) {
      this.rootProblems = r.issues;
      return false;
    }
    this.rootProblems = [];
    const savedAt = Date.now();
    this.rootSaved = await saveTrustedRoot({ json: text, name, savedAt }).then(
      () => true,
      () => false,
    );
    this.trustedRoot = {
      root: r.root,
      json: text,
      kind: 'custom',
      name,
      date: dayOf(savedAt),
      warnings: r.warnings,
    };
    await this.reassessAll();
    return true;
  }

  /** Goes back to the shipped public-good root and forgets the saved one. */
  async usePublicGoodRoot(): Promise<void> {
    this.rootProblems = [];
    await forgetTrustedRoot().catch(() => undefined);
    await this.forgetLocalData();
  }

  /** After "Clear all local data" deleted the database: the in-memory custom root goes too. */
  async forgetLocalData(): Promise<void> {
    this.trustedRoot = publicGood();
    await this.reassessAll();
  }

  /** Verifies every fetched result again with the current root and inputs (no request is sent). */
  private async reassessAll(): Promise<void> {
    const ready = [...this.entries.values()].filter((e) => e.lookup);
    await Promise.all(ready.map((e) => this.run(e)));
  }

  private run(e: Entry): Promise<OperationState<Assessment>> {
    const p = e.op.run({ reference: `${e.repo}@${e.digest}` }, (signal) => this.work(e, signal));
    e.pending = p;
    void p.then((s) => {
      if (e.pending === p) e.pending = null;
      e.previous = s.status === 'done' ? s.result : s.status === 'running' ? e.previous : null;
    });
    return p;
  }

  private async work(e: Entry, signal: AbortSignal): Promise<Assessment> {
    if (!globalThis.crypto?.subtle) throw new NoWebCrypto(NO_WEBCRYPTO.message);
    await this.load();
    if (!e.lookup) {
      const release = await this.slot(signal);
      try {
        e.lookup = await this.limited(e.repo, signal, (s) =>
          lookUpSignatures(connections.clientFor(e.repo), e.repo, e.digest, s),
        );
      } finally {
        release();
      }
    }
    const { publicKeyPem, identity, issuer, configText } = this.inputs;
    const job: VerifyJob = {
      fetched: e.lookup,
      subjectDigest: e.digest,
      trustedRootJson: this.trustedRoot.json,
      publicKeyPem,
      identity,
      issuer,
      configText,
      now: this.options.now?.() ?? Date.now(),
    };
    return this.limited(e.repo, signal, (s) => this.verifier(job, s));
  }

  /** Runs `f` with a time limit; running out is a `timeout` failure, never an endless "checking". */
  private async limited<T>(repo: string, signal: AbortSignal, f: (s: AbortSignal) => Promise<T>): Promise<T> {
    const perRequest = connections.entryFor(parseReference(repo).registry)?.settings?.timeoutSeconds ?? 30;
    const ms = this.options.timeoutMs ?? Math.max(90, 3 * perRequest) * 1000;
    const timer = new AbortController();
    const id = setTimeout(() => timer.abort(), ms);
    const both = AbortSignal.any([signal, timer.signal]);
    try {
      return await new Promise<T>((resolve, reject) => {
        both.addEventListener('abort', () => reject(new RegistryError('aborted', 'Stopped.')), {
          once: true,
        });
        f(both).then(resolve, reject);
      });
    } catch (err) {
      if (timer.signal.aborted && !signal.aborted)
        throw new RegistryError(
          'timeout',
          `Checking the signatures of ${repo} took longer than ${ms / 1000} s, so it was stopped.`,
        );
      throw err;
    } finally {
      clearTimeout(id);
    }
  }

  /** Waits for one of MAX_LOOKUPS places; the returned function gives it to the next waiter. */
  private async slot(signal: AbortSignal): Promise<() => void> {
    const release = () => {
      const next = this.waiting.shift();
      if (next) next();
      else this.active--;
    };
    if (this.active < MAX_LOOKUPS) {
      this.active++;
      return release;
    }
    await new Promise<void>((resolve, reject) => {
      const go = () => {
        signal.removeEventListener('abort', stop);
        resolve();
      };
      const stop = () => {
        this.waiting = this.waiting.filter((w) => w !== go);
        reject(new RegistryError('aborted', 'Stopped.'));
      };
      this.waiting.push(go);
      signal.addEventListener('abort', stop, { once: true });
    });
    return release;
  }
}

function statusFrom(e: Entry): SignatureStatus {
  const s = e.op.state;
  // Verifying fetched signatures again takes milliseconds: the last result stays instead of a flash of "checking".
  if (s.status === 'running') return e.lookup && e.previous ? e.previous : { state: 'checking' };
  if (s.status === 'error' && s.error) return { state: 'failed', failure: s.error };
  if (s.status === 'done' && s.result) return s.result;
  return { state: 'idle' };
}

/** The page's one signature state. */
export const signatures = new SignaturesState();
