// The npm `sentiment` package ships no types; only what lexicon-en.ts uses is declared.
declare module 'sentiment' {
  interface AnalysisResult {
    score: number;
    comparative: number;
    positive: string[];
    negative: string[];
  }
  class Sentiment {
    analyze(phrase: string): AnalysisResult;
  }
  export = Sentiment;
}

// The English language module: AFINN-165 labels and the one-word negation strategy.
declare module 'sentiment/languages/en/index.js' {
  const english: {
    labels: Record<string, number>;
    scoringStrategy: { apply(tokens: string[], cursor: number, tokenScore: number): number };
  };
  export = english;
}
