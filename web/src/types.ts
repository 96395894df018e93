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
  DetectorParams,
  Issue,
  Mention,
  SentimentLabel,
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
  DashboardConfig,
  DetectorParams,
  Issue,
  Mention,
  Page,
  SentimentLabel,
  Stats,
  Subscriber,
};
