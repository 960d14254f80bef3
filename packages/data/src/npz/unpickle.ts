/**
 * A minimal Python pickle reader (protocols 0-5, the opcodes numpy's object arrays use), for
 * `.npy` members with dtype `object` such as Keras' `imdb.npz`. It never runs code: a global
 * becomes a `PyGlobal` and a call a `PyCall`, which the caller interprets. Tuples and lists are
 * arrays, dicts are Maps, bytes are Uint8Arrays, ints are numbers (exact up to 2^53).
 */
export interface PyGlobal {
  readonly kind: 'global';
  readonly module: string;
  readonly name: string;
}

export interface PyCall {
  readonly kind: 'call';
  readonly callee: unknown;
  readonly args: readonly unknown[];
  /** Set by BUILD (`__setstate__`). */
  state?: unknown;
}

export class PickleError extends Error {}

const MARK = Symbol('mark');

export function unpickle(bytes: Uint8Array): unknown {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const text = new TextDecoder();
  const latin1 = new TextDecoder('latin1');
  const stack: unknown[] = [];
  const memo = new Map<number, unknown>();
  let at = 0;

  const need = (n: number): number => {
    if (at + n > bytes.length) throw new PickleError('pickle data ends early');
    const start = at;
    at += n;
    return start;
  };
  const u8 = (): number => bytes[need(1)] ?? 0;
  const u16 = (): number => view.getUint16(need(2), true);
  const u32 = (): number => view.getUint32(need(4), true);
  const u64 = (): number => Number(view.getBigUint64(need(8), true));
  const chunk = (n: number): Uint8Array => bytes.subarray(need(n), at);
  const line = (): string => {
    const end = bytes.indexOf(0x0a, at);
    if (end < 0) throw new PickleError('pickle data ends early');
    const value = latin1.decode(bytes.subarray(at, end));
    at = end + 1;
    return value;
  };
  const pop = (): unknown => {
    if (stack.length === 0) throw new PickleError('pickle stack underflow');
    return stack.pop();
  };
  const top = (): unknown => {
    if (stack.length === 0) throw new PickleError('pickle stack underflow');
    return stack[stack.length - 1];
  };
  const popMark = (): unknown[] => {
    const index = stack.lastIndexOf(MARK);
    if (index < 0) throw new PickleError('pickle MARK missing');
    const items = stack.slice(index + 1);
    stack.length = index;
    return items;
  };
  const signed = (data: Uint8Array): number => {
    let value = 0n;
    for (let i = data.length - 1; i >= 0; i--) value = (value << 8n) | BigInt(data[i] ?? 0);
    if (data.length > 0 && ((data[data.length - 1] ?? 0) & 0x80) !== 0)
      value -= 1n << BigInt(data.length * 8);
    return Number(value);
  };
  const list = (value: unknown): unknown[] => {
    if (!Array.isArray(value)) throw new PickleError('APPEND on something that is not a list');
    return value;
  };
  const dict = (value: unknown): Map<unknown, unknown> => {
    if (!(value instanceof Map)) throw new PickleError('SETITEM on something that is not a dict');
    return value;
  };

  for (;;) {
    const op = u8();
    switch (op) {
      case 0x80: // PROTO
        u8();
        break;
      case 0x95: // FRAME
        u64();
        break;
      case 0x2e: // STOP
        return pop();
      case 0x28: // MARK
        stack.push(MARK);
        break;
      case 0x4e: // NONE
        stack.push(null);
        break;
      case 0x88: // NEWTRUE
        stack.push(true);
        break;
      case 0x89: // NEWFALSE
        stack.push(false);
        break;
      case 0x4b: // BININT1
        stack.push(u8());
        break;
      case 0x4d: // BININT2
        stack.push(u16());
        break;
      case 0x4a: // BININT
        stack.push(view.getInt32(need(4), true));
        break;
      case 0x8a: // LONG1
        stack.push(signed(chunk(u8())));
        break;
      case 0x8b: // LONG4
        stack.push(signed(chunk(u32())));
        break;
      case 0x49: {
        // INT (protocol 0): "I01\n" for True
        const value = line();
        stack.push(value === '01' ? true : value === '00' ? false : Number.parseInt(value, 10));
        break;
      }
      case 0x4c: // LONG (protocol 0): "123L\n"
        stack.push(Number.parseInt(line().replace(/L$/, ''), 10));
        break;
      case 0x47: // BINFLOAT
        stack.push(view.getFloat64(need(8), false));
        break;
      case 0x8c: // SHORT_BINUNICODE
        stack.push(text.decode(chunk(u8())));
        break;
      case 0x58: // BINUNICODE
        stack.push(text.decode(chunk(u32())));
        break;
      case 0x8d: // BINUNICODE8
        stack.push(text.decode(chunk(u64())));
        break;
      case 0x55: // SHORT_BINSTRING (Python 2 str)
        stack.push(latin1.decode(chunk(u8())));
        break;
      case 0x54: // BINSTRING
        stack.push(latin1.decode(chunk(u32())));
        break;
      case 0x43: // SHORT_BINBYTES
        stack.push(chunk(u8()).slice());
        break;
      case 0x42: // BINBYTES
        stack.push(chunk(u32()).slice());
        break;
      case 0x8e: // BINBYTES8
        stack.push(chunk(u64()).slice());
        break;
      case 0x29: // EMPTY_TUPLE
        stack.push([]);
        break;
      case 0x85: // TUPLE1
        stack.push([pop()]);
        break;
      case 0x86: {
        // TUPLE2
        const b = pop();
        stack.push([pop(), b]);
        break;
      }
      case 0x87: {
        // TUPLE3
        const c = pop();
        const b = pop();
        stack.push([pop(), b, c]);
        break;
      }
      case 0x74: // TUPLE
      case 0x6c: // LIST
        stack.push(popMark());
        break;
      case 0x5d: // EMPTY_LIST
        stack.push([]);
        break;
      case 0x61: {
        // APPEND
        const value = pop();
        list(top()).push(value);
        break;
      }
      case 0x65: {
        // APPENDS
        const items = popMark();
        list(top()).push(...items);
        break;
      }
      case 0x7d: // EMPTY_DICT
        stack.push(new Map());
        break;
      case 0x73: {
        // SETITEM
        const value = pop();
        const key = pop();
        dict(top()).set(key, value);
        break;
      }
      case 0x75: {
        // SETITEMS
        const items = popMark();
        const target = dict(top());
        for (let i = 0; i + 1 < items.length; i += 2) target.set(items[i], items[i + 1]);
        break;
      }
      case 0x63: {
        // GLOBAL
        const module = line();
        stack.push({ kind: 'global', module, name: line() } satisfies PyGlobal);
        break;
      }
      case 0x93: {
        // STACK_GLOBAL
        const name = pop();
        const module = pop();
        stack.push({
          kind: 'global',
          module: String(module),
          name: String(name),
        } satisfies PyGlobal);
        break;
      }
      case 0x52: // REDUCE
      case 0x81: {
        // NEWOBJ
        const args = pop();
        const callee = pop();
        if (!Array.isArray(args)) throw new PickleError('call arguments are not a tuple');
        stack.push({ kind: 'call', callee, args } satisfies PyCall);
        break;
      }
      case 0x62: {
        // BUILD
        const state = pop();
        const target = top();
        if (typeof target !== 'object' || target === null || !('kind' in target))
          throw new PickleError('BUILD on a value that is not an object');
        (target as PyCall).state = state;
        break;
      }
      case 0x71: // BINPUT
        memo.set(u8(), top());
        break;
      case 0x72: // LONG_BINPUT
        memo.set(u32(), top());
        break;
      case 0x94: // MEMOIZE
        memo.set(memo.size, top());
        break;
      case 0x68: // BINGET
      case 0x6a: {
        // LONG_BINGET
        const key = op === 0x68 ? u8() : u32();
        if (!memo.has(key)) throw new PickleError(`pickle memo ${key} missing`);
        stack.push(memo.get(key));
        break;
      }
      default:
        throw new PickleError(`unsupported pickle opcode 0x${op.toString(16)} at byte ${at - 1}`);
    }
  }
}

/** True for a `PyGlobal` naming `name` (any module: numpy moved `core` to `_core`). */
export function isGlobal(value: unknown, name: string): value is PyGlobal {
  return (
    typeof value === 'object' &&
    value !== null &&
    (value as PyGlobal).kind === 'global' &&
    (value as PyGlobal).name === name
  );
}
