import { existsSync, statSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { z } from 'zod';
import type { GroundTruth } from '../core/eval/ground-truth';
import { ErrorCodes, IraError } from '../errors';
import { datasetsDir } from '../adapters/sources/datasets-dir';
import { loadGroundTruth, TruthSpec } from './load-ground-truth';

/**
 * An eval dataset is a list of cases, each an incident folder (system.txt + alert files) and its ground truth.
 * `bundled` is datasets/bundled.json; otherwise a manifest file of the same shape, a folder holding one
 * (`bundled.json`), or a single incident folder whose ground truth is recognised by its file name.
 */
export interface EvalCase {
  readonly id: string;
  readonly folder: string;
  readonly truth: GroundTruth;
}

const Manifest = z.object({
  cases: z.array(z.object({ id: z.string().min(1), folder: z.string().min(1), truth: TruthSpec })).min(1),
});

async function fromManifest(path: string): Promise<EvalCase[]> {
  let parsed;
  try {
    parsed = Manifest.safeParse(JSON.parse(await readFile(path, 'utf8')));
  } catch (error) {
    throw new IraError(ErrorCodes.sourceInvalid, `cannot read the dataset manifest ${path}`, { cause: error });
  }
  if (!parsed.success) throw new IraError(ErrorCodes.sourceInvalid, `invalid dataset manifest ${path}: ${parsed.error.issues[0]?.message ?? ''}`);
  const base = dirname(path);
  return Promise.all(
    parsed.data.cases.map(async (entry) => {
      const folder = join(base, entry.folder);
      return { id: entry.id, folder, truth: await loadGroundTruth(folder, entry.id, entry.truth) };
    }),
  );
}

/** The ground truth of a lone incident folder, recognised by file name. */
export function truthSpecOf(folder: string): TruthSpec | undefined {
  if (existsSync(join(folder, 'incident.txt'))) return { kind: 'digital-twin', file: 'incident.txt' };
  if (existsSync(join(folder, 'ground-truth.json'))) {
    return existsSync(join(folder, 'attack_phases.json'))
      ? { kind: 'ait-phases', file: 'ground-truth.json', phases: 'attack_phases.json' }
      : { kind: 'json', file: 'ground-truth.json' };
  }
  return undefined;
}

export async function loadDataset(spec: string): Promise<EvalCase[]> {
  if (spec === 'bundled') return fromManifest(join(datasetsDir(), 'bundled.json'));
  const path = resolve(spec);
  if (!existsSync(path)) throw new IraError(ErrorCodes.sourceInvalid, `no such dataset: ${spec} (use "bundled", a manifest or an incident folder)`);
  if (statSync(path).isFile()) return fromManifest(path);
  if (existsSync(join(path, 'bundled.json'))) return fromManifest(join(path, 'bundled.json'));
  const truth = truthSpecOf(path);
  if (truth === undefined) {
    throw new IraError(ErrorCodes.sourceInvalid, `${spec}: no bundled.json, incident.txt or ground-truth.json in the folder`);
  }
  const id = basename(path);
  return [{ id, folder: path, truth: await loadGroundTruth(path, id, truth) }];
}
