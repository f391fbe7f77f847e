import type { Config } from '../config/config';
import type { Clock } from '../shared/clock';
import type { Logger } from '../shared/logger';
import type { PaymentEngine } from '../transactions/engine';
import type { DeliveriesRepository } from './deliveries.repository';
import { WebhookDispatcher } from './dispatcher';
import { Notices } from './notices';
import { checkedPost, type Post } from './post';
import { systemResolve, type Resolve, type TargetPolicy } from './target';

/** Where webhooks may go: nowhere on this machine's own ports (the bridge's included), nor loopback unless allowed (target.ts). */
export function webhookTargets(config: Config, own: { ports: () => { api: number; screen: number }; addresses: () => string[]; resolve?: Resolve }): TargetPolicy {
  const bridgePorts = config.bridgePort !== undefined ? [config.bridgePort] : [];
  return {
    own: () => ({ ports: [...Object.values(own.ports()), ...bridgePorts], addresses: own.addresses() }),
    loopbackAllowed: config.webhookLoopback,
    resolve: own.resolve ?? systemResolve,
  };
}

/** The dispatcher that sends the outbox, woken by the engine's commits, and the notices of no transaction. */
export function wireWebhooks(d: {
  outbox: DeliveriesRepository;
  targets: TargetPolicy;
  /** Instead of post.ts's checkedPost (tests). */
  post?: Post;
  bodyFor: (uti: string, event: string | null) => unknown;
  engine: PaymentEngine;
  clock: Clock;
  logger: Logger;
}) {
  const { outbox, clock, logger } = d;
  const dispatcher = new WebhookDispatcher({ deliveries: outbox, clock, logger, post: d.post ?? checkedPost(d.targets), bodyFor: d.bodyFor });
  // A transition's commit may have queued a webhook (transaction.final, or transaction.updated for the
  // registers that chose it); most queue nothing, and then the outbox is not even looked at.
  d.engine.on('transition', () => outbox.takeQueued() && dispatcher.kick());
  const notices = new Notices({ outbox, kick: () => dispatcher.kick(), clock, logger });
  return { dispatcher, notices };
}
