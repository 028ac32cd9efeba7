import { getOperationName, type AnyVariables, type TypedDocumentNode } from '@urql/core';
import { routeSockets } from './msw';

/**
 * The server half of graphql-ws (graphql-transport-ws) behind msw's WebSocket interception, so the
 * screen runs its real client (graphql/client.ts) and the test decides what each stream says and when.
 */
export interface LiveApi {
  /** Subscriptions currently open on acknowledged sockets, by operation name. */
  isSubscribed(operationName: string): boolean;
  /** How many times the client has subscribed to this operation name so far, on any socket (graphql-ws's resubscribes after a reconnect included). */
  subscribes(operationName: string): number;
  /** Variables of every open subscription with this operation name, oldest first. */
  variablesOf(operationName: string): Record<string, unknown>[];
  /** Sends one `next` message to every open subscription of this document. */
  push<Data, Variables extends AnyVariables>(subscription: TypedDocumentNode<Data, Variables>, data: Data): void;
  /** Sends GraphQL errors to every open subscription of this document (the stream then ends). */
  fail<Data, Variables extends AnyVariables>(subscription: TypedDocumentNode<Data, Variables>, message: string): void;
  /**
   * Ends every open subscription of this document as the server does when its live topic keeps failing:
   * a `next` without data carrying the error, then `complete`. The socket stays open.
   */
  endWithError<Data, Variables extends AnyVariables>(subscription: TypedDocumentNode<Data, Variables>, message: string): void;
  /** Closes every socket as a server restart would (1012, so graphql-ws retries). */
  drop(): void;
  /** Closes every socket with 4403, as the server does when a credential expires or is revoked. */
  forbid(): void;
  /** Closes every socket with `code` and `reason`, as the server does at a limit (4429) or on a failure (4500). */
  close(code: number, reason: string): void;
  /** From now on a connection_init whose authorization fails `accepts` is refused with 4403, as the server does. */
  acceptOnly(accepts: (authorization: string | null) => boolean): void;
  /** The authorization of every connection_init so far, oldest first (null: none sent). */
  authorizations(): (string | null)[];
  /** The authorization of each socket still open, oldest first: which credentials the server still streams to. */
  openAuthorizations(): (string | null)[];
  /** From now on sockets are acknowledged with this payload, as the server sends its `{ heartbeatMs }`; none by default, as an older server. */
  acknowledgeWith(payload: Record<string, unknown>): void;
  /** While held, new sockets are opened but never acknowledged: the client stays "reconnecting". */
  hold(): void;
  /** Acknowledges waiting sockets and every later one. */
  accept(): void;
  /** Sockets the client has opened so far, reconnects included. */
  connections(): number;
}

interface OpenSubscription {
  id: string;
  operationName: string;
  variables: Record<string, unknown>;
  send(message: object): void;
}

interface SubscribeMessage {
  type: 'subscribe';
  id: string;
  payload: { query: string; operationName?: string | null; variables?: Record<string, unknown> | null };
}

type ClientMessage =
  | SubscribeMessage
  | { type: 'connection_init'; payload?: { authorization?: string } }
  | { type: 'ping' | 'pong' }
  | { type: 'complete'; id: string };

function operationNameOf(payload: SubscribeMessage['payload']): string {
  return payload.operationName ?? /subscription\s+(\w+)/.exec(payload.query)?.[1] ?? '';
}

function nameOf<Data, Variables extends AnyVariables>(document: TypedDocumentNode<Data, Variables>): string {
  const name = getOperationName(document);
  if (!name) throw new Error('live documents must be named operations');
  return name;
}

/** Takes over the sockets msw intercepts from now until the end of the test (see useMockApi). */
export function createLiveApi(): LiveApi {
  const subscriptions = new Map<string, OpenSubscription>();
  // Each open socket with the authorization of its connection_init (undefined until that arrives).
  const sockets = new Map<{ close(code?: number, reason?: string): void }, string | null | undefined>();
  const waiting: (() => void)[] = [];
  let holding = false;
  let opened = 0;
  const subscribed = new Map<string, number>();
  let accepts: (authorization: string | null) => boolean = () => true;
  let ackPayload: Record<string, unknown> | undefined;
  const authorizations: (string | null)[] = [];

  routeSockets(({ client }) => {
    opened += 1;
    const socketNo = opened;
    sockets.set(client, undefined);
    const mine = new Set<string>();
    const send = (message: object) => client.send(JSON.stringify(message));
    const ack = () => send(ackPayload ? { type: 'connection_ack', payload: ackPayload } : { type: 'connection_ack' });
    client.addEventListener('message', (event) => {
      const message = JSON.parse(String(event.data)) as ClientMessage;
      switch (message.type) {
        case 'connection_init': {
          const authorization = message.payload?.authorization ?? null;
          authorizations.push(authorization);
          sockets.set(client, authorization);
          if (!accepts(authorization)) client.close(4403, 'Forbidden');
          else if (holding) waiting.push(ack);
          else ack();
          break;
        }
        case 'ping':
          send({ type: 'pong' });
          break;
        case 'subscribe': {
          // Keyed by socket and id: graphql-ws reuses ids across sockets after a reconnect.
          const key = `${socketNo}:${message.id}`;
          mine.add(key);
          const operationName = operationNameOf(message.payload);
          subscribed.set(operationName, (subscribed.get(operationName) ?? 0) + 1);
          subscriptions.set(key, {
            id: message.id,
            operationName,
            variables: message.payload.variables ?? {},
            send,
          });
          break;
        }
        case 'complete':
          for (const key of mine) if (subscriptions.get(key)?.id === message.id) subscriptions.delete(key);
          break;
      }
    });
    client.addEventListener('close', () => {
      sockets.delete(client);
      for (const key of mine) subscriptions.delete(key);
    });
  });

  const open = (operationName: string) => [...subscriptions.values()].filter((s) => s.operationName === operationName);

  return {
    isSubscribed: (operationName) => open(operationName).length > 0,
    subscribes: (operationName) => subscribed.get(operationName) ?? 0,
    variablesOf: (operationName) => open(operationName).map((s) => s.variables),
    push(subscription, data) {
      const targets = open(nameOf(subscription));
      if (targets.length === 0) throw new Error(`nothing is subscribed to ${nameOf(subscription)}`);
      for (const s of targets) s.send({ type: 'next', id: s.id, payload: { data } });
    },
    fail(subscription, message) {
      // An `error` message ends the stream on both sides: it is no longer open.
      for (const [key, s] of subscriptions) {
        if (s.operationName !== nameOf(subscription)) continue;
        s.send({ type: 'error', id: s.id, payload: [{ message }] });
        subscriptions.delete(key);
      }
    },
    endWithError(subscription, message) {
      for (const [key, s] of subscriptions) {
        if (s.operationName !== nameOf(subscription)) continue;
        s.send({ type: 'next', id: s.id, payload: { data: null, errors: [{ message }] } });
        s.send({ type: 'complete', id: s.id });
        subscriptions.delete(key);
      }
    },
    drop() {
      for (const socket of [...sockets.keys()]) socket.close(1012, 'service restart');
    },
    forbid() {
      for (const socket of [...sockets.keys()]) socket.close(4403, 'credential expired');
    },
    close(code, reason) {
      for (const socket of [...sockets.keys()]) socket.close(code, reason);
    },
    acceptOnly(check) {
      accepts = check;
    },
    authorizations: () => [...authorizations],
    openAuthorizations: () => [...sockets.values()].filter((a): a is string | null => a !== undefined),
    acknowledgeWith(payload) {
      ackPayload = payload;
    },
    hold() {
      holding = true;
    },
    accept() {
      holding = false;
      for (const ack of waiting.splice(0)) ack();
    },
    connections: () => opened,
  };
}
