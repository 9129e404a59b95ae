// Small random scenarios in the notes language, for the differential test
// against Spin: two or three entry points (one of them sometimes on two
// CPUs) mixing mutexes, completions, SRCU read sections and grace periods,
// atomics (the bias idiom included), a shared flag, branches on atomics, on
// the flag, on locals and on a parameter nobody fixes, early returns and
// bounded retry loops. Seeded, so a failure names the scenario that
// reproduces it.
//
// Notes layout (src/parse/notes.ts): a body at depth d writes calls as
// `-> call` at column 3d and statements at column 3d + 3; an `if (…) {`
// line opens depth d + 1 until its `}`.

/** A small deterministic PRNG (mulberry32). */
export function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface GeneratedScenario {
  seed: number;
  notes: string;
  entries: { name: string; copies?: number }[];
}

type Line = { depth: number; call?: string; stmt?: string };

class Writer {
  readonly lines: Line[] = [];
  private retries = 0;
  /**
   * The bias idiom may be written once per scenario, by a thread on one CPU
   * outside any retry: Promela's `int` has 32 bits, and two biases at once
   * would overflow it where the simulator's numbers do not.
   */
  biasAllowed = false;
  constructor(private readonly next: () => number) {}

  pick<T>(items: readonly T[]): T { return items[Math.floor(this.next() * items.length)]!; }
  chance(p: number): boolean { return this.next() < p; }
  call(depth: number, text: string): void { this.lines.push({ depth, call: text }); }
  stmt(depth: number, text: string): void { this.lines.push({ depth, stmt: text }); }

  /** `if (cond) {` body `}` (sometimes with an else). */
  branch(depth: number, cond: string, body: (d: number) => void, otherwise?: (d: number) => void): void {
    this.stmt(depth, `if (${cond}) {`);
    body(depth + 1);
    if (otherwise) {
      this.stmt(depth, '} else {');
      otherwise(depth + 1);
    }
    this.stmt(depth, '}');
  }

  /** A bounded retry: a label, work, and a conditional jump back. */
  retry(depth: number, body: (d: number) => void, cond: string): void {
    const label = `retry${this.retries++}`;
    this.stmt(depth, `${label}:`);
    const bias = this.biasAllowed;
    this.biasAllowed = false;
    body(depth);
    this.biasAllowed = bias;
    this.branch(depth, cond, (d) => this.stmt(d, `goto ${label};`));
  }

  text(name: string): string {
    const out = [`${name}()`];
    for (const line of this.lines) {
      out.push(line.call !== undefined ? `${' '.repeat(3 * line.depth)}-> ${line.call}` : `${' '.repeat(3 * line.depth + 3)}${line.stmt}`);
    }
    return out.join('\n');
  }
}

const MUTEXES = ['&s->a', '&s->b'];
const COUNTERS = ['&cnt', '&users'];

/** One random action at `depth`; `budget` limits nesting. */
function action(w: Writer, depth: number, budget: number): void {
  const kinds = ['mutex', 'mutex', 'srcu', 'sync', 'completion', 'wait', 'atomic', 'flag', 'branch', 'ret', 'bias', 'atomic context', 'misuse'] as const;
  const kind = budget > 0 ? w.pick(kinds) : w.pick(['sync', 'completion', 'wait', 'atomic', 'flag', 'ret', 'misuse'] as const);
  switch (kind) {
    case 'mutex': {
      const lock = w.pick(MUTEXES);
      w.call(depth, `mutex_lock(${lock})`);
      body(w, depth, budget - 1, w.pick([1, 2, 3]));
      if (w.chance(0.9)) w.call(depth, `mutex_unlock(${lock})`);
      return;
    }
    case 'srcu':
      w.call(depth, 'idx = srcu_read_lock(&s->srcu)');
      body(w, depth, budget - 1, w.pick([1, 2]));
      w.call(depth, 'srcu_read_unlock(&s->srcu, idx)');
      return;
    case 'atomic context': {
      // A spin lock or IRQs off around something that may sleep, sometimes.
      const [enter, leave] = w.pick([['spin_lock(&s->lock)', 'spin_unlock(&s->lock)'], ['local_irq_disable()', 'local_irq_enable()'], ['preempt_disable()', 'preempt_enable()']] as const);
      w.call(depth, enter);
      w.call(depth, w.pick(['atomic_inc(&cnt)', 'msleep(1)', 'complete(&s->done)']));
      w.call(depth, leave);
      return;
    }
    case 'misuse': w.call(depth, w.pick(['mutex_unlock(&s->a)', 'srcu_read_unlock(&s->srcu, idx)', 'atomic_dec(&users)'])); return;
    case 'sync': w.call(depth, 'synchronize_srcu(&s->srcu)'); return;
    case 'completion': w.call(depth, w.pick(['init_completion(&s->done)', 'reinit_completion(&s->done)', 'complete(&s->done)', 'complete_all(&s->done)'])); return;
    case 'wait': w.call(depth, w.pick(['wait_for_completion(&s->done)', 'ok = try_wait_for_completion(&s->done)'])); return;
    case 'atomic': {
      const c = w.pick(COUNTERS);
      w.call(depth, w.pick([`atomic_inc(${c})`, `atomic_dec(${c})`, `ret = atomic_inc_unless_negative(${c}) ? 0 : -EBUSY;`, `n = atomic_inc_return(${c})`, `atomic_set(${c}, 1)`]));
      return;
    }
    case 'flag': w.stmt(depth, w.pick(['s->update = true;', 's->update = false;', 'WRITE_ONCE(s->busy, 1);'])); return;
    case 'bias':
      if (!w.biasAllowed) return action(w, depth, budget);
      w.biasAllowed = false;
      w.branch(depth, 'atomic_add_return(bias, &cnt) != bias', (d) => {
        w.call(d, 'atomic_sub(bias, &cnt)');
        w.stmt(d, w.pick(['return -EBUSY;', 'ret = -EBUSY;']));
      });
      return;
    case 'ret': w.stmt(depth, w.pick(['ret = 0;', 'ret = -EINVAL;', 'return ret;', 'ok = 0;'])); return;
    case 'branch': {
      const cond = w.pick(['s->update', '!READ_ONCE(s->busy)', 'atomic_read(&cnt) > 0', 'atomic_read(&users) == 0', 'ret', 'ok', 'flags', 'n > 1']);
      const otherwise = w.chance(0.3) ? (d: number) => body(w, d, budget - 1, 1) : undefined;
      w.branch(depth, cond, (d) => body(w, d, budget - 1, 1 + Math.floor(w.pick([0, 1]))), otherwise);
      return;
    }
  }
}

function body(w: Writer, depth: number, budget: number, count: number): void {
  for (let i = 0; i < count; i++) action(w, depth, budget);
}

/** The updater and reader of seed 000's idiom, roughly, so that the exclusion property is often in play. */
function idiomThread(w: Writer, role: 'updater' | 'reader'): void {
  if (role === 'updater') {
    w.call(0, w.pick(['init_completion(&s->done)', 'reinit_completion(&s->done)']));
    if (w.chance(0.6)) w.stmt(0, 's->update = true;');
    w.call(0, 'synchronize_srcu(&s->srcu)');
    if (w.chance(0.5)) action(w, 0, 1);
    if (w.chance(0.6)) w.stmt(0, 's->update = false;');
    w.call(0, 'complete_all(&s->done)');
    return;
  }
  const checkInside = w.chance(0.5);
  if (!checkInside) w.call(0, 'wait_for_completion(&s->done)');
  const enter = (): void => {
    w.call(0, 'idx = srcu_read_lock(&s->srcu)');
    if (checkInside) {
      w.branch(0, 's->update', (d) => {
        w.call(d, 'srcu_read_unlock(&s->srcu, idx)');
        w.call(d, 'wait_for_completion(&s->done)');
        w.stmt(d, 'goto again;');
      });
    }
  };
  if (checkInside) w.stmt(0, 'again:');
  enter();
  action(w, 0, 1);
  w.call(0, 'srcu_read_unlock(&s->srcu, idx)');
}

/** A random scenario; the same seed gives the same scenario. */
export function generateScenario(seed: number): GeneratedScenario {
  const next = random(seed);
  const w0 = new Writer(next);
  const count = w0.pick([2, 2, 3]);
  const functions: string[] = [];
  const entries: GeneratedScenario['entries'] = [];
  const idiom = w0.chance(0.4);
  for (let t = 0; t < count; t++) {
    const w = new Writer(next);
    w.biasAllowed = t === 0;
    if (idiom && t < 2) idiomThread(w, t === 0 ? 'updater' : 'reader');
    else if (w.chance(0.3)) w.retry(0, (d) => body(w, d, 1, 2), w.pick(['atomic_read(&cnt) < 0', 'ret', 's->update']));
    else body(w, 0, 2, 2 + Math.floor(next() * 3));
    const name = `cpu_path${t}`;
    functions.push(w.text(name));
    entries.push({ name, ...(t === count - 1 && count === 2 && w.chance(0.4) ? { copies: 2 } : {}) });
  }
  return { seed, notes: `${functions.join('\n\n')}\n`, entries };
}
