// How the simulator's values live in Promela's 32-bit `int`s, and how the
// exporter names things so that nothing clashes with Promela keywords or
// with the C names of the verifier Spin generates (pan.c declares globals
// such as `t`, `now`, `depth`: a hidden Promela global becomes a C global).
//
//   a number      itself (the simulator's integers fit: a bias is -2^30)
//   unknown       UNKNOWN, a large reserved value
//   a symbol      SYMBOL_BASE + its index in the model's symbol table
//   unset         UNSET: a thread's return value before it returns
//
// Promela's `int` has 32 bits (Spin manual, "datatypes"): a counter pushed
// past -2^31 (two biases applied at once) wraps in Spin, where the
// simulator's numbers do not; such scenarios are outside what the export
// reproduces.
//
// Every local is `l_…`, every shared object `g_…`, every scratch value
// `h_…` (hidden: not part of the state vector, Spin manual, "hidden").

import { BIAS, type Value } from '../values';

export const UNKNOWN = 1_999_999_999;
export const UNSET = 1_999_999_998;
export const SYMBOL_BASE = 2_000_000_000;

/** Macros every model starts with; Spin runs the C preprocessor over the model first. */
export const PRELUDE = [
  `#define UNKNOWN ${UNKNOWN}`,
  `#define UNSET ${UNSET}`,
  `#define SYMBOL_BASE ${SYMBOL_BASE}`,
  `#define BIAS (${BIAS})`,
  '/* a concrete number: neither unknown, unset nor a symbol */',
  '#define isnum(v) ((v) < UNSET)',
  '/* C truth of a value: 1, 0 or UNKNOWN (a symbol or an unknown value could be either) */',
  '#define truth(v) (isnum(v) -> ((v) != 0 -> 1 : 0) : UNKNOWN)',
];

/** Interns symbolic constants (`KVM_REQ_FW_UPDATE`) as distinct integers. */
export class SymbolTable {
  private readonly codes = new Map<string, number>();

  code(name: string): number {
    let code = this.codes.get(name);
    if (code === undefined) {
      code = SYMBOL_BASE + this.codes.size;
      this.codes.set(name, code);
    }
    return code;
  }

  /** The simulator's value for a Promela integer. */
  decode(n: number): Value | undefined {
    if (n === UNSET) return undefined;
    if (n === UNKNOWN) return null;
    if (n >= SYMBOL_BASE) return [...this.codes].find(([, c]) => c === n)?.[0] ?? null;
    return n;
  }

  /** A value as a Promela literal. */
  literal(value: Value): string {
    if (value === null) return 'UNKNOWN';
    if (typeof value === 'string') return String(this.code(value));
    if (value === BIAS) return 'BIAS';
    return value < 0 ? `(${value})` : String(value);
  }
}

/** Hands out identifiers that are valid in Promela and C and never collide. */
export class Names {
  private readonly taken = new Set<string>();
  private readonly given = new Map<string, string>();

  /** The name for `key` (stable), built from `hint` with `prefix`. */
  name(prefix: string, key: string, hint = key): string {
    const known = this.given.get(`${prefix}|${key}`);
    if (known !== undefined) return known;
    const name = this.fresh(`${prefix}${hint.replace(/[^A-Za-z0-9_]+/g, '_').replace(/^_+|_+$/g, '') || 'x'}`);
    this.given.set(`${prefix}|${key}`, name);
    return name;
  }

  /** A name never handed out before, as close to `base` as possible. */
  fresh(base: string): string {
    let name = base;
    for (let n = 2; this.taken.has(name); n++) name = `${base}_${n}`;
    this.taken.add(name);
    return name;
  }
}

/** `1 << t` as a literal bit mask. */
export const bit = (t: number): string => String(2 ** t);
