/** Public surface of Pantau's sentiment: language tags, language ID, analyzers and routing. */
export type { ComprehendClient } from '@aws-sdk/client-comprehend';
export { BUILTIN_MODEL_VERSION, createBuiltinAnalyzer } from './builtin.ts';
export { comprehendAvailableIn, truncateUtf8 } from './comprehend.ts';
export { detectLanguage, normalizeLang } from './language.ts';
export { createSentimentAnalyzer, engineFor, type SentimentEngineConfig } from './router.ts';
