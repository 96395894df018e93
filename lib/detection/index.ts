export type {
  AdvanceResult,
  DetectorEvent,
  DetectorEventType,
  DetectorState,
  WindowCounts,
} from './detector.ts';
export { advance, isState, JAKARTA_PRIOR, nextWindowStart, toWindows } from './detector.ts';
export type { DetectionParams } from './params.ts';
export { DEFAULT_DETECTOR_PARAMS, resolveParams } from './params.ts';
export type { ReplayResult } from './replay.ts';
export { replayWindows } from './replay.ts';
