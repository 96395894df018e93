/**
 * The API's JSON shapes as the dashboard reads them. Domain types come from lib/domain (type-only
 * imports, erased from the bundle) so a contract change breaks the dashboard's type check.
 */
import type {
  Alert,
  AlertLevel,
  AlertStatus,
  BucketCounts,
  BucketWidth,
  CorrectionOrigin,
  DetectorParams,
  Issue,
  Mention,
  SentimentLabel,
  SourceHealth,
  SourceName,
  SourceStatus,
  SourceStatusView,
  Subscriber as StoredSubscriber,
} from '../../lib/domain/types.ts';

/** A subscriber as the API shows it: no SNS ARN, and whether an email awaits confirmation. */
type Subscriber = Omit<StoredSubscriber, 'subscriptionArn'> & {
  confirmation: 'not-needed' | 'pending' | 'confirmed';
};

interface Stats {
  issueId: string;
  interval: BucketWidth;
  from: string;
  to: string;
  series: (BucketCounts & { start: string })[];
  totals: BucketCounts;
  /** Present with breakdown=true; older APIs omit it, and the page then leaves its panels out. */
  breakdown?: {
    sampled: number;
    complete: boolean;
    bySource: { source: string; count: number; share: number }[];
    topAuthors: { author: string; count: number }[];
    topHashtags: { hashtag: string; count: number }[];
  };
}

type ReviewMode = 'sample' | 'uncertain';

/** GET /v1/issues/{id}/review: model-scored mentions still waiting for an official's label. */
interface ReviewQueue {
  mode: ReviewMode;
  from: string;
  to: string;
  examined: number;
  /** Eligible mentions the window still holds, the returned ones included. */
  remaining: number;
  items: Mention[];
}

/** GET /v1/issues/{id}/sentiment-quality: the model measured against officials' labels. */
interface SentimentQuality {
  issueId: string;
  from: string;
  to: string;
  sample: {
    n: number;
    accuracy: number | null;
    macroF1: number | null;
    perClass: {
      label: SentimentLabel;
      precision: number;
      recall: number;
      f1: number;
      support: number;
    }[];
    confusion: { labels: SentimentLabel[]; rows: number[][] };
  };
  uncertain: { n: number; agreement: number | null };
  manual: { n: number; agreement: number | null };
  models: Record<string, number>;
}

interface Page<T> {
  items: T[];
  nextCursor?: string;
}

/** What /config.json tells the app: where the API is and how officials sign in. */
interface DashboardConfig {
  /** Base URL of the API without a trailing slash; '' means the same origin. */
  apiUrl: string;
  auth:
    | { mode: 'token' }
    | {
        mode: 'cognito';
        /** Hosted UI base, e.g. https://pantau-prod.auth.ap-southeast-3.amazoncognito.com */
        domain: string;
        clientId: string;
        redirectUri: string;
        scopes: string[];
      };
  /** Seconds between refreshes while an alert is open. */
  refreshSeconds?: number;
  stage?: string;
}

export type {
  Alert,
  AlertLevel,
  AlertStatus,
  BucketCounts,
  BucketWidth,
  CorrectionOrigin,
  DashboardConfig,
  DetectorParams,
  Issue,
  Mention,
  Page,
  ReviewMode,
  ReviewQueue,
  SentimentLabel,
  SentimentQuality,
  SourceHealth,
  SourceName,
  SourceStatus,
  SourceStatusView,
  Stats,
  Subscriber,
};
