import { Writable } from 'node:stream';
import { createProgress, renderBar } from '../../../src/cli/progress';

/** Progress on stderr: plain log lines when not a terminal, one redrawn line on a terminal. */
function sink(): { stream: Writable; text: () => string } {
  const chunks: string[] = [];
  const stream = new Writable({ write: (chunk: Buffer, _encoding, done) => (chunks.push(chunk.toString()), done()) });
  return { stream, text: () => chunks.join('') };
}

describe('progress', () => {
  it('writes one plain line per change and no escape codes when not a terminal', () => {
    const out = sink();
    const progress = createProgress(out.stream, { tty: false, now: () => 0 });
    progress.update(0, 3, 'step 1');
    progress.update(0, 3, 'step 1');
    progress.update(1, 3, 'step 2');
    progress.note('done');
    progress.end();
    expect(out.text()).toBe('[0/3] step 1 (0s)\n[1/3] step 2 (0s)\ndone\n');
  });

  it('redraws one line in place on a terminal and clears it at the end', () => {
    const out = sink();
    let now = 0;
    const progress = createProgress(out.stream, { tty: true, width: 200, now: () => now });
    progress.update(1, 2, 'agent step 2');
    now = 65_000;
    progress.note('step 1: block-ip');
    progress.end();
    const text = out.text();
    expect(text).toContain(`\r\x1b[2K${renderBar(1, 2)} 1/2 agent step 2 (0s)`);
    expect(text).toContain('step 1: block-ip\n');
    expect(text).toContain('(1m05s)');
    expect(text.endsWith('\r\x1b[2K')).toBe(true);
  });

  it('fills the bar in proportion and clamps it', () => {
    expect(renderBar(0, 4, 4)).toBe('[----]');
    expect(renderBar(2, 4, 4)).toBe('[##--]');
    expect(renderBar(9, 4, 4)).toBe('[####]');
    expect(renderBar(1, 0, 4)).toBe('[----]');
  });
});

describe('progress inside an agent step, plain output', () => {
  it('writes a change of the detail alone at most every detailEveryMs, any other change at once', () => {
    const out = sink();
    let now = 0;
    const progress = createProgress(out.stream, { tty: false, now: () => now, detailEveryMs: 10_000 });
    progress.update(0, 1, 'incident 1/1 (37 alerts): agent step 1');
    progress.update(0, 1, 'incident 1/1 step 1: 1/30 calls, 0 tokens');
    now = 4_000;
    progress.update(0, 1, 'incident 1/1 step 1: 1/30 calls, 2.9k tokens, ~2m left');
    now = 12_000;
    progress.update(0, 1, 'incident 1/1 step 1: 2/30 calls, 2.9k tokens, ~2m left');
    now = 13_000;
    progress.update(0, 1, 'incident 1/1 step 1: 2/30 calls, 3.4k tokens, ~2m left');
    progress.update(1, 1, 'incident 1/1 step 2: 1/30 calls, 0 tokens');
    expect(out.text().split('\n').filter(Boolean)).toEqual([
      '[0/1] incident 1/1 (37 alerts): agent step 1 (0s)',
      '[0/1] incident 1/1 step 1: 1/30 calls, 0 tokens (0s)',
      '[0/1] incident 1/1 step 1: 2/30 calls, 2.9k tokens, ~2m left (12s)',
      '[1/1] incident 1/1 step 2: 1/30 calls, 0 tokens (13s)',
    ]);
  });
});
