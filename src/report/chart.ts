import { RecoveryStateFields, countSet, type RecoveryState } from '../core/agent/recovery-state';
import type { Recommendation } from '../core/agent/types';
import { escapeHtml } from './escape';

/**
 * The recovery-state trajectory as inline SVG: a grid with one row per stage and one column per step (filled when
 * the stage holds after that step), and above it a step line of how many stages hold. Abstentions are marked with
 * hollow circles, conjecture revisions with dashed verticals. No scripts, no external fonts or images.
 */
export interface TrajectoryPoint {
  readonly step: number;
  readonly state: RecoveryState;
  readonly abstained: boolean;
  readonly revised: boolean;
}

/** State after each step: the next step's current state, or this step's prediction for the last one (monotone). */
export function trajectory(recommendations: readonly Recommendation[], revisedSteps: ReadonlySet<number>): TrajectoryPoint[] {
  return recommendations.map((recommendation, index) => {
    const next = recommendations[index + 1];
    const after = next?.currentState ?? recommendation.predictedState;
    const state = Object.fromEntries(
      RecoveryStateFields.map((field) => [field, recommendation.currentState[field] || after[field]]),
    ) as RecoveryState;
    return { step: recommendation.step, state, abstained: recommendation.decision.kind === 'abstain', revised: revisedSteps.has(recommendation.step) };
  });
}

const CELL = 22;
const LABEL = 78;
const LINE_HEIGHT = 90;
const PAD = 12;

function lineChart(points: readonly TrajectoryPoint[], width: number): string {
  const x = (index: number) => LABEL + index * CELL + CELL / 2;
  const y = (count: number) => PAD + LINE_HEIGHT - (count / 6) * LINE_HEIGHT;
  const counts = [0, ...points.map((point) => countSet(point.state))];
  const xs = [LABEL - CELL / 2, ...points.map((_, index) => x(index))];
  let path = `M ${xs[0]} ${y(0)}`;
  counts.forEach((count, index) => {
    if (index === 0) return;
    path += ` H ${xs[index]} V ${y(count)}`;
  });
  const grid = [0, 3, 6]
    .map((count) => `<line x1="${LABEL - CELL}" x2="${width - PAD}" y1="${y(count)}" y2="${y(count)}" class="grid"/><text x="${LABEL - CELL - 4}" y="${y(count) + 4}" class="axis" text-anchor="end">${count}/6</text>`)
    .join('');
  const markers = points
    .map((point, index) => {
      const cx = x(index);
      const cy = y(countSet(point.state));
      const mark = point.abstained
        ? `<circle cx="${cx}" cy="${cy}" r="4" class="abstain"><title>step ${point.step}: abstained</title></circle>`
        : `<circle cx="${cx}" cy="${cy}" r="3.5" class="act"><title>step ${point.step}: ${countSet(point.state)}/6 stages</title></circle>`;
      const revision = point.revised ? `<line x1="${cx}" x2="${cx}" y1="${PAD}" y2="${PAD + LINE_HEIGHT}" class="revision"><title>step ${point.step}: conjecture revised</title></line>` : '';
      return revision + mark;
    })
    .join('');
  return `${grid}<path d="${path}" class="trajectory"/>${markers}`;
}

function stageGrid(points: readonly TrajectoryPoint[], top: number): string {
  const rows = RecoveryStateFields.map((field, row) => {
    const cy = top + row * CELL;
    const label = `<text x="${LABEL - 6}" y="${cy + CELL / 2 + 4}" class="axis" text-anchor="end">${escapeHtml(field)}</text>`;
    const cells = points
      .map((point, index) => {
        const on = point.state[field];
        return `<rect x="${LABEL + index * CELL + 2}" y="${cy + 2}" width="${CELL - 4}" height="${CELL - 4}" rx="3" class="${on ? 'on' : 'off'}"><title>step ${point.step}: ${escapeHtml(field)} ${on ? 'holds' : 'not yet'}</title></rect>`;
      })
      .join('');
    return label + cells;
  });
  const steps = points
    .map((point, index) => `<text x="${LABEL + index * CELL + CELL / 2}" y="${top + 6 * CELL + 14}" class="axis" text-anchor="middle">${point.step}</text>`)
    .join('');
  return rows.join('') + steps;
}

export function trajectorySvg(points: readonly TrajectoryPoint[]): string {
  const columns = Math.max(points.length, 1);
  const width = LABEL + columns * CELL + PAD * 2;
  const gridTop = PAD * 2 + LINE_HEIGHT;
  const height = gridTop + 6 * CELL + 24;
  return [
    `<svg class="chart" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" role="img" aria-label="recovery-state trajectory">`,
    lineChart(points, width),
    stageGrid(points, gridTop),
    `<text x="${LABEL + (columns * CELL) / 2}" y="${height - 2}" class="axis" text-anchor="middle">step</text>`,
    '</svg>',
  ].join('');
}
