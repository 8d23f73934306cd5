import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { isEvidenceFile, readAlertFile } from '../adapters/sources/file-source';
import { countAlertsPerPhase, parseAitPhases } from '../core/eval/ait-phases';
import { parseDigitalTwinIncident } from '../core/eval/digital-twin-ground-truth';
import { GroundTruth, ResponseTruth } from '../core/eval/ground-truth';
import { ErrorCodes, IraError } from '../errors';
import { prepareRecords } from '../replay/prepare';

/**
 * Ground-truth loaders, one per dataset family. Each reads files beside an incident's alerts and returns a
 * validated GroundTruth; a malformed file is a sourceInvalid error naming it.
 */
export const TruthSpec = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('digital-twin'), file: z.string().default('incident.txt') }),
  z.object({ kind: z.literal('ait-phases'), file: z.string().default('ground-truth.json'), phases: z.string().default('attack_phases.json') }),
  z.object({ kind: z.literal('json'), file: z.string().default('ground-truth.json') }),
]);
export type TruthSpec = z.infer<typeof TruthSpec>;

async function readText(path: string): Promise<string> {
  try {
    return await readFile(path, 'utf8');
  } catch (error) {
    throw new IraError(ErrorCodes.sourceInvalid, `cannot read ground truth ${path}`, { cause: error });
  }
}

async function readJson(path: string): Promise<unknown> {
  try {
    return JSON.parse(await readText(path)) as unknown;
  } catch (error) {
    if (IraError.isInstance(error)) throw error;
    throw new IraError(ErrorCodes.sourceInvalid, `${path} is not JSON`, { cause: error });
  }
}

function invalid(path: string, error: z.ZodError | string): never {
  const message = typeof error === 'string' ? error : error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
  throw new IraError(ErrorCodes.sourceInvalid, `invalid ground truth ${path}: ${message}`);
}

/** "server_ssh at 10.0.2.11" in a system description: the host's name is an alias of its address. */
export function aliasesFromSystem(system: string): Record<string, string[]> {
  const aliases: Record<string, string[]> = {};
  for (const match of system.matchAll(/\b([A-Za-z][\w.-]*) at (?:IP address )?(\d{1,3}(?:\.\d{1,3}){3})\b/g)) {
    const [, name, ip] = match as unknown as [string, string, string];
    aliases[ip] = [...new Set([...(aliases[ip] ?? []), name])];
  }
  return aliases;
}

async function digitalTwin(folder: string, id: string, file: string): Promise<GroundTruth> {
  const path = join(folder, file);
  const parsed = parseDigitalTwinIncident(id, await readText(path), `digital twin (TaoLi-NYU/Agentic-Incident-Response-ESORICS26), ${file}`);
  if (!parsed.ok) invalid(path, parsed.error);
  const system = await readText(join(folder, 'system.txt')).catch(() => '');
  return { ...parsed.value, aliases: { ...aliasesFromSystem(system), ...parsed.value.aliases } };
}

const AitAnnotation = GroundTruth.extend({
  scenario: z.string().min(1),
  phaseLabels: z.record(z.string(), z.object({ tactics: z.array(z.string()).default([]), techniques: z.array(z.string()).default([]) })),
});

/** Tactics and techniques are those of the phases that have alerts in the file: the evidence can show no others. */
async function aitPhases(folder: string, spec: { file: string; phases: string }): Promise<GroundTruth> {
  const path = join(folder, spec.file);
  const annotation = AitAnnotation.safeParse(await readJson(path));
  if (!annotation.success) invalid(path, annotation.error);
  const { scenario, phaseLabels, ...truth } = annotation.data;
  const phasesPath = join(folder, spec.phases);
  const phases = parseAitPhases(await readJson(phasesPath), scenario, phaseLabels);
  if (!phases.ok) invalid(phasesPath, phases.error);
  const names = (await readdir(folder)).filter(isEvidenceFile).sort();
  const records = (await Promise.all(names.map((name) => readAlertFile(join(folder, name))))).flat();
  const timestamps = prepareRecords(records).alerts.map((alert) => alert['@timestamp']);
  const counted = countAlertsPerPhase(phases.value, timestamps);
  const active = counted.filter((phase) => (phase.alertCount ?? 0) > 0);
  return {
    ...truth,
    tactics: [...new Set([...truth.tactics, ...active.flatMap((phase) => phase.tactics)])],
    techniques: [...new Set([...truth.techniques, ...active.flatMap((phase) => phase.techniques)])],
    phases: counted,
  };
}

async function plainJson(folder: string, file: string): Promise<GroundTruth> {
  const path = join(folder, file);
  const parsed = GroundTruth.safeParse(await readJson(path));
  if (!parsed.success) invalid(path, parsed.error);
  return parsed.data;
}

export const REFERENCE_PLAN_FILE = 'reference-plan.json';

/** reference-plan.json beside the alerts, when there is one: validated, and its plan must name only its own labels. */
async function responseTruth(folder: string, truth: GroundTruth): Promise<ResponseTruth | undefined> {
  const path = join(folder, REFERENCE_PLAN_FILE);
  const raw = await readJson(path).catch((error: unknown) => {
    if (IraError.isInstance(error) && (error.cause as NodeJS.ErrnoException | undefined)?.code === 'ENOENT') return undefined;
    throw error;
  });
  if (raw === undefined) return undefined;
  const parsed = ResponseTruth.safeParse(raw);
  if (!parsed.success) invalid(path, parsed.error);
  if (!truth.incident && parsed.data.plan.length > 0) invalid(path, 'a false-positive case has an empty reference plan');
  if (truth.incident && parsed.data.plan.length === 0) invalid(path, 'an incident needs a reference plan');
  return parsed.data;
}

async function truthOf(folder: string, id: string, spec: TruthSpec): Promise<GroundTruth> {
  switch (spec.kind) {
    case 'digital-twin':
      return digitalTwin(folder, id, spec.file);
    case 'ait-phases':
      return aitPhases(folder, spec);
    case 'json':
      return plainJson(folder, spec.file);
  }
}

export async function loadGroundTruth(folder: string, id: string, spec: TruthSpec): Promise<GroundTruth> {
  const truth = await truthOf(folder, id, spec);
  const response = await responseTruth(folder, truth);
  return response === undefined ? truth : { ...truth, response };
}
