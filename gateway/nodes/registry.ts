/**
 * The node registry (DESIGN.md 6.3, docs/node-protocol.md sections 1-2):
 * enrollment tokens for miners, enrollment (the token checked, the CSR
 * verified and a certificate issued by attest/pki, the NodeRecord and the
 * token's `usedBy` written in ONE batch), heartbeats and revocation. The node
 * CA is loaded on first use, so a gateway no node ever talks to never makes one.
 */
import type { RevocationReason } from '../../attest/index.js';
import { bytesToBase64, issueNodeCertificate } from '../../attest/index.js';
import type { AccountRegistry } from '../accounts/registry.js';
import type { NormalizedOptions } from '../options.js';
import type { Store } from '../store/index.js';
import { put } from '../store/index.js';
import { NodeError } from './errors.js';
import type { NodePki } from './pki.js';
import { loadNodePki } from './pki.js';
import type { EnrollTokenRecord, NodeCapacity, NodeRecord } from './records.js';
import { ENROLL_TOKENS_SUBLEVEL, NODES_SUBLEVEL } from './records.js';
import { TOKEN_TTL, caPin, makeToken, parseToken, storeToken, usableToken } from './tokens.js';

/** How long a node certificate is valid, days (a node re-enrolls with a new token after). */
const NODE_CERT_DAYS = 365;

/** What a heartbeat reports (docs/node-protocol.md section 2). */
export interface Heartbeat {
  readonly runtimeVersion: string;
  readonly capacity: NodeCapacity;
  readonly runs: readonly string[];
}

/** What enrollment hands the node. */
export interface Enrolled {
  readonly nodeId: string;
  readonly certificate: string;
  readonly caCertificate: string;
}

export class NodeRegistry {
  readonly #store: Store;
  readonly #accounts: AccountRegistry;
  readonly #options: NormalizedOptions;
  #pki: Promise<NodePki> | undefined;

  constructor(store: Store, accounts: AccountRegistry, options: NormalizedOptions) {
    this.#store = store;
    this.#accounts = accounts;
    this.#options = options;
  }

  /** The node CA, its listener certificate and revocations, made on first use in `DATA/ca`. */
  pki(): Promise<NodePki> {
    this.#pki ??= loadNodePki(this.#options.dataDir, {
      now: this.#options.now(),
      caBits: this.#options.nodeCaBits,
      dnsNames: this.#options.nodeDnsNames,
      ipAddresses: this.#options.nodeIpAddresses,
    });
    return this.#pki;
  }

  /**
   * A one-time enrollment token for `miner` (an account with the miner role:
   * ENROLL_MINER_NOT_FOUND, ENROLL_NOT_MINER), valid `ttlSeconds`.
   */
  async createToken(
    miner: string,
    ttlSeconds: number = TOKEN_TTL.default,
  ): Promise<{ token: string; expiresAt: string }> {
    const account = await this.#accounts.find(miner);
    if (!account) throw new NodeError('ENROLL_MINER_NOT_FOUND', `no account ${miner}`);
    if (!account.roles.includes('miner')) throw new NodeError('ENROLL_NOT_MINER', `${miner} is not a miner`);
    const pin = caPin((await this.pki()).ca.certPem);
    const { token, record } = makeToken(miner, ttlSeconds, pin, this.#options.now());
    await storeToken(this.#store, record);
    return { token, expiresAt: record.expiresAt };
  }

  /**
   * Enroll a node: the token first (ENROLL_TOKEN_UNKNOWN, _USED, _EXPIRED),
   * then the CSR (the PKI's codes), then one batch with the node and the
   * token's `usedBy`. A node id already enrolled is ENROLL_NODE_EXISTS.
   */
  async enroll(tokenText: string, csrPem: string): Promise<Enrolled> {
    const parsed = parseToken(tokenText);
    const pki = await this.pki();
    return this.#store.exclusive(async () => {
      const now = this.#options.now();
      const token: EnrollTokenRecord = await usableToken(this.#store, parsed, now);
      const nodes = this.#store.sublevel(NODES_SUBLEVEL);
      const issued = await issueNodeCertificate(csrPem, {
        ca: pki.ca,
        now,
        validityDays: NODE_CERT_DAYS,
        enrollment: async ({ nodeId }) => {
          if (await this.#store.get(nodes, nodeId)) {
            throw new NodeError('ENROLL_NODE_EXISTS', `${nodeId} is already enrolled; make a new node key`);
          }
          return true;
        },
      });
      const record: NodeRecord = {
        id: issued.nodeId,
        miner: token.miner,
        publicKey: bytesToBase64(issued.nodePublicKey),
        serial: issued.serial,
        enrolledAt: now.toISOString(),
        running: [],
        faults: [],
      };
      await this.#store.write([
        put(nodes, record.id, record),
        put(this.#store.sublevel(ENROLL_TOKENS_SUBLEVEL), token.id, { ...token, usedBy: record.id }),
      ]);
      return { nodeId: record.id, certificate: issued.certPem, caCertificate: pki.ca.certPem };
    });
  }

  /** The node `id`, or NODE_NOT_FOUND. */
  async get(id: string): Promise<NodeRecord> {
    const node = await this.#store.get<NodeRecord>(this.#store.sublevel(NODES_SUBLEVEL), id);
    if (!node) throw new NodeError('NODE_NOT_FOUND', `no node ${id}`);
    return node;
  }

  /** The node on the other end of a verified certificate: enrolled here and not revoked, else NODE_UNKNOWN. */
  async caller(id: string): Promise<NodeRecord> {
    const node = await this.#store.get<NodeRecord>(this.#store.sublevel(NODES_SUBLEVEL), id);
    if (!node || node.revoked !== undefined) throw new NodeError('NODE_UNKNOWN', 'this node is not enrolled');
    return node;
  }

  /** Every node, in id order (at most `limit`, after `cursor`). */
  async list(limit: number, cursor?: string): Promise<{ items: NodeRecord[]; next: string | null }> {
    const sub = this.#store.sublevel(NODES_SUBLEVEL);
    const items = (await sub
      .values({ ...(cursor ? { gt: cursor } : {}), limit: limit + 1 })
      .all()) as NodeRecord[];
    const more = items.length > limit;
    const page = items.slice(0, limit);
    return { items: page, next: more ? page[page.length - 1].id : null };
  }

  /** Record a heartbeat of node `id`. */
  async heartbeat(id: string, beat: Heartbeat): Promise<NodeRecord> {
    return this.#store.exclusive(async () => {
      const node = await this.caller(id);
      const next: NodeRecord = {
        ...node,
        lastHeartbeat: this.#options.now().toISOString(),
        runtimeVersion: beat.runtimeVersion,
        capacity: beat.capacity,
        running: [...beat.runs],
      };
      await this.#store.write([put(this.#store.sublevel(NODES_SUBLEVEL), id, next)]);
      return next;
    });
  }

  /** Revoke node `id`: its serial joins the revocation list and the record is marked (repeat: unchanged). */
  async revoke(id: string, reason: RevocationReason = 'unspecified'): Promise<NodeRecord> {
    const pki = await this.pki();
    return this.#store.exclusive(async () => {
      const node = await this.get(id);
      const now = this.#options.now();
      await pki.revoke(node.serial, reason, now);
      if (node.revoked !== undefined) return node;
      const next: NodeRecord = { ...node, revoked: now.toISOString() };
      await this.#store.write([put(this.#store.sublevel(NODES_SUBLEVEL), id, next)]);
      return next;
    });
  }

  /** True while node `node`'s last heartbeat is younger than nodeTimeoutSeconds. */
  online(node: NodeRecord): boolean {
    if (node.lastHeartbeat === undefined || node.revoked !== undefined) return false;
    const age = this.#options.now().getTime() - Date.parse(node.lastHeartbeat);
    return age < this.#options.nodeTimeoutSeconds * 1000;
  }
}
