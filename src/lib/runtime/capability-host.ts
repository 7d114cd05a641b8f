/** Who answers a policy's host-capability calls in a run: a replayed kwctl session, local resources, or fixtures. */
import {
  describeRequest,
  requestKey,
  type CallbackRequest,
  type ContextAwareResource,
} from './callback-request';
import { capabilityOf, guestCall } from './guest-calls';
import type { ConsoleCollector } from './console-log';
import { decodeUtf8, encodeUtf8 } from './guest-memory';
import { answerFixture, type FixtureMap } from './host-capabilities';
import { ClusterHost } from './kube-cluster';
import type { JsonObject } from './request';
import type { SessionExchange } from './session';

/** kwctl's `Result<CallbackResponse>`: a payload, or an error message. */
export type CallbackAnswer = { ok: true; payload: string } | { ok: false; message: string };

/** A source of answers; `null` means "not mine", so the next source is asked. */
export interface AnswerSource {
  answer(req: CallbackRequest, payload: string): CallbackAnswer | null;
}

/** Everything a run may use to answer host calls; plain data, so it crosses the worker boundary. */
export interface HostConfig {
  /** JSON fixtures keyed `namespace/operation`. */
  fixtures?: FixtureMap;
  /** A kwctl session: when set, it alone answers, in order, as `kwctl run --replay-host-capabilities-interactions`. */
  session?: SessionExchange[];
  /** Kubernetes objects standing in for a cluster (get, list, plural names). */
  resources?: JsonObject[];
  /** The resource types the policy may read (`contextAwareResources` granted with `--allow-context-aware`). */
  contextAwareResources?: ContextAwareResource[];
}

/** One host call of a run, for the panel: what was asked, whether it was answered, by which exchange. */
export interface HostCallLog {
  capability: string;
  request: string;
  ok: boolean;
  /** The 1-based session exchange that answered it, when replaying. */
  exchange?: number;
  error?: string;
}

/**
 * Replays exchanges as kwctl's proxy does (crates/kwctl/src/callback_handler/proxy.rs
 * `produce_recorded_response`): each request takes the next exchange; a request that differs from the recorded
 * one, or one past the end, is an error for that call. Messages name the exchange.
 */
export class ReplayHost implements AnswerSource {
  private next = 0;
  constructor(private readonly exchanges: readonly SessionExchange[]) {}

  /** The 1-based number of the exchange the last answer came from. */
  lastExchange = 0;

  /** Starts again from the first exchange (bench replays the session for every iteration). */
  rewind(): void {
    this.next = 0;
    this.lastExchange = 0;
  }

  answer(req: CallbackRequest): CallbackAnswer {
    const i = this.next;
    if (i >= this.exchanges.length)
      return {
        ok: false,
        message:
          `Replay error: request ${i + 1} (${describeRequest(req)}) has no exchange in the session, which holds ` +
          `${this.exchanges.length}: the list of recorded responses is empty`,
      };
    this.next++;
    this.lastExchange = i + 1;
    const x = this.exchanges[i];
    if (requestKey(x.request) !== requestKey(req))
      return {
        ok: false,
        message:
          `Replay error: unexpected request. Exchange ${i + 1} was expecting ${describeRequest(x.request)}, ` +
          `got ${describeRequest(req)} instead`,
      };
    return x.response.type === 'Success'
      ? { ok: true, payload: x.response.payload }
      : { ok: false, message: x.response.message };
  }

  /** kwctl's "Some of the recorded exchanges have not been replayed" warning, naming them; null when all were. */
  leftovers(): string | null {
    const rest = this.exchanges.slice(this.next);
    if (rest.length === 0) return null;
    const first = this.next + 1;
    const which = rest.length === 1 ? `Exchange ${first}` : `Exchanges ${first}–${this.exchanges.length}`;
    return (
      `${which} of the session ${rest.length === 1 ? 'was' : 'were'} not replayed: ` +
      rest.map((x) => describeRequest(x.request)).join('; ')
    );
  }
}

/** Fixtures keyed `namespace/operation` (see {@link FixtureMap}). */
class FixtureSource implements AnswerSource {
  constructor(private readonly fixtures: FixtureMap) {}
  answer(req: CallbackRequest, payload: string): CallbackAnswer | null {
    const r = answerFixture(this.fixtures, capabilityOf(req), payload);
    if (r === null) return null;
    return r.ok ? { ok: true, payload: r.reply } : { ok: false, message: r.error };
  }
}

/**
 * The host side of one run: turns guest calls into kwctl requests, asks the sources, records every exchange (so
 * the run can be exported as a session), and logs each call to the console.
 */
export class CapabilityHost {
  readonly calls: HostCallLog[] = [];
  readonly recorded: SessionExchange[] = [];
  private readonly sources: AnswerSource[] = [];
  private readonly replay: ReplayHost | null = null;
  readonly allowList: readonly ContextAwareResource[];

  constructor(
    config: HostConfig = {},
    private readonly log?: ConsoleCollector,
  ) {
    this.allowList = config.contextAwareResources ?? [];
    if (config.session) {
      this.replay = new ReplayHost(config.session);
      this.sources.push(this.replay);
      return;
    }
    const resources = config.resources ?? [];
    if (resources.length) this.sources.push(new ClusterHost(resources));
    if (config.fixtures) this.sources.push(new FixtureSource(config.fixtures));
    // Granted reads with no resources and no fixture see an empty cluster, as kwctl against one would.
    if (!resources.length && this.allowList.length) this.sources.push(new ClusterHost([]));
  }

  /** Answers one request (from a guest, or from the Rego runtime building its context). */
  request(req: CallbackRequest, payload = JSON.stringify(req.fields)): CallbackAnswer {
    let answer: CallbackAnswer | null = null;
    for (const s of this.sources) {
      answer = s.answer(req, payload);
      if (answer) break;
    }
    answer ??= {
      ok: false,
      message:
        `Host capability ${capabilityOf(req)} is not available in Wasmlens: there is no cluster or network here. ` +
        `Drop a kwctl session that answers it, add a "${capabilityOf(req)}" entry to the fixtures, or provide Kubernetes resources.`,
    };
    this.recorded.push({
      request: req,
      response: answer.ok
        ? { type: 'Success', payload: answer.payload }
        : { type: 'Error', message: answer.message },
    });
    const entry: HostCallLog = {
      capability: capabilityOf(req),
      request: describeRequest(req),
      ok: answer.ok,
    };
    if (this.replay) entry.exchange = this.replay.lastExchange;
    if (!answer.ok) entry.error = answer.message;
    this.calls.push(entry);
    return answer;
  }

  /**
   * A guest's `__host_call` / `host.call`: the reply bytes, or the error the guest sees. Failed callbacks read
   * "Callback evaluation failure: …" as policy-evaluator words them; refused calls (bad payload, no access) do not
   * reach a callback handler, so kwctl neither records nor replays them.
   */
  guest(
    binding: string,
    namespace: string,
    operation: string,
    payload: Uint8Array,
  ): { ok: true; reply: Uint8Array } | { ok: false; error: string } {
    const text = decodeUtf8(payload);
    const call = guestCall(binding, namespace, operation, text, this.allowList);
    const shown = text.length > 512 ? text.slice(0, 512) + '…' : text;
    if (call.kind === 'log') {
      this.log?.push('log', text);
      return { ok: true, reply: new Uint8Array(0) };
    }
    if (call.kind === 'refused') {
      this.log?.push('host', `✗ ${binding}/${namespace}/${operation} ${shown}`);
      this.calls.push({
        capability: `${namespace}/${operation}`,
        request: shown,
        ok: false,
        error: call.error,
      });
      return { ok: false, error: call.error };
    }
    const answer = this.request(call.request, text);
    this.log?.push('host', `${answer.ok ? '✓' : '✗'} ${binding}/${namespace}/${operation} ${shown}`);
    if (answer.ok) return { ok: true, reply: encodeUtf8(answer.payload) };
    this.log?.push('host', `  ${answer.message}`);
    return { ok: false, error: `Callback evaluation failure: ${answer.message}` };
  }

  /** Forgets this run's calls and starts a replayed session again from its first exchange. */
  rewind(): void {
    this.replay?.rewind();
    this.calls.length = 0;
    this.recorded.length = 0;
  }

  /** Warnings after the run: exchanges of a replayed session that were never asked for. */
  warnings(): string[] {
    const left = this.replay?.leftovers();
    return left ? [left] : [];
  }
}
