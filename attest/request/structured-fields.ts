/**
 * The subset of RFC 8941 (Structured Field Values for HTTP) that RFC 9421
 * signatures and RFC 9530 digests use: dictionaries whose members are items
 * or inner lists, with parameters; bare items that are integers, strings,
 * tokens, byte sequences or booleans. Decimals are refused (nothing here uses
 * them), and so are duplicate keys (RFC 8941 would keep the last one; a
 * signature header with two values for one label is an attack, not a typo).
 */
import { base64ToBytes, bytesToBase64 } from '../base-encoding.js';

/** A bare item (RFC 8941 §3.3). */
export type BareItem =
  | { readonly type: 'integer'; readonly value: number }
  | { readonly type: 'string'; readonly value: string }
  | { readonly type: 'token'; readonly value: string }
  | { readonly type: 'bytes'; readonly value: Uint8Array }
  | { readonly type: 'boolean'; readonly value: boolean };

/** Parameters (RFC 8941 §3.1.2), in order. */
export type Parameters = ReadonlyMap<string, BareItem>;

/** An item with its parameters (§3.3), or an inner list (§3.1.1). */
export type Member =
  | { readonly kind: 'item'; readonly value: BareItem; readonly params: Parameters }
  | { readonly kind: 'list'; readonly items: readonly BareItemWithParams[]; readonly params: Parameters };

/** An item inside an inner list. */
export interface BareItemWithParams {
  readonly value: BareItem;
  readonly params: Parameters;
}

/** Thrown by the parser; callers turn it into their own error code. */
export class StructuredFieldSyntaxError extends Error {
  override name = 'StructuredFieldSyntaxError';
}

const KEY_FIRST = /[a-z*]/;
const KEY_CHAR = /[a-z0-9_\-.*]/;
const TOKEN_FIRST = /[A-Za-z*]/;
const TOKEN_CHAR = /[!#$%&'*+\-.^_`|~0-9A-Za-z:/]/;
const BASE64_CHAR = /[A-Za-z0-9+/=]/;

class Parser {
  private pos = 0;
  constructor(private readonly input: string) {}

  private fail(what: string): never {
    throw new StructuredFieldSyntaxError(`${what} at offset ${this.pos}`);
  }
  private peek(): string {
    return this.input[this.pos] ?? '';
  }
  private skip(chars: string): void {
    while (this.pos < this.input.length && chars.includes(this.peek())) this.pos++;
  }
  private expect(ch: string): void {
    if (this.peek() !== ch) this.fail(`expected '${ch}'`);
    this.pos++;
  }

  // §4.2.2
  dictionary(): Map<string, Member> {
    const dict = new Map<string, Member>();
    this.skip(' ');
    while (this.pos < this.input.length) {
      const key = this.key();
      if (dict.has(key)) this.fail(`duplicate key '${key}'`);
      let member: Member;
      if (this.peek() === '=') {
        this.pos++;
        member = this.peek() === '(' ? this.innerList() : { kind: 'item', ...this.item() };
      } else {
        member = { kind: 'item', value: { type: 'boolean', value: true }, params: this.params() };
      }
      dict.set(key, member);
      this.skip(' \t');
      if (this.pos >= this.input.length) break;
      this.expect(',');
      this.skip(' \t');
      if (this.pos >= this.input.length) this.fail('trailing comma');
    }
    return dict;
  }

  // §4.2.1.2
  private innerList(): Member {
    this.expect('(');
    const items: BareItemWithParams[] = [];
    for (;;) {
      this.skip(' ');
      if (this.peek() === ')') {
        this.pos++;
        return { kind: 'list', items, params: this.params() };
      }
      items.push(this.item());
      if (this.peek() !== ' ' && this.peek() !== ')') this.fail('expected space or )');
    }
  }

  private item(): BareItemWithParams {
    return { value: this.bareItem(), params: this.params() };
  }

  // §4.2.3.2
  private params(): Map<string, BareItem> {
    const params = new Map<string, BareItem>();
    while (this.peek() === ';') {
      this.pos++;
      this.skip(' ');
      const key = this.key();
      if (params.has(key)) this.fail(`duplicate parameter '${key}'`);
      let value: BareItem = { type: 'boolean', value: true };
      if (this.peek() === '=') {
        this.pos++;
        value = this.bareItem();
      }
      params.set(key, value);
    }
    return params;
  }

  // §4.2.3.3
  private key(): string {
    if (!KEY_FIRST.test(this.peek())) this.fail('expected a key');
    const start = this.pos;
    while (this.pos < this.input.length && KEY_CHAR.test(this.peek())) this.pos++;
    return this.input.slice(start, this.pos);
  }

  // §4.2.3.1 and the bare item parsers of §4.2.4 - §4.2.8
  private bareItem(): BareItem {
    const ch = this.peek();
    if (ch === '-' || (ch >= '0' && ch <= '9')) return this.integer();
    if (ch === '"') return this.string();
    if (ch === ':') return this.bytes();
    if (ch === '?') return this.boolean();
    if (TOKEN_FIRST.test(ch)) return this.token();
    return this.fail('expected a bare item');
  }

  private integer(): BareItem {
    const match = /^-?[0-9]{1,15}/.exec(this.input.slice(this.pos, this.pos + 16));
    if (!match) this.fail('expected an integer');
    this.pos += match[0].length;
    if (this.peek() === '.' || (this.peek() >= '0' && this.peek() <= '9')) this.fail('unsupported number');
    return { type: 'integer', value: Number(match[0]) };
  }

  private string(): BareItem {
    this.expect('"');
    let out = '';
    for (;;) {
      const ch = this.peek();
      this.pos++;
      if (ch === '') this.fail('unterminated string');
      if (ch === '"') return { type: 'string', value: out };
      if (ch === '\\') {
        const next = this.peek();
        if (next !== '"' && next !== '\\') this.fail('bad escape');
        out += next;
        this.pos++;
      } else {
        const code = ch.charCodeAt(0);
        if (code < 0x20 || code > 0x7e) this.fail('bad character in string');
        out += ch;
      }
    }
  }

  private token(): BareItem {
    const start = this.pos;
    this.pos++;
    while (this.pos < this.input.length && TOKEN_CHAR.test(this.peek())) this.pos++;
    return { type: 'token', value: this.input.slice(start, this.pos) };
  }

  private bytes(): BareItem {
    this.expect(':');
    const start = this.pos;
    while (this.pos < this.input.length && BASE64_CHAR.test(this.peek())) this.pos++;
    const decoded = base64ToBytes(this.input.slice(start, this.pos));
    this.expect(':');
    if (decoded === undefined) this.fail('bad base64');
    return { type: 'bytes', value: decoded };
  }

  private boolean(): BareItem {
    this.expect('?');
    const ch = this.peek();
    if (ch !== '0' && ch !== '1') this.fail('expected ?0 or ?1');
    this.pos++;
    return { type: 'boolean', value: ch === '1' };
  }
}

/** Parse a Dictionary field value (RFC 8941 §4.2, with the subset above). */
export function parseDictionary(fieldValue: string): Map<string, Member> {
  return new Parser(fieldValue.replace(/^ +| +$/g, '')).dictionary();
}

/** Serialize a bare item (RFC 8941 §4.1.3); only the kinds sealgate emits. */
export function serializeBareItem(item: BareItem): string {
  switch (item.type) {
    case 'integer':
      return String(item.value);
    case 'string':
      return `"${item.value.replace(/[\\"]/g, (c) => `\\${c}`)}"`;
    case 'token':
      return item.value;
    case 'bytes':
      return `:${bytesToBase64(item.value)}:`;
    case 'boolean':
      return item.value ? '?1' : '?0';
  }
}

/** Serialize parameters (RFC 8941 §4.1.1.2). */
export function serializeParams(params: Parameters): string {
  let out = '';
  for (const [key, value] of params) {
    out += value.type === 'boolean' && value.value ? `;${key}` : `;${key}=${serializeBareItem(value)}`;
  }
  return out;
}

/** Serialize an inner list (RFC 8941 §4.1.1.1). */
export function serializeInnerList(items: readonly BareItemWithParams[], params: Parameters): string {
  return `(${items.map((i) => serializeBareItem(i.value) + serializeParams(i.params)).join(' ')})${serializeParams(params)}`;
}
