import { DeliverPolicy, jetstream, jetstreamManager, type JetStreamClient, type JetStreamManager, type OrderedConsumerOptions } from '@nats-io/jetstream';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { randomUUID } from 'node:crypto';
import { isoTimes, readBatch, type PredictionBatch } from '../../ports/event-log-batch.js';
import { invalidCursor, matchesQuery, queryLimit, type EventLog, type EventPage, type EventQuery, type PredictionRecord } from '../../ports/event-log.js';

export interface NatsEventLogOptions {
  /** @example "nats://127.0.0.1:4222" */
  readonly url: string;
  /** The JetStream stream, created when missing. @default "MLP_PREDICTIONS" */
  readonly stream?: string;
  /** Records go to `<subjectPrefix>.<service or model>`; the stream takes `<subjectPrefix>.>`. @default "mlp.predictions" */
  readonly subjectPrefix?: string;
  /** Most records the stream keeps when this adapter creates it (older ones are discarded). @default 1000000 */
  readonly maxMessages?: number;
  /** A publish not acknowledged this fast fails (the logger retries the batch later). @default 2000 */
  readonly timeoutMs?: number;
}

interface Connected {
  readonly nc: NatsConnection;
  readonly js: JetStreamClient;
  readonly jsm: JetStreamManager;
}

/**
 * The EventLog port on a NATS JetStream stream: each record is one message on
 * `<subjectPrefix>.<service or model>`, published with the record id as its
 * message id, so a batch retried within the stream's duplicate window (2 min by
 * default) is not stored twice. A query reads the stream with an ordered
 * consumer from `since` (or the cursor) and filters here — a service filter
 * narrows the subjects read, every other filter reads the whole window — so it
 * suits recent windows and debugging; for analytics, consume the stream into a
 * warehouse (docs/prediction-log.md).
 */
export class NatsEventLog implements EventLog {
  readonly #url: string;
  readonly #stream: string;
  readonly #prefix: string;
  readonly #maxMessages: number;
  readonly #timeoutMs: number;
  #connected: Promise<Connected> | undefined;

  constructor(options: NatsEventLogOptions) {
    this.#url = options.url;
    this.#stream = options.stream ?? 'MLP_PREDICTIONS';
    this.#prefix = options.subjectPrefix ?? 'mlp.predictions';
    this.#maxMessages = options.maxMessages ?? 1_000_000;
    this.#timeoutMs = options.timeoutMs ?? 2000;
  }

  /** The subject a record is published on. */
  subjectOf(record: { readonly service?: string | undefined; readonly model: string }): string {
    return `${this.#prefix}.${subjectToken(record.service ?? record.model)}`;
  }

  async append(records: readonly PredictionRecord[]): Promise<void> {
    if (records.length === 0) return;
    const { js } = await this.#connect();
    await Promise.all(withoutStacks(() => records.map((r) => js.publish(this.subjectOf(r), JSON.stringify(r), { msgID: r.id, timeout: this.#timeoutMs }))));
  }

  /** The logger's batches: each line's record JSON is published as it is assembled, never parsed. */
  async appendBatch(batch: PredictionBatch): Promise<void> {
    if (batch.count === 0) return;
    const { js } = await this.#connect();
    const iso = isoTimes();
    const published: Promise<unknown>[] = [];
    withoutStacks(() =>
      readBatch(batch, (l) => {
        const id = randomUUID();
        published.push(js.publish(this.subjectOf({ service: l.service, model: l.model }), l.recordJson(id, iso(l.at)), { msgID: id, timeout: this.#timeoutMs }));
      }),
    );
    await Promise.all(published);
  }

  async query(query: EventQuery): Promise<EventPage> {
    const { js } = await this.#connect();
    const limit = queryLimit(query);
    const options: Partial<OrderedConsumerOptions> = {
      ...(query.service !== undefined ? { filter_subjects: this.subjectOf({ service: query.service, model: '' }) } : {}),
      ...(query.after !== undefined
        ? { deliver_policy: DeliverPolicy.StartSequence, opt_start_seq: checkedSeq(query.after) + 1 }
        : query.since !== undefined
          ? { deliver_policy: DeliverPolicy.StartTime, opt_start_time: query.since.toISOString() }
          : { deliver_policy: DeliverPolicy.All }),
    };
    const consumer = await js.consumers.get(this.#stream, options);
    const records: PredictionRecord[] = [];
    try {
      // Read up to what is there now: a consumer would otherwise wait for new messages.
      if ((await consumer.info()).num_pending === 0) return { records };
      const messages = await consumer.consume({ max_messages: 500, expires: 5000 });
      let lastSeq = 0;
      for await (const m of messages) {
        const record = parseRecord(m.string());
        if (record && matchesQuery(record, query)) {
          if (records.length === limit) {
            void messages.close(); // awaiting it inside the loop would wait for the loop itself
            return { records, next: String(lastSeq) };
          }
          records.push(record);
          lastSeq = m.seq;
        }
        if (m.info.pending === 0) {
          void messages.close();
          break;
        }
      }
      return { records };
    } finally {
      await consumer.delete().catch(() => undefined);
    }
  }

  async close(): Promise<void> {
    const connected = this.#connected;
    this.#connected = undefined;
    const c = await connected?.catch(() => undefined);
    await c?.nc.drain().catch(() => undefined);
  }

  /** Deletes the stream and everything in it (test clean-up). */
  async deleteStream(): Promise<void> {
    const { jsm } = await this.#connect();
    await jsm.streams.delete(this.#stream);
  }

  /** Connects on first use and after a failed attempt; once connected, the client reconnects by itself. */
  #connect(): Promise<Connected> {
    const attempt = (this.#connected ??= this.#open());
    attempt.catch(() => {
      if (this.#connected === attempt) this.#connected = undefined;
    });
    return attempt;
  }

  async #open(): Promise<Connected> {
    const nc = await connect({ servers: this.#url, timeout: this.#timeoutMs, maxReconnectAttempts: -1, reconnectTimeWait: 1000 });
    try {
      const jsm = await jetstreamManager(nc, { timeout: this.#timeoutMs });
      await jsm.streams.info(this.#stream).catch(async (err: unknown) => {
        if (!isStreamNotFound(err)) throw err;
        await jsm.streams.add({ name: this.#stream, subjects: [`${this.#prefix}.>`], max_msgs: this.#maxMessages });
      });
      return { nc, jsm, js: jetstream(nc, { timeout: this.#timeoutMs }) };
    } catch (err) {
      await nc.close().catch(() => undefined);
      throw err;
    }
  }
}

/**
 * Runs `publishing` (synchronous) with stack traces off. The client makes two
 * Errors for every publish up front (to report a timeout with the caller's
 * stack), and capturing their stacks cost more than the rest of the publish
 * (a third of the serving thread's time per record, measured). Restored before
 * anything else runs: nothing else can throw meanwhile.
 */
function withoutStacks<T>(publishing: () => T): T {
  const limit = Error.stackTraceLimit;
  Error.stackTraceLimit = 0;
  try {
    return publishing();
  } finally {
    Error.stackTraceLimit = limit;
  }
}

/** Subject tokens cannot hold ".", "*", ">" or spaces, which model names may (dots). */
function subjectToken(name: string): string {
  return name.replace(/[^A-Za-z0-9_-]/g, '_') || '_';
}

function checkedSeq(cursor: string): number {
  if (!/^\d{1,15}$/.test(cursor)) throw invalidCursor(cursor);
  return Number(cursor);
}

function isStreamNotFound(err: unknown): boolean {
  return err instanceof Error && /stream not found/i.test(err.message);
}

function parseRecord(json: string): PredictionRecord | undefined {
  try {
    return JSON.parse(json) as PredictionRecord;
  } catch {
    return undefined; // a message someone else published on our subjects
  }
}
