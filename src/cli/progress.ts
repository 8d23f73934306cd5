import type { Progress } from '../core/ports/progress';

/**
 * Progress on stderr. On a terminal: one line redrawn in place (bar, count, label, elapsed time), ticking once a
 * second so a long model call still shows life. Elsewhere (CI logs, pipes): one plain line per change, no escape
 * codes; a change of the label's detail alone (after its last ": ", e.g. the calls and tokens inside an agent step,
 * which change with every model call) is written at most every `detailEveryMs`.
 */

export interface ProgressOptions {
  /** Overrides the stream's own isTTY (tests). */
  readonly tty?: boolean;
  readonly width?: number;
  readonly now?: () => number;
  /** Plain output: the least time between two lines that differ only in the label's detail (default 15 s). */
  readonly detailEveryMs?: number;
}

const BAR = 24;

function isTty(stream: NodeJS.WritableStream): boolean {
  return (stream as { isTTY?: boolean }).isTTY === true;
}

function elapsed(ms: number): string {
  const seconds = Math.floor(ms / 1000);
  const minutes = Math.floor(seconds / 60);
  return minutes > 0 ? `${minutes}m${String(seconds % 60).padStart(2, '0')}s` : `${seconds}s`;
}

/** The label without its detail: what comes before its last ": " (the whole label when there is none). */
export function labelHead(label: string): string {
  const at = label.lastIndexOf(': ');
  return at < 0 ? label : label.slice(0, at);
}

export function renderBar(done: number, total: number, width = BAR): string {
  const fraction = total <= 0 ? 0 : Math.min(1, Math.max(0, done / total));
  const filled = Math.round(fraction * width);
  return `[${'#'.repeat(filled)}${'-'.repeat(width - filled)}]`;
}

export function createProgress(stream: NodeJS.WritableStream, options: ProgressOptions = {}): Progress {
  const tty = options.tty ?? isTty(stream);
  const now = options.now ?? (() => Date.now());
  const started = now();
  const columns = options.width ?? ((stream as { columns?: number }).columns ?? 100);
  let current = { done: 0, total: 0, label: '' };
  const detailEveryMs = options.detailEveryMs ?? 15_000;
  let lastPlain = '';
  let lastHead = '';
  let lastPlainAt = Number.NEGATIVE_INFINITY;
  let ticker: NodeJS.Timeout | undefined;

  const line = (): string => {
    const text = `${renderBar(current.done, current.total)} ${current.done}/${current.total} ${current.label} (${elapsed(now() - started)})`;
    return text.length > columns - 1 ? `${text.slice(0, columns - 2)}…` : text;
  };
  const draw = (): void => {
    stream.write(`\r\x1b[2K${line()}`);
  };
  const clear = (): void => {
    stream.write('\r\x1b[2K');
  };

  if (tty) {
    ticker = setInterval(draw, 1000);
    ticker.unref();
  }
  return {
    update(done, total, label) {
      current = { done, total, label };
      if (tty) return draw();
      const plain = `[${done}/${total}] ${label}`;
      const head = `[${done}/${total}] ${labelHead(label)}`;
      // Plain output is a log: a line when something changed, a detail alone now and then.
      if (plain === lastPlain || (head === lastHead && now() - lastPlainAt < detailEveryMs)) return;
      stream.write(`${plain} (${elapsed(now() - started)})\n`);
      lastPlain = plain;
      lastHead = head;
      lastPlainAt = now();
    },
    note(message) {
      if (tty) clear();
      stream.write(`${message}\n`);
      if (tty && current.total > 0) draw();
    },
    end() {
      if (ticker !== undefined) clearInterval(ticker);
      ticker = undefined;
      if (tty) clear();
    },
  };
}

