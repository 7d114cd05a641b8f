/** Collects what a policy prints (console, stdout, stderr, host calls), capped so a chatty guest cannot exhaust memory. */
import { decodeUtf8 } from './guest-memory';

export type ConsoleStream = 'log' | 'stdout' | 'stderr' | 'host';

export interface ConsoleLine {
  stream: ConsoleStream;
  text: string;
}

const MAX_LINES = 2000;
const MAX_CHARS = 1_000_000;

/** An append-only, capped list of console lines; partial writes are joined until a newline. */
export class ConsoleCollector {
  readonly lines: ConsoleLine[] = [];
  private chars = 0;
  private dropped = 0;
  private partial: Partial<Record<ConsoleStream, string>> = {};

  push(stream: ConsoleStream, text: string): void {
    if (this.lines.length >= MAX_LINES || this.chars + text.length > MAX_CHARS) {
      this.dropped++;
      return;
    }
    this.chars += text.length;
    this.lines.push({ stream, text });
  }

  /** Raw bytes written to a stream: split into lines, keeping an unfinished line for the next write. */
  write(stream: ConsoleStream, bytes: Uint8Array): void {
    const text = (this.partial[stream] ?? '') + decodeUtf8(bytes);
    const parts = text.split('\n');
    this.partial[stream] = parts.pop() ?? '';
    for (const p of parts) this.push(stream, p);
  }

  /** The lines, with unfinished ones flushed and a note when some were dropped. */
  finish(): ConsoleLine[] {
    for (const [stream, rest] of Object.entries(this.partial))
      if (rest) this.push(stream as ConsoleStream, rest);
    this.partial = {};
    if (this.dropped > 0)
      this.lines.push({ stream: 'log', text: `(${this.dropped} more lines were not kept)` });
    this.dropped = 0;
    return this.lines;
  }
}
