/**
 * The Registry view's state: the push and pull references as the user typed them, "Push anyway", and the push,
 * pull and tag-list results, each tied to the file and reference it is about. It lives for the page, so switching
 * views keeps what was typed; a result disappears when its file or reference is no longer on screen. Signatures
 * of a pulled policy belong to the page-wide signature state (signatures.svelte.ts), which a pull starts.
 */
import {
  buildPolicyArtifact,
  KEY_OCI_URL,
  KEY_VERSION,
  pushPolicy,
  pullPolicy,
  type PolicyModel,
} from '../lib/kubewarden';
import { nextMacrotask } from '../lib/common';
import { parseReference, sortTags, type Reference } from '../lib/oci';
import { appDocument, router } from './app.svelte';
import { connections } from './connections.svelte';
import type { OpenDocument } from './document.svelte';
import { Operation, type Subject } from './operation.svelte';
import { policyOf } from './policy';
import { signatures } from './signatures.svelte';

export interface PushResult {
  digest: string;
  immutableRef: string;
  /** The reference as pushed, with its tag. */
  reference: string;
  /** When the push moved an existing tag: the manifest digest it named before (null if the registry hid it). */
  moved?: { from: string | null };
}

/** A push that would move an existing tag to another manifest, waiting for the user's answer. */
export interface MoveTagQuestion {
  /** The reference as typed and parsed. */
  reference: string;
  bytes: Uint8Array;
  /** The manifest the tag names now; null when the registry does not send Docker-Content-Digest. */
  current: string | null;
  /** The manifest this push would make it name. */
  next: string;
}

export interface TagList {
  registry: string;
  repository: string;
  tags: string[];
}

/** A file name as a repository path component: lowercase, [a-z0-9._-], no leading or trailing separator. */
export function repositoryStem(fileName: string): string {
  return (
    fileName
      .replace(/\.wasm$/i, '')
      .toLowerCase()
      .replace(/[^a-z0-9._-]+/g, '-')
      .replace(/^[^a-z0-9]+|[^a-z0-9]+$/g, '') || 'policy'
  );
}

/**
 * The reference a push suggests, as kwctl users tag: the default registry, the repository path of the policy's
 * `io.kubewarden.policy.ociUrl` (else `policies/<file name>`), and `v<io.kubewarden.policy.version>` (else `latest`).
 */
export function suggestPushReference(
  registry: string,
  fileName: string,
  policy: Pick<PolicyModel, 'metadata'> | null,
): string {
  const annotations = policy?.metadata?.annotations ?? {};
  let repository = `policies/${repositoryStem(fileName)}`;
  const ociUrl = annotations[KEY_OCI_URL]?.trim();
  if (ociUrl) {
    try {
      repository = parseReference(ociUrl).repository;
    } catch {
      // An ociUrl that is not a reference gives no repository; the file name does.
    }
  }
  const version = annotations[KEY_VERSION]?.trim().replace(/^v/, '');
  const tag = version && /^[A-Za-z0-9_][A-Za-z0-9._-]{0,126}$/.test(version) ? `v${version}` : 'latest';
  return `${registry}/${repository}:${tag}`;
}

const explainFor = (e: unknown, subject: Subject, signal: AbortSignal) =>
  connections.explain(e, subject.reference, signal);

export class RegistryViewState {
  /** What the user typed; null until they type, so the suggestion shows (and follows the open file) until then. */
  pushTyped = $state<string | null>(null);
  pullTyped = $state<string | null>(null);
  /** "Push anyway" applies to the file it was ticked for, never to the next one. */
  private forcedBytes = $state.raw<Uint8Array | null>(null);

  /** A finished run with a null result stopped to ask about moving a tag (see `moveQuestion`). */
  readonly push = new Operation<PushResult | null>(explainFor);
  moveQuestion = $state.raw<MoveTagQuestion | null>(null);
  readonly pull = new Operation<{ reference: string }>(explainFor);
  readonly tags = new Operation<TagList>(explainFor);

  /** The suggested push target for a document, or '' when there is no reachable default registry. */
  suggestedPush(doc: OpenDocument): string {
    const local = connections.defaultRegistry;
    if (!local?.reachable || !doc.bytes) return '';
    return suggestPushReference(local.host, doc.name, policyOf(doc));
  }

  /** The repository of the default registry to suggest for a pull, or ''. */
  suggestedPull(doc: OpenDocument): string {
    const local = connections.defaultRegistry;
    return local?.reachable ? suggestPushReference(local.host, doc.name || 'policy', policyOf(doc)) : '';
  }

  pushReference(doc: OpenDocument): string {
    return this.pushTyped ?? this.suggestedPush(doc);
  }

  pullReference(doc: OpenDocument): string {
    return this.pullTyped ?? this.suggestedPull(doc);
  }

  isForced(doc: OpenDocument): boolean {
    return !!doc.bytes && this.forcedBytes === doc.bytes;
  }

  setForced(doc: OpenDocument, on: boolean): void {
    this.forcedBytes = on ? doc.bytes : null;
  }

  /**
   * Pushes the open policy in kwctl's layout; kwctl's refusals come back as an explained failure. A tag that
   * already names another manifest is not moved silently: the tag is checked (HEAD) while the blobs travel, the
   * question is shown as soon as the answer says so (`moveQuestion`), and the manifest, which is what moves the tag,
   * waits for {@link answerMove}. Blobs are content-addressed and named by no tag, so sending them first moves
   * nothing, and "move" then costs only the manifest. `moveTag` answers yes ahead.
   */
  async pushOpenPolicy(doc: OpenDocument, { moveTag = false }: { moveTag?: boolean } = {}): Promise<void> {
    const bytes = doc.bytes;
    const reference = this.pushReference(doc).trim();
    if (!bytes || !reference) return;
    const check = policyOf(doc)?.pushCheck(this.isForced(doc));
    this.settleQuestion(false);
    // The document was hashed when it was opened; hashing it again is the slowest step before the first request.
    const digest = doc.sha256 ? `sha256:${doc.sha256}` : undefined;
    const owner = {};
    await this.push.run({ reference, bytes }, async (signal, onProgress) => {
      const ref = parseReference(reference);
      const client = connections.clientFor(ref);
      const tagged = !!ref.tag && !ref.digest && !!check?.allowed;
      const decision: Promise<{ move: boolean; from?: string | null }> = tagged
        ? client.headManifest(ref, signal).then(async (existing) => {
            if (!existing) return { move: true };
            const next = (await buildPolicyArtifact(bytes, check!.annotations, digest)).manifestDigest;
            if (existing.digest === next) return { move: true };
            const move =
              moveTag ||
              (await this.ask({ reference, bytes, current: existing.digest, next }, signal, owner));
            return { move, from: existing.digest };
          })
        : Promise.resolve({ move: true });
      decision.catch(() => {}); // a failed tag check is reported where it is awaited, before the manifest
      let moved: PushResult['moved'];
      const send = (body: Blob) =>
        pushPolicy(client, ref, bytes, {
          check,
          signal,
          onProgress,
          digest,
          body,
          beforeManifest: async () => {
            const d = await decision;
            if (d.move && d.from !== undefined) moved = { from: d.from };
            return d.move;
          },
        });
      // The body: the opened File itself while it holds these bytes; else a copy of them (15 ms for 14 MB, then
      // handed to the network process), made once the tag check is on the wire.
      const file = doc.fileOf(bytes);
      const copy = () => new Blob([bytes as Uint8Array<ArrayBuffer>]);
      let pushed: Awaited<ReturnType<typeof send>>;
      try {
        pushed = await send(file ?? (await nextMacrotask(), copy()));
      } catch (e) {
        // A file changed on disk since it was opened cannot be sent: the bytes on screen go instead.
        if (!file || signal.aborted || (await doc.fileReadable(file))) throw e;
        pushed = await send(copy());
      }
      if (!pushed) return null;
      return {
        digest: pushed.digest,
        immutableRef: pushed.immutableRef,
        reference: ref.canonical,
        ...(moved ? { moved } : {}),
      };
    });
    // A push that ended (cancelled, failed) while asking no longer waits for the answer.
    if (this.asker === owner) this.settleQuestion(false);
  }

  /** The answer to {@link moveQuestion}: a push waiting for it goes on; after a reload, "move" pushes again. */
  answerMove(doc: OpenDocument, move: boolean): void {
    if (this.answer) this.settleQuestion(move);
    else {
      this.moveQuestion = null;
      if (move) void this.pushOpenPolicy(doc, { moveTag: true });
    }
  }

  /** True while a push is waiting for the answer to {@link moveQuestion} (a new push may start meanwhile). */
  get awaitingAnswer(): boolean {
    return this.moveQuestion !== null && this.push.running;
  }

  private answer: ((move: boolean) => void) | null = null;
  /** The push call whose question is open. */
  private asker: object | null = null;

  private ask(question: MoveTagQuestion, signal: AbortSignal, owner: object): Promise<boolean> {
    if (signal.aborted) return Promise.resolve(false);
    this.settleQuestion(false);
    this.moveQuestion = question;
    this.asker = owner;
    return new Promise((resolve) => {
      const onAbort = () => this.settleQuestion(false);
      signal.addEventListener('abort', onAbort, { once: true });
      this.answer = (move) => {
        signal.removeEventListener('abort', onAbort);
        resolve(move);
      };
    });
  }

  private settleQuestion(move: boolean): void {
    const answer = this.answer;
    this.answer = null;
    this.asker = null;
    this.moveQuestion = null;
    answer?.(move);
  }

  /** The pending question about moving a tag, while the open file and the push reference are what it is about. */
  visibleMoveQuestion(doc: OpenDocument): MoveTagQuestion | null {
    const q = this.moveQuestion;
    return q && q.bytes === doc.bytes && q.reference === this.pushReference(doc).trim() ? q : null;
  }

  /** Pulls a policy by reference, opens it (then Inspect) and looks up and verifies its signatures. */
  async pullAndOpen(reference: string): Promise<void> {
    const text = reference.trim();
    if (!text) return;
    const state = await this.pull.run({ reference: text }, async (signal, onProgress) => {
      const ref = parseReference(text);
      const pulled = await pullPolicy(connections.clientFor(ref), ref, { signal, onProgress });
      // pullPolicy verified the bytes against the layer digest: the document need not hash them again, and Inspect
      // draws before the recents list is written.
      const name = `${ref.repository.split('/').pop() ?? 'policy'}.wasm`;
      const source = {
        kind: 'registry' as const,
        reference: ref.canonical,
        digest: pulled.layer.digest,
        manifestDigest: pulled.digest,
      };
      if (appDocument.show(name, pulled.bytes, source, pulled.layer.digest))
        void appDocument.settle(pulled.bytes);
      if (appDocument.error) throw new Error(`${appDocument.name}: ${appDocument.error.message}`);
      return { reference: ref.canonical };
    });
    if (state.status !== 'done' || appDocument.source.kind !== 'registry') return;
    const { reference: pulledRef, manifestDigest } = appDocument.source;
    router.go('inspect');
    if (manifestDigest) void signatures.check(pulledRef, manifestDigest);
  }

  /** Pulls one tag of a listed repository; the pull field shows what is being pulled. */
  openTag(list: TagList, tag: string): Promise<void> {
    const reference = `${list.registry}/${list.repository}:${tag}`;
    this.pullTyped = reference;
    return this.pullAndOpen(reference);
  }

  /** Lists a repository's tags, sorted semver-aware. */
  async listTags(reference: string): Promise<void> {
    const text = reference.trim();
    if (!text) return;
    await this.tags.run({ reference: text }, async (signal) => {
      const ref = parseReference(text);
      const tags = await connections.clientFor(ref).listTags(ref, signal);
      return { registry: ref.registry, repository: ref.repository, tags: sortTags(tags) };
    });
  }

  /** The push result or failure for what is on screen now: the open file and the push reference. */
  visiblePush(doc: OpenDocument) {
    const s = this.push.state;
    if (!s.subject || s.subject.bytes !== doc.bytes) return null;
    if (s.status !== 'running' && s.subject.reference !== this.pushReference(doc).trim()) return null;
    return s;
  }

  /** The pull failure while the pull field still holds the reference it was about. */
  visiblePull(doc: OpenDocument) {
    const s = this.pull.state;
    if (!s.subject) return null;
    if (s.status !== 'running' && s.subject.reference !== this.pullReference(doc).trim()) return null;
    return s;
  }

  /** The tag list while the pull field names the same repository. */
  visibleTags(doc: OpenDocument) {
    const s = this.tags.state;
    if (!s.subject || s.status === 'running') return s.subject ? s : null;
    return sameRepository(s.subject.reference, this.pullReference(doc)) ? s : null;
  }

  /**
   * Leaving the view cancels what only this view shows (a pull, a tag list). A push goes on and its result waits for
   * the user; so does the signature lookup a pull starts just as it leaves for Inspect (it is page-wide state).
   */
  leave(): void {
    this.pull.cancel();
    this.tags.cancel();
  }
}

function sameRepository(a: string, b: string): boolean {
  try {
    const x: Reference = parseReference(a);
    const y: Reference = parseReference(b);
    return x.registry === y.registry && x.repository === y.repository;
  } catch {
    return false;
  }
}

/** The Registry view's state, kept for the page. */
export const registryView = new RegistryViewState();
