// Functions that run in interrupt context, found from how they are registered
// in the model: request_irq() handlers (hard IRQ; a threaded handler's thread
// function runs in process context), hrtimer callbacks (hard IRQ unless a
// _SOFT mode), timer_list callbacks, tasklets and RCU callbacks (softirq),
// smp_call_function()/on_each_cpu() functions (hard IRQ, the IPI), and
// stop_machine() callbacks (IRQs off, not interrupt context). Each keeps the
// registration's location for findings to point at.

import type { FileModel, FunctionSummary, SourceLoc, Stmt } from '../model/types';
import { forEachEvent, rootWalk, rootWalks, type OpEvent, type RootWalk } from './contextWalk';
import type { CheckInput } from './input';
import { perFile, perInput } from './memo';

export type IrqKind = 'hardirq' | 'softirq' | 'irqs-off';

export interface IrqContextFunction {
  fn: FunctionSummary;
  kind: IrqKind;
  /** What the function is, e.g. `hard IRQ handler`, `timer callback`. */
  role: string;
  /** What registers it, e.g. `request_irq()`. */
  registeredBy: string;
  registration: SourceLoc;
  /** A softirq callback that runs with IRQs disabled (`TIMER_IRQSAFE`). */
  irqsOff: boolean;
}

interface Registration {
  /** Index of the argument naming the function. */
  arg: number;
  kind: IrqKind;
  role: string;
  /** Index of an argument whose text decides the kind (hrtimer modes, timer flags). */
  modeArg?: number;
}

const hardIrq = (arg: number): Registration => ({ arg, kind: 'hardirq', role: 'hard IRQ handler' });
const softIrq = (arg: number, role: string, modeArg?: number): Registration =>
  modeArg === undefined ? { arg, kind: 'softirq', role } : { arg, kind: 'softirq', role, modeArg };
const hrtimer = (arg: number, modeArg: number): Registration => ({ arg, kind: 'hardirq', role: 'hrtimer callback', modeArg });

/** Registration calls by name (include/linux/interrupt.h, timer.h, hrtimer.h). */
const REGISTRATIONS: Readonly<Record<string, Registration>> = {
  request_irq: hardIrq(1),
  request_threaded_irq: hardIrq(1),
  devm_request_irq: hardIrq(2),
  devm_request_threaded_irq: hardIrq(2),
  request_percpu_irq: hardIrq(1),
  timer_setup: softIrq(1, 'timer callback', 2),
  timer_setup_on_stack: softIrq(1, 'timer callback', 2),
  setup_timer: softIrq(1, 'timer callback'),
  hrtimer_setup: hrtimer(1, 3),
  hrtimer_setup_on_stack: hrtimer(1, 3),
  tasklet_init: softIrq(1, 'tasklet'),
  tasklet_setup: softIrq(1, 'tasklet'),
};

/** Initialisers after which `t.function = f` sets a timer callback; the mode argument, if any. */
const TIMER_INITS: Readonly<Record<string, { hr: boolean; modeArg?: number }>> = {
  hrtimer_init: { hr: true, modeArg: 2 },
  hrtimer_init_on_stack: { hr: true, modeArg: 2 },
  init_timer: { hr: false },
  init_timer_on_stack: { hr: false },
};

const STRENGTH: Record<IrqKind, number> = { hardirq: 0, softirq: 1, 'irqs-off': 2 };

interface Registered {
  name: string;
  kind: IrqKind;
  role: string;
  by: { registeredBy: string; loc: SourceLoc };
  irqsOff: boolean;
}

/** Every function the model shows registered to run in interrupt context (or with IRQs off), by name. */
export const irqContextFunctions = perInput((input: CheckInput): Map<string, IrqContextFunction> => {
  const found = new Map<string, IrqContextFunction>();
  for (const { name, kind, role, by, irqsOff } of input.files.flatMap(registrationsIn)) {
    const fn = input.graph.definition(name);
    const known = found.get(name);
    if (!fn || (known && STRENGTH[known.kind] <= STRENGTH[kind])) continue;
    found.set(name, { fn, kind, role, registeredBy: by.registeredBy, registration: by.loc, irqsOff });
  }
  return found;
});

/** The registrations one file makes, in order (read once per file model). */
const registrationsIn = perFile((file: FileModel): Registered[] => {
  const out: Registered[] = [];
  const add = (name: string, kind: IrqKind, role: string, by: Registered['by'], irqsOff = false) => { if (name) out.push({ name, kind, role, by, irqsOff }); };
  for (const fn of file.functions) {
    if (fn.origin === 'patch-pre') continue;
    const stmts = deepStatements(fn.body);
    for (const stmt of stmts) {
      if (stmt.kind !== 'call') continue;
      const registration = REGISTRATIONS[stmt.callee];
      if (registration) {
        const mode = registration.modeArg === undefined ? '' : stmt.args[registration.modeArg] ?? '';
        const soft = registration.kind === 'hardirq' && /_SOFT\b/.test(mode);
        add(functionName(stmt.args[registration.arg]), soft ? 'softirq' : registration.kind,
          soft ? 'hrtimer callback (softirq mode)' : registration.role, registeredBy(stmt), /\bTIMER_IRQSAFE\b/.test(mode));
      }
      const callback = stmt.op?.callback;
      if (callback === undefined) continue;
      if (stmt.op?.action === 'call') add(functionName(callback), 'softirq', 'RCU callback', registeredBy(stmt));
      else if (stmt.op?.action === 'ipi') add(functionName(callback), 'hardirq', 'IPI function', registeredBy(stmt));
      else if (stmt.op?.action === 'stop_machine') add(functionName(callback), 'irqs-off', 'stop_machine() callback', registeredBy(stmt));
    }
    for (const timer of timerFunctionStores(stmts)) add(timer.name, timer.kind, timer.role, timer.at);
  }
  return out;
});

/** `t->function = f` after `hrtimer_init(&...->t, ...)` or `init_timer(&...->t)` in the same function. */
function timerFunctionStores(stmts: readonly Stmt[]): { name: string; kind: IrqKind; role: string; at: { registeredBy: string; loc: SourceLoc } }[] {
  const inits = new Map<string, { callee: string; soft: boolean; hr: boolean }>();
  const out: ReturnType<typeof timerFunctionStores> = [];
  for (const stmt of stmts) {
    if (stmt.kind === 'call' && TIMER_INITS[stmt.callee]) {
      const init = TIMER_INITS[stmt.callee]!;
      const mode = init.modeArg === undefined ? '' : stmt.args[init.modeArg] ?? '';
      inits.set(lastSegment(stmt.args[0] ?? ''), { callee: stmt.callee, soft: /_SOFT\b/.test(mode), hr: init.hr });
    } else if (stmt.kind === 'access' && stmt.access === 'store' && stmt.object.id.endsWith('.function') && stmt.value) {
      const init = inits.get(stmt.object.id.slice(0, -'.function'.length));
      if (!init) continue;
      const hard = init.hr && !init.soft;
      const role = init.hr ? (hard ? 'hrtimer callback' : 'hrtimer callback (softirq mode)') : 'timer callback';
      out.push({ name: functionName(stmt.value), kind: hard ? 'hardirq' : 'softirq', role, at: { registeredBy: `\`.function =\` after ${init.callee}()`, loc: stmt.loc } });
    }
  }
  return out;
}

function registeredBy(call: { callee: string; loc: SourceLoc }): { registeredBy: string; loc: SourceLoc } {
  return { registeredBy: `${call.callee}()`, loc: call.loc };
}

/** Statements in order, through branches, loops and notes-nested bodies. */
function deepStatements(body: readonly Stmt[]): Stmt[] {
  const out: Stmt[] = [];
  const visit = (stmts: readonly Stmt[]): void => {
    for (const stmt of stmts) {
      out.push(stmt);
      if (stmt.kind === 'branch') { visit(stmt.then); visit(stmt.else); }
      else if (stmt.kind === 'switch') for (const c of stmt.cases) visit(c.body);
      else if (stmt.kind === 'loop') { visit(stmt.head); visit(stmt.body); }
      else if (stmt.kind === 'call' && stmt.body) visit(stmt.body);
    }
  };
  visit(body);
  return out;
}

/** `foo_irq`, `&foo_irq` or `(irq_handler_t)foo_irq` -> `foo_irq`; anything else -> ''. */
function functionName(arg: string | undefined): string {
  const text = (arg ?? '').trim().replace(/^\([^()]*\)\s*/, '').replace(/^&\s*/, '');
  return /^[A-Za-z_]\w*$/.test(text) && text !== 'NULL' ? text : '';
}

function lastSegment(text: string): string {
  const ids = text.match(/[A-Za-z_]\w*/g) ?? [];
  return ids[ids.length - 1] ?? '';
}

/** "a timer callback", "an RCU callback", "an hrtimer callback". */
export function aRole(handler: IrqContextFunction): string {
  return `${/^(?:[aeiou]|RCU|IPI|IRQ|hrtimer)/i.test(handler.role) ? 'an' : 'a'} ${handler.role}`;
}

/** "foo_irq() registered as a hard IRQ handler by request_irq() here". */
export function registeredHere(handler: IrqContextFunction): { loc: SourceLoc; message: string } {
  return { loc: handler.registration, message: `${handler.fn.name}() registered as ${aRole(handler)} by ${handler.registeredBy} here` };
}

/** Words for the context a function of this kind runs in. */
export function contextWords(handler: IrqContextFunction): string {
  if (handler.kind === 'hardirq') return 'hard IRQ context';
  if (handler.kind === 'softirq') return handler.irqsOff ? 'softirq context with IRQs disabled' : 'softirq context';
  return 'a context with IRQs disabled';
}

/** The walks of the roots that run in process context: every root not registered as an interrupt-context function. */
export const processWalks = perInput((input: CheckInput): RootWalk[] => {
  const handlers = irqContextFunctions(input);
  return rootWalks(input).filter((walk) => !handlers.has(walk.root.name));
});

/**
 * The interrupt-context functions in the order they are walked: each kind
 * separately (a helper shared by a timer and an IRQ handler is then seen in
 * both), hard IRQ first.
 */
export const irqContextsInWalkOrder = perInput((input: CheckInput): IrqContextFunction[] => {
  const handlers = [...irqContextFunctions(input).values()];
  return (['hardirq', 'softirq', 'irqs-off'] as const).flatMap((kind) => handlers.filter((h) => h.kind === kind));
});

/** Everything about a registration a finding can say: a result cached for one handler is reused only for the same. */
export function handlerKey(handler: IrqContextFunction): string {
  const { kind, role, registeredBy, registration, irqsOff } = handler;
  return `${kind}|${role}|${registeredBy}|${registration.file}:${registration.line}:${registration.col}|${irqsOff}`;
}

/** Runs `visit` on the ops of every interrupt-context function, with the function they run under; `test` as in forEachEvent. */
export function walkIrqContexts(input: CheckInput, visit: (event: OpEvent, handler: IrqContextFunction) => void, test?: (event: OpEvent) => boolean): void {
  for (const handler of irqContextsInWalkOrder(input)) {
    forEachEvent([rootWalk(input.graph, handler.fn)], (event) => visit(event, handler), test);
  }
}
