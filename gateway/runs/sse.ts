/**
 * `GET /v1/runs/:id/events`: a run's states and metrics as server-sent events
 * (HTML Living Standard, "Server-sent events"), for its buyer only. A fresh
 * follower first gets the current state (its `id:` is the run's last event
 * seq), then every event as it is stored; one that reconnects with
 * `Last-Event-ID: n` gets every stored event after n, then the live ones.
 * The stream ends after a final state. Subscribing before reading the store
 * means no event falls between the replay and the live feed; events at or
 * below the last id sent are skipped, so none is sent twice. With `?live=false`
 * the stream ends once the replay is sent: the history so far, with a
 * definite end, for a client that does not follow.
 */
import type { ServerResponse } from 'node:http';
import { Type } from '@sinclair/typebox';
import type { FastifyPluginCallbackTypebox } from '@fastify/type-provider-typebox';
import { caller } from '../auth/signed.js';
import type { RunEventRecord, RunStateEvent } from './events.js';
import { isFinal } from './machine.js';
import { runForBuyer } from './routes.js';
import { ErrorReply, RunEventSchema, RunIdParams } from './schemas.js';

/** How often an idle stream gets a comment line, so proxies keep it open. */
const KEEPALIVE_MS = 15_000;

// One event in the SSE wire format: id, event type, one data line of JSON.
function frame(event: RunEventRecord): string {
  return `id: ${event.seq}\nevent: ${event.type}\ndata: ${JSON.stringify(event)}\n\n`;
}

/** The Last-Event-ID a client resumes from, or undefined for a fresh follower. */
export function lastEventId(header: string | string[] | undefined): number | undefined {
  const value = Array.isArray(header) ? header[0] : header;
  if (value === undefined || !/^[0-9]{1,10}$/.test(value.trim())) return undefined;
  return Number(value.trim());
}

export const runEventRoutes: FastifyPluginCallbackTypebox = (app, _options, done) => {
  const { runs, store } = app.gateway;
  const open = new Set<ServerResponse>();
  // end the streams first, or closing would wait for them forever
  app.addHook('preClose', (hookDone) => {
    for (const res of open) res.end();
    hookDone();
  });

  app.get(
    '/v1/runs/:id/events',
    {
      preValidation: app.signed(),
      schema: {
        summary: "A run's states and metrics as server-sent events (its buyer); resumes from Last-Event-ID",
        tags: ['runs'],
        security: [{ httpSignature: [] }],
        params: RunIdParams,
        querystring: Type.Object(
          {
            live: Type.Optional(
              Type.Boolean({ default: true, description: 'false: end the stream once the replay is sent' }),
            ),
          },
          { additionalProperties: false },
        ),
        headers: Type.Object({ 'last-event-id': Type.Optional(Type.String({ maxLength: 32 })) }),
        response: {
          200: {
            description: 'text/event-stream; each `data:` line is one of these',
            content: { 'text/event-stream': { schema: RunEventSchema } },
          },
          '4xx': ErrorReply,
        },
      },
    },
    async (request, reply) => {
      const id = request.params.id;
      await runForBuyer(runs, id, caller(request));
      const resumeFrom = lastEventId(request.headers['last-event-id']);

      let sent = resumeFrom ?? 0;
      let live = false;
      let ended = false;
      const pending: RunEventRecord[] = [];
      const res = reply.raw;
      const send = (event: RunEventRecord): void => {
        if (ended || event.seq <= sent) return;
        res.write(frame(event));
        sent = event.seq;
        if (event.type === 'state' && isFinal(event.state)) finish();
      };
      const unsubscribe = runs.events.subscribe(id, (event: RunEventRecord) =>
        live ? send(event) : pending.push(event),
      );
      const keepalive = setInterval(() => res.write(': keepalive\n\n'), KEEPALIVE_MS);
      keepalive.unref();
      const finish = (): void => {
        if (ended) return;
        ended = true;
        unsubscribe();
        clearInterval(keepalive);
        open.delete(res);
        res.end();
      };
      request.raw.once('close', finish);
      res.once('close', finish);

      reply.hijack();
      open.add(res);
      res.writeHead(200, {
        'content-type': 'text/event-stream; charset=utf-8',
        'cache-control': 'no-cache, no-transform',
        connection: 'keep-alive',
        'x-accel-buffering': 'no',
      });
      try {
        if (resumeFrom === undefined) {
          // the current state and the seq it stands at, read together
          const snapshot = await store.exclusive(async () => ({
            run: await runs.get(id),
            seq: await runs.events.lastSeq(id),
          }));
          sent = snapshot.seq - 1;
          const current: RunStateEvent = {
            seq: snapshot.seq,
            type: 'state',
            state: snapshot.run.state,
            at: snapshot.run.updatedAt,
            ...(snapshot.run.reason ? { reason: snapshot.run.reason } : {}),
          };
          send(current);
        } else {
          for (const event of await runs.history(id, resumeFrom)) send(event);
        }
        live = true;
        for (const event of pending.splice(0)) send(event);
        if (request.query.live === false) finish();
      } catch (err) {
        request.log.warn({ err }, 'run event stream failed');
        finish();
      }
    },
  );
  done();
};
