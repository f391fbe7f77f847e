// The relay's topics, shared by the terminal (src/relay/) and the gateway (src/relay-gateway/).
// Only TIDs and gateway names appear in them: never a token, an amount or card data (docs/relay.md).

export const TOPIC_ROOT = 'eposd/v1';

/** Where a terminal takes its requests from (gateway → terminal). */
export const requestTopic = (tid: string) => `${TOPIC_ROOT}/terminals/${tid}/requests`;

/** A terminal's retained presence: online, or the broker's last will for it (offline). */
export const presenceTopic = (tid: string) => `${TOPIC_ROOT}/terminals/${tid}/presence`;

/** A terminal's retained heartbeat, {lastSeen}: the will replaces the presence, never this. */
export const seenTopic = (tid: string) => `${TOPIC_ROOT}/terminals/${tid}/seen`;

export const PRESENCE_FILTER = `${TOPIC_ROOT}/terminals/+/presence`;
export const SEEN_FILTER = `${TOPIC_ROOT}/terminals/+/seen`;

/** One gateway instance's responses, one topic a terminal: the broker's ACL lets a terminal write only its own. */
export const responseTopic = (user: string, instance: string, tid: string) => `${TOPIC_ROOT}/gateways/${user}/${instance}/responses/${tid}`;
export const responseFilter = (user: string, instance: string) => `${TOPIC_ROOT}/gateways/${user}/${instance}/responses/+`;

/** The TID a topic of the relay names: the segment after `terminals/` or the last one of a response topic. */
export function tidOfTopic(topic: string): string | undefined {
  const parts = topic.split('/');
  const tid = parts[2] === 'terminals' ? parts[3] : parts[2] === 'gateways' ? parts[6] : undefined;
  return tid !== undefined && TID.test(tid) ? tid : undefined;
}

/** A TID as eposd has them (8 digits): never a topic wildcard or separator. */
export const TID = /^\d{8}$/;
