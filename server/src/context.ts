import type { Logger } from 'pino';
import type { AccessTokenSigner } from './auth/access-token.js';
import type { Viewer } from './auth/viewer.js';
import type { Db } from './db/client.js';
import type { AnnounceAlerts, RecheckAlerts } from './modules/alert/alert.service.js';
import type { RetentionSettings } from './modules/history/history.retention.js';
import type { WebhookSender } from './modules/webhook/webhook.sender.js';
import type { AnnounceRevoked } from './modules/user/user.service.js';
import type { AnnounceCounted, AppPubSub } from './realtime/pubsub.js';
import type { Ticker } from './realtime/ticker.js';

/** Everything a resolver may use. Built once per request (or per WebSocket operation). */
export interface Context {
  db: Db;
  /** Where `metrics` and live topics read: the streaming replica (DATABASE_READ_URL), else `db`. */
  readDb: Db;
  viewer: Viewer;
  logger: Logger;
  /** Injected clock, so "overdue" and campaign status are testable. */
  now: () => Date;
  /** Shared live topics: subscriptions register here instead of querying on their own. */
  ticker: Ticker;
  pubsub: AppPubSub;
  /** Signs staff access tokens (sign-in, refresh). */
  signer: AccessTokenSigner;
  /** Tells every instance's subscribers and the webhook dispatcher of committed alert changes. */
  announceAlerts: AnnounceAlerts;
  /** Tells every instance that events or spend were counted (services call it after their commit). */
  announceCounted: AnnounceCounted;
  /** Tells every instance that sessions, users or keys were revoked. */
  announceRevoked: AnnounceRevoked;
  /** The caller's address, for sessions and the audit trail. */
  sourceAddress: string | null;
  /** Sends committed webhook deliveries now instead of at the dispatcher's next poll. */
  wakeWebhooks?: () => void;
  /** Sends a webhook's test message (testWebhook) with the dispatcher's URL policy and timeout. */
  webhookSender: WebhookSender;
  /** Webhook URLs may point at private and loopback addresses (WEBHOOK_ALLOW_PRIVATE_URLS; tests). */
  webhookAllowPrivateUrls: boolean;
  /** How long history is kept (RETENTION_*): ingestion refuses events older than the events retention. */
  retention: RetentionSettings;
  /**
   * Re-evaluates the alert rules soon (a threshold, stock or milestone changed), and recomputes this
   * instance's live topics on the next tick (the fulfilment tile follows a rule's threshold); services
   * call it after their write.
   */
  evaluateAlertsSoon: RecheckAlerts;
}
