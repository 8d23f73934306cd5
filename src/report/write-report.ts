import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ErrorCodes, IraError } from '../errors';
import { renderHtml } from './html';
import { renderMarkdown } from './markdown';
import type { ReplayReport } from './model';
import { replaySummary, type ReplaySummary } from './summary';

/** Writes report.md, report.html and summary.json into a folder; returns their paths and the summary. */
export interface WrittenReport {
  readonly markdown: string;
  readonly html: string;
  readonly json: string;
  readonly summary: ReplaySummary;
}

export async function writeReport(report: ReplayReport, directory: string): Promise<WrittenReport> {
  const paths = { markdown: join(directory, 'report.md'), html: join(directory, 'report.html'), json: join(directory, 'summary.json') };
  const summary = replaySummary(report, paths);
  try {
    await mkdir(directory, { recursive: true });
    await writeFile(paths.markdown, renderMarkdown(report), 'utf8');
    await writeFile(paths.html, renderHtml(report), 'utf8');
    await writeFile(paths.json, JSON.stringify(summary, null, 2) + '\n', 'utf8');
  } catch (error) {
    throw new IraError(ErrorCodes.internal, `cannot write the report into ${directory}`, { cause: error });
  }
  return { ...paths, summary };
}
