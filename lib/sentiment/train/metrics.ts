/** Accuracy, per-class precision/recall/F1, macro-F1 and a confusion matrix for 3-class labels. */
import { MODEL_LABELS, type ModelLabel } from '../model.ts';

interface ClassMetrics {
  label: ModelLabel;
  precision: number;
  recall: number;
  f1: number;
  support: number;
}

interface EvalReport {
  n: number;
  accuracy: number;
  macroF1: number;
  /** Macro-F1 over the classes that occur in the gold labels (for binary sets such as IndoLEM). */
  macroF1Present: number;
  perClass: ClassMetrics[];
  /** confusion[gold][predicted], MODEL_LABELS order. */
  confusion: number[][];
}

function evaluate(gold: ModelLabel[], predicted: ModelLabel[]): EvalReport {
  const k = MODEL_LABELS.length;
  const confusion = Array.from({ length: k }, () => new Array<number>(k).fill(0));
  let correct = 0;
  gold.forEach((g, i) => {
    const p = predicted[i] as ModelLabel;
    const row = confusion[MODEL_LABELS.indexOf(g)] as number[];
    const col = MODEL_LABELS.indexOf(p);
    row[col] = (row[col] as number) + 1;
    if (g === p) correct++;
  });
  const perClass = MODEL_LABELS.map((label, c) => {
    const tp = confusion[c]?.[c] ?? 0;
    const support = (confusion[c] as number[]).reduce((a, b) => a + b, 0);
    const predictedCount = confusion.reduce((a, row) => a + (row[c] as number), 0);
    const precision = predictedCount === 0 ? 0 : tp / predictedCount;
    const recall = support === 0 ? 0 : tp / support;
    const f1 = precision + recall === 0 ? 0 : (2 * precision * recall) / (precision + recall);
    return { label, precision, recall, f1, support };
  });
  const present = perClass.filter((c) => c.support > 0);
  return {
    n: gold.length,
    accuracy: gold.length === 0 ? 0 : correct / gold.length,
    macroF1: perClass.reduce((a, c) => a + c.f1, 0) / k,
    macroF1Present:
      present.length === 0 ? 0 : present.reduce((a, c) => a + c.f1, 0) / present.length,
    perClass,
    confusion,
  };
}

function formatReport(title: string, r: EvalReport): string {
  const pct = (x: number) => x.toFixed(4);
  const lines = [
    `## ${title} (n=${r.n})`,
    `accuracy ${pct(r.accuracy)}  macro-F1 ${pct(r.macroF1)}${
      r.perClass.some((c) => c.support === 0)
        ? `  macro-F1 over present classes ${pct(r.macroF1Present)}`
        : ''
    }`,
    'class      precision  recall  f1      support',
    ...r.perClass.map(
      (c) =>
        `${c.label.padEnd(10)} ${pct(c.precision).padEnd(10)} ${pct(c.recall).padEnd(7)} ${pct(c.f1).padEnd(7)} ${c.support}`,
    ),
    `confusion (rows gold, columns predicted: ${MODEL_LABELS.map((l) => l.slice(0, 3)).join(' ')})`,
    ...r.confusion.map(
      (row, i) =>
        `  ${(MODEL_LABELS[i] as string).slice(0, 3)} ${row.map((v) => String(v).padStart(6)).join('')}`,
    ),
  ];
  return lines.join('\n');
}

export type { ClassMetrics, EvalReport };
export { evaluate, formatReport };
