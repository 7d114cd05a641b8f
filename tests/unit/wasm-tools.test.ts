// The jco wrapper: real wasm-tools calls in Node, and the worker client's cancel and crash paths.
import { describe, expect, it } from 'vitest';
import {
  codeSize,
  handleRequest,
  runTool,
  ToolsClient,
  ToolsError,
  WAT_CODE_LIMIT,
} from '../../src/lib/tools';
import { parseWasm } from '../../src/lib/wasm';
import { corpus, corpusDir, fixture } from './helpers';

describe('runTool with jco wasm-tools', () => {
  it('prints the WAT of a WAT-built module', async () => {
    const wat = await runTool('wat', fixture('minimal.wasm'));
    expect(wat).toMatch(/^\(module \$minimal/);
    expect(wat).toContain('(export "add" (func $add))');
  }, 30_000);

  it('refuses WAT by the size of the code section, not of the file', async () => {
    // A module whose code section claims one byte more than the limit (header, id 10, a 5-byte size LEB).
    const size = WAT_CODE_LIMIT + 1;
    const leb = [0, 1, 2, 3, 4].map((i) => ((size >>> (7 * i)) & 0x7f) | (i < 4 ? 0x80 : 0));
    const big = new Uint8Array(8 + 1 + 5 + size);
    big.set([0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, 10, ...leb]);
    expect(codeSize(parseWasm(big))).toBe(size);
    await expect(runTool('wat', big)).rejects.toMatchObject({ code: 'too-large' });
  });

  it.skipIf(!corpusDir())(
    'prints the WAT of a 2 MB module whose code is small (DWARF makes it large)',
    async () => {
      const bytes = corpus('rust-dwarf-hello-stdout-jco-fixture.wasm');
      expect(bytes.length).toBeGreaterThan(2_000_000);
      expect(codeSize(parseWasm(bytes))).toBeLessThan(100_000);
      await expect(runTool('wat', bytes)).resolves.toMatch(/^\(module/);
    },
    60_000,
  );

  it('turns a jco failure into a failed response', async () => {
    const r = await handleRequest({ id: 7, op: 'wat', bytes: Uint8Array.from([1, 2, 3]) });
    expect(r).toMatchObject({ id: 7, ok: false, code: 'failed' });
    expect(r.ok === false && r.message).toMatch(/could not print the WAT: .*end-of-file/);
  }, 30_000);

  it.skipIf(!corpusDir())(
    'reads the WIT of the adder component',
    async () => {
      const wit = await runTool('wit', corpus('component-adder-jco-fixture.wasm'));
      expect(wit).toContain('export docs:adder/add@0.1.0;');
    },
    30_000,
  );
});

/** A stand-in for a Worker: records messages and lets the test answer, crash or see termination. */
class FakeWorker {
  onmessage: ((e: MessageEvent) => void) | null = null;
  onerror: ((e: ErrorEvent) => void) | null = null;
  sent: unknown[] = [];
  terminated = false;
  postMessage(m: unknown) {
    this.sent.push(m);
  }
  terminate() {
    this.terminated = true;
  }
  reply(data: unknown) {
    this.onmessage?.({ data } as MessageEvent);
  }
}

describe('ToolsClient (worker mocked: there is no Worker in Node)', () => {
  function client() {
    const workers: FakeWorker[] = [];
    const c = new ToolsClient(() => {
      const w = new FakeWorker();
      workers.push(w);
      return w as unknown as Worker;
    });
    return { c, workers };
  }

  it('sends a request and resolves with the reply, reusing one worker', async () => {
    const { c, workers } = client();
    const p1 = c.run('wat', Uint8Array.of(1), new AbortController().signal);
    const p2 = c.run('wit', Uint8Array.of(2), new AbortController().signal);
    expect(workers).toHaveLength(1);
    expect(workers[0].sent).toEqual([
      { id: 1, op: 'wat', bytes: Uint8Array.of(1) },
      { id: 2, op: 'wit', bytes: Uint8Array.of(2) },
    ]);
    workers[0].reply({ id: 2, ok: true, text: 'two' });
    workers[0].reply({ id: 1, ok: false, code: 'failed', message: 'bad' });
    await expect(p2).resolves.toBe('two');
    await expect(p1).rejects.toMatchObject({ code: 'failed', message: 'bad' });
  });

  it('cancel terminates the worker, rejects with aborted, and the next run starts a fresh worker', async () => {
    const { c, workers } = client();
    const ac = new AbortController();
    const p = c.run('wat', Uint8Array.of(1), ac.signal);
    ac.abort();
    await expect(p).rejects.toBeInstanceOf(ToolsError);
    await expect(p).rejects.toMatchObject({ code: 'aborted' });
    expect(workers[0].terminated).toBe(true);
    const next = c.run('wat', Uint8Array.of(1), new AbortController().signal);
    expect(workers).toHaveLength(2);
    workers[1].reply({ id: 2, ok: true, text: 'ok' });
    await expect(next).resolves.toBe('ok');
  });

  it('a run past its time limit stops the worker with timed-out; an answer in time clears the timer', async () => {
    const { c, workers } = client();
    const slow = c.run('wat', Uint8Array.of(1), new AbortController().signal, 20);
    await expect(slow).rejects.toMatchObject({ code: 'timed-out' });
    expect(workers[0].terminated).toBe(true);
    const quick = c.run('wat', Uint8Array.of(1), new AbortController().signal, 20);
    workers[1].reply({ id: 2, ok: true, text: 'in time' });
    await expect(quick).resolves.toBe('in time');
    await new Promise((r) => setTimeout(r, 40));
    expect(workers[1].terminated).toBe(false);
  });

  it('an already-aborted signal never starts a worker', async () => {
    const { c, workers } = client();
    const ac = new AbortController();
    ac.abort();
    await expect(c.run('wat', Uint8Array.of(1), ac.signal)).rejects.toMatchObject({ code: 'aborted' });
    expect(workers).toHaveLength(0);
  });

  it('a crashed worker fails pending runs with worker-crashed', async () => {
    const { c, workers } = client();
    const p = c.run('wit', Uint8Array.of(1), new AbortController().signal);
    workers[0].onerror?.({ message: 'boom', preventDefault() {} } as ErrorEvent);
    await expect(p).rejects.toMatchObject({
      code: 'worker-crashed',
      message: expect.stringContaining('boom'),
    });
  });
});
