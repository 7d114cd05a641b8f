/**
 * One long-running action as the UI shows it (running with progress, done with a result, failed with an explained
 * failure), owning its AbortController: starting it again or cancelling aborts the previous run, and an abort is
 * never shown as an error. Each run names its subject (the reference and the file it is about), so a view can hide
 * a result once what it is about has changed.
 */
import { isAbort, describeFailure, type Failure } from './failures';

export type OperationStatus = 'idle' | 'running' | 'done' | 'error';

/** What a run is about. Views compare it with what is on screen now. */
export interface Subject {
  reference: string;
  /** The document bytes the run acted on, when it acted on one. */
  bytes?: Uint8Array | null;
}

export interface OperationState<T> {
  status: OperationStatus;
  done: number;
  total: number;
  result: T | null;
  error: Failure | null;
  subject: Subject | null;
}

const IDLE: OperationState<never> = {
  status: 'idle',
  done: 0,
  total: 0,
  result: null,
  error: null,
  subject: null,
};

export class Operation<T> {
  state = $state.raw<OperationState<T>>(IDLE);
  private controller: AbortController | null = null;

  /**
   * @param explain turns an error into the failure to show (the connection layer adds the registry diagnosis).
   */
  constructor(
    private readonly explain: (
      e: unknown,
      subject: Subject,
      signal: AbortSignal,
    ) => Promise<Failure> = async (e) => describeFailure(e),
  ) {}

  get running(): boolean {
    return this.state.status === 'running';
  }

  /** Runs `work`, aborting any earlier run. Resolves when it ends, never rejects. */
  async run(
    subject: Subject,
    work: (signal: AbortSignal, progress: (done: number, total: number) => void) => Promise<T>,
  ): Promise<OperationState<T>> {
    this.controller?.abort();
    const controller = new AbortController();
    this.controller = controller;
    const { signal } = controller;
    this.state = { ...IDLE, status: 'running', subject };
    const progress = (done: number, total: number) => {
      if (!signal.aborted) this.state = { ...this.state, done, total };
    };
    try {
      const result = await work(signal, progress);
      if (!signal.aborted) this.state = { ...this.state, status: 'done', result, done: this.state.total };
    } catch (e) {
      if (signal.aborted || isAbort(e)) {
        if (this.controller === controller) this.state = IDLE;
      } else {
        const error = await this.explain(e, subject, signal);
        if (!signal.aborted) this.state = { ...this.state, status: 'error', error };
      }
    } finally {
      if (this.controller === controller) this.controller = null;
    }
    return this.state;
  }

  /** Aborts a run in progress; its state goes back to idle. */
  cancel(): void {
    if (!this.controller) return;
    this.controller.abort();
    this.controller = null;
    this.state = IDLE;
  }

  /** Forgets the last result or failure (a running action is left alone). */
  clear(): void {
    if (!this.running) this.state = IDLE;
  }
}
