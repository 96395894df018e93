/**
 * Chooses the abstain rule's numbers on dev data only: the strictest rule (largest news step,
 * then largest minimum polar probability) whose macro-F1 on every dev set stays within
 * `tolerance` of the plain argmax's. Strictness is what should carry over to news-heavy
 * streams; the dev sets (reviews and opinions) can only say how much it may cost.
 */
import { type AbstainRule, decide } from '../abstain.ts';
import { MODEL_LABELS, type ModelLabel } from '../model.ts';
import { evaluate } from './metrics.ts';

interface Scored {
  p: Float64Array;
  tokens: readonly string[];
  gold: ModelLabel;
}

const MIN_POLAR_GRID = [0, 0.4, 0.45, 0.5, 0.55, 0.6, 0.65, 0.7, 0.75, 0.8];
const NEWS_STEP_GRID = [0, 0.05, 0.1, 0.15, 0.2, 0.25, 0.3];

function macroF1(set: Scored[], rule: AbstainRule): number {
  return evaluate(
    set.map((s) => s.gold),
    set.map((s) => MODEL_LABELS[decide(s.p, s.tokens, rule)] as ModelLabel),
  ).macroF1;
}

function tuneAbstainRule(devSets: Scored[][], tolerance = 0.005): AbstainRule {
  const plain = { minPolar: 0, newsStep: 0 };
  const floor = devSets.map((set) => macroF1(set, plain) - tolerance);
  let chosen: AbstainRule = plain;
  for (const newsStep of NEWS_STEP_GRID) {
    for (const minPolar of MIN_POLAR_GRID) {
      const rule = { minPolar, newsStep };
      if (!devSets.every((set, i) => macroF1(set, rule) >= (floor[i] as number))) continue;
      if (
        newsStep > chosen.newsStep ||
        (newsStep === chosen.newsStep && minPolar > chosen.minPolar)
      ) {
        chosen = rule;
      }
    }
  }
  return chosen;
}

export type { Scored };
export { macroF1, tuneAbstainRule };
