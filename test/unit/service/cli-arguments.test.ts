import { PassThrough } from 'node:stream';
import type { CliIo } from '../../../src/cli/io';
import { runFeedbackCommand } from '../../../src/cli/feedback';
import { runServeCommand } from '../../../src/cli/serve-command';
import { packageVersion } from '../../../src/version';

function io(): CliIo & { out: () => string; err: () => string } {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = '';
  let err = '';
  stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
  stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
  return { stdout, stderr, env: {}, signal: new AbortController().signal, out: () => out, err: () => err };
}

describe('serve and feedback arguments', () => {
  test('ira serve --version prints the package version', async () => {
    const streams = io();
    expect(await runServeCommand(['--version'], streams)).toBe(0);
    expect(streams.out().trim()).toBe(packageVersion());
    expect(packageVersion()).toMatch(/^\d+\.\d+\.\d+/);
  });

  test.each([[['--bogus']], [['extra']], [['--version=3']]])('ira serve %j is a usage error (exit 2), before any configuration is read', async (argv) => {
    const streams = io();
    expect(await runServeCommand(argv, streams)).toBe(2);
    expect(streams.err()).toContain('usage: ira serve');
  });

  test.each([
    [[], 'a recommendation id is required'],
    [['inc-1:0'], '--status is required'],
    [['inc-1:0', 'more', '--status', 'executed'], 'unexpected argument'],
    [['inc-1:0', '--status', 'done'], 'invalid feedback'],
    [['inc-1', '--status', 'executed'], 'recommendation_id'],
    [['inc-1:0', '--status', 'executed', '--urgent'], "Unknown option '--urgent'"],
  ])('ira feedback %j is a usage error: %s', async (argv, message) => {
    const streams = io();
    expect(await runFeedbackCommand(argv, streams)).toBe(2);
    expect(streams.err()).toContain(message);
  });
});
