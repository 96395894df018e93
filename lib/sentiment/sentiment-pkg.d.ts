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
