/**
 * The ledger over HTTP (DESIGN.md 9): an account's own balance (signed),
 * the sealed blocks (public: anyone may check the chain and signatures
 * offline), and the operator's mint (`admin credit`), which is a ledger
 * transaction like any other, so it is its own audit entry: who, when, why.
 */
import { Type } from '@sinclair/typebox';
import { bytesToBase64 } from '../../attest/index.js';
import type { FastifyPluginCallbackTypebox } from '@fastify/type-provider-typebox';
import { AccountError } from '../accounts/registry.js';
import { caller } from '../auth/signed.js';
import { AccountId } from '../accounts/schemas.js';
import { ErrorReply, PageQuery } from '../http/schemas.js';
import { RequestId, applyOnce, ledgerKeyBase } from '../auth/request-ids.js';
import type { RequestParams } from '../auth/request-ids.js';
import type { TransactionInput } from './types.js';

const Balance = Type.Object({
  account: Type.String(),
  balance: Type.String({ description: 'token base units' }),
  token: Type.Object({ symbol: Type.String(), decimals: Type.Integer() }),
});
const CreditBody = Type.Object(
  {
    account: AccountId,
    amount: Type.String({ pattern: '^[1-9][0-9]{0,37}$', description: 'token base units, > 0' }),
    memo: Type.String({ minLength: 1, maxLength: 200, description: 'why (kept in the ledger entry)' }),
    requestId: Type.Optional(RequestId),
  },
  { additionalProperties: false },
);
const Credited = Type.Object({
  account: Type.String(),
  amount: Type.String(),
  seq: Type.Integer(),
  hash: Type.String(),
  balance: Type.String(),
  replayed: Type.Optional(
    Type.Boolean({ description: 'true: a repeat of an applied request (same requestId); nothing moved' }),
  ),
});
const Block = Type.Object({
  height: Type.Integer(),
  firstSeq: Type.Integer(),
  lastSeq: Type.Integer(),
  count: Type.Integer(),
  entriesRoot: Type.String(),
  prevHash: Type.String(),
  time: Type.String(),
  keyId: Type.String(),
  signature: Type.String(),
  hash: Type.String(),
});
const BlocksQuery = Type.Object(
  {
    limit: PageQuery.limit,
    after: Type.Optional(Type.Integer({ minimum: 0, description: 'blocks above this height' })),
  },
  { additionalProperties: false },
);

/** Ledger refusals a request can cause; the other ledger codes are bugs or offline-verify findings. */
export const LEDGER_STATUSES = {
  LEDGER_BAD_AMOUNT: 400,
  LEDGER_INSUFFICIENT_FUNDS: 402,
  LEDGER_KEY_CONFLICT: 409,
  LEDGER_KEY_REUSED: 409,
  LEDGER_STORE_BUSY: 503,
} as const;

export const ledgerRoutes: FastifyPluginCallbackTypebox = (app, _options, done) => {
  const { ledger, accounts, economics, store } = app.gateway;
  const token = { symbol: economics.token.symbol, decimals: economics.token.decimals };
  const publicKey = bytesToBase64(app.gateway.identity.gateway.keyPair.publicKey);

  app.get(
    '/v1/ledger/balance',
    {
      preValidation: app.signed(),
      schema: {
        summary: "The caller's token balance",
        tags: ['ledger'],
        response: { 200: Balance, '4xx': ErrorReply },
      },
    },
    (request) => {
      const { id } = caller(request);
      return { account: id, balance: ledger.balance(`user:${id}`).toString(), token };
    },
  );

  app.get(
    '/v1/ledger/blocks',
    {
      schema: {
        summary: 'Sealed ledger blocks, oldest first (check them offline with the gateway public key)',
        tags: ['ledger'],
        querystring: BlocksQuery,
        response: {
          200: Type.Object({ blocks: Type.Array(Block), publicKey: Type.String() }),
          '4xx': ErrorReply,
        },
      },
    },
    async (request) => {
      const limit = request.query.limit ?? 50;
      const after = request.query.after ?? 0;
      const blocks = [];
      for await (const block of ledger.blocks()) {
        if (block.height <= after) continue;
        blocks.push(block);
        if (blocks.length >= limit) break;
      }
      return { blocks, publicKey };
    },
  );

  app.post(
    '/v1/admin/credit',
    {
      preValidation: app.signed(['operator']),
      schema: {
        summary: 'Mint tokens to an account (operator); the ledger entry is the audit record',
        tags: ['admin'],
        body: CreditBody,
        response: { 201: Credited, '4xx': ErrorReply },
      },
    },
    async (request, reply) => {
      const operator = caller(request);
      const { account, amount, memo, requestId } = request.body;
      const params: RequestParams = { route: 'credit', subject: account, amount, memo };
      const value = BigInt(amount);
      // One credit per signed request (the nonce), or per request id when the client names one, so
      // a retry after a lost reply credits once; the record is written in the ledger's batch.
      const key = `credit:${ledgerKeyBase(operator.id, request.signedBy?.nonce ?? '', requestId)}`;
      const applied = await applyOnce(
        store,
        ledger,
        { caller: operator.id, requestId, params, now: app.gateway.now },
        async () => {
          if (!(await accounts.find(account)))
            throw new AccountError('ACCOUNT_NOT_FOUND', `no account ${account}`);
          const txs: TransactionInput[] = [
            {
              key,
              kind: 'mint',
              postings: [
                { account: 'mint', amount: -value },
                { account: `user:${account}`, amount: value },
              ],
              memo,
              ref: account,
              meta: { operator: operator.id },
            },
          ];
          return { txs };
        },
      );
      const { replayed } = applied;
      const entry = applied.replayed
        ? await ledger.entryByKey(applied.prior.keys[0] ?? '')
        : applied.entries[0];
      if (!entry) throw new TypeError(`request ${requestId ?? ''}: its recorded ledger entry is missing`);
      return reply.code(201).send({
        account,
        amount,
        seq: entry.seq,
        hash: entry.hash,
        balance: ledger.balance(`user:${account}`).toString(),
        ...(replayed ? { replayed } : {}),
      });
    },
  );
  done();
};
