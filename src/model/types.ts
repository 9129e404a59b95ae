// The model every reader produces and every analysis consumes. Plain data:
// no tree-sitter, no editor. Lines and columns are 0-based, as in VS Code;
// front ends add 1 when they print.

/** A place in a file the user has open: the C line, the notes line, the patch line. */
export interface SourceLoc {
  file: string;
  line: number;
  col: number;
  endLine: number;
  endCol: number;
}

/** A problem with the input itself, reported with its location; never thrown. */
export interface InputProblem {
  loc: SourceLoc;
  severity: 'error' | 'warning' | 'info';
  message: string;
}

/** How the text of a function reached us. */
export type Origin = 'c' | 'notes' | 'patch-post' | 'patch-pre';

/**
 * A lock, SRCU domain, completion, counter or flag, named by its access-path
 * class the way lockdep names lock classes: owner plus member (`fw.srcu`,
 * `kvm.lock`), or the global's name (`nr_running_td`). Read-only: one
 * answer of objectRef() is shared by every use of the same text.
 */
export interface ObjectRef {
  /** The class, e.g. `fw.srcu`. Equal classes are the same object. */
  readonly id: string;
  /** The text as written at this use, e.g. `&kvm->fw->srcu`. */
  readonly text: string;
  /** How the class was derived, in words a reviewer can check. */
  readonly identifiedBy: string;
}

/** One semantic family of the primitive table; each has its own simulator module. */
export type Family =
  | 'completion' | 'srcu' | 'rcu' | 'mutex' | 'spinlock' | 'raw_spinlock' | 'rwlock'
  | 'rwsem' | 'percpu_rwsem' | 'cpu_hotplug' | 'irq' | 'preempt' | 'atomic'
  | 'access' | 'barrier' | 'cross_cpu' | 'sleep' | 'lockdep';

/**
 * What a primitive does to its object. Lock-like families use acquire/release
 * with a mode; the rest name their own actions.
 */
export type Action =
  // completions
  | 'init' | 'reinit' | 'complete' | 'complete_all' | 'wait' | 'try_wait' | 'done'
  // locks of every kind (mode says shared or exclusive)
  | 'acquire' | 'release' | 'try_acquire'
  // SRCU / RCU
  | 'read_lock' | 'read_unlock' | 'synchronize' | 'call' | 'barrier' | 'cleanup'
  // IRQ and preemption state of the current CPU
  | 'irq_disable' | 'irq_enable' | 'irq_save' | 'irq_restore' | 'preempt_disable' | 'preempt_enable'
  // atomics and plain shared memory
  | 'read' | 'set' | 'add' | 'sub' | 'add_return' | 'sub_return' | 'inc_unless_negative'
  | 'dec_unless_positive' | 'add_unless' | 'cmpxchg' | 'xchg' | 'load' | 'store' | 'fence'
  // cross-CPU work
  | 'stop_machine' | 'ipi' | 'kick'
  // sleeping, lockdep annotations
  | 'sleep' | 'assert_held' | 'set_class';

/** A call's synchronization. Shared: equal calls get one op (syncOpFor), so an op is never modified. */
export interface SyncOp {
  /** The API as called, e.g. `wait_for_completion_timeout`. */
  primitive: string;
  family: Family;
  action: Action;
  /** Shared (reader) or exclusive (writer) for lock-like actions. */
  mode?: 'shared' | 'exclusive';
  /** The object acted on; absent for per-CPU state (IRQs, preemption). */
  object?: ObjectRef;
  /** Constant operand of an atomic (`1` for inc, the `bias` of atomic_add_return). */
  operand?: string;
  /** Lockdep subclass of a `_nested` acquire. */
  subclass?: string;
  /** The op may sleep: illegal in atomic context. */
  sleeps: boolean;
  /** Acquired by guard()/scoped_guard(): released when the scope ends. */
  scoped?: boolean;
  /** Inserted by the reader, not written by the user (a guard's release at scope end). */
  implicit?: boolean;
  /** The lock variant also disables IRQs or bottom halves while held (`spin_lock_irqsave`). */
  cpuEffect?: 'irq' | 'irqsave' | 'bh';
  /** Function a cross-CPU primitive runs (stop_machine's callback). */
  callback?: string;
}

/** What a branch condition tests, when RaceLens can follow it. */
export type ConditionTest =
  | { kind: 'result'; of: string }            // the value of a call made in the condition
  | { kind: 'object'; object: ObjectRef }     // a modelled object read in the condition
  | { kind: 'param'; name: string }           // a parameter of the function
  | { kind: 'local'; name: string }           // a local variable
  | { kind: 'config'; symbol: string };       // #ifdef CONFIG_...

export interface IndirectTarget {
  via: 'static_call' | 'ops' | 'notifier' | 'pointer';
  /** The ops member, static-call key or notifier head the call goes through. */
  member: string;
}

/** Names the reviewer gave a notes line (`// racelens: label NAME`), for ordering questions and assertions. */
export interface Labelled {
  labels?: string[];
}

/** An element of a function body, in source order. */
export type Stmt =
  | CallStmt
  | Labelled & (
  | { kind: 'branch'; cond: string; tests: ConditionTest[]; then: Stmt[]; else: Stmt[]; loc: SourceLoc }
  | { kind: 'switch'; on: string; cases: { labels: string[]; body: Stmt[] }[]; loc: SourceLoc }
  /** `head` holds the calls made by the loop condition, evaluated before each test. */
  | { kind: 'loop'; cond: string; macro?: string; head: Stmt[]; body: Stmt[]; loc: SourceLoc }
  | { kind: 'return'; value?: string; loc: SourceLoc }
  | { kind: 'goto'; label: string; loc: SourceLoc }
  | { kind: 'label'; name: string; loc: SourceLoc }
  | { kind: 'break'; loc: SourceLoc }
  | { kind: 'continue'; loc: SourceLoc }
  /** Notes only: `case X:` / `default:` written to say which path the reviewer follows. */
  | { kind: 'path'; text: string; loc: SourceLoc }
  /** An assignment to a local variable: `ret = -EBUSY;`, `end_update = true;`. */
  | { kind: 'assign'; target: string; value: string; loc: SourceLoc }
  /** A write or read of a shared field or global that is not a call. */
  | { kind: 'access'; access: 'store' | 'load'; object: ObjectRef; value?: string; text: string; loc: SourceLoc }
  );

export interface CallStmt extends Labelled {
  kind: 'call';
  callee: string;
  args: string[];
  /** The call's full text as written. */
  text: string;
  /** `fw_idx = kvm_get_fw(kvm)` assigns to `fw_idx`. */
  assignTo?: string;
  /** The synchronization the call performs, when the primitive table knows it. */
  op?: SyncOp;
  /** Set when the callee is reached through a pointer, ops table, static call or notifier. */
  indirect?: IndirectTarget;
  /** Notes: the `=>` targets the reviewer gave for this call. */
  dispatch?: string[];
  /** Notes: the calls nested under this `->` line, i.e. the callee's body as the notes show it. */
  body?: Stmt[];
  loc: SourceLoc;
}

/** Sparse-style context annotations on a function. */
export interface ContextAnnotations {
  acquires: string[];
  releases: string[];
  mustHold: string[];
}

export interface FunctionSummary {
  name: string;
  origin: Origin;
  /** The file the function lives in: the C file, the notes file, or the patched file's path. */
  file: string;
  params: string[];
  body: Stmt[];
  annotations: ContextAnnotations;
  /** The definition's name token. */
  loc: SourceLoc;
  /** Notes: an unprefixed line, i.e. a root the reviewer wants followed. */
  entry: boolean;
  /** Local declarations seen in the function: name -> C type text. */
  locals: Record<string, string>;
}

/** `.mem_enc_ioctl = vt_mem_enc_ioctl` inside `struct kvm_x86_ops vt_x86_ops = { ... }`. */
export interface OpsBinding {
  /** The struct type, e.g. `kvm_x86_ops` or `notifier_block`. */
  structType: string;
  /** The variable holding the table. */
  table: string;
  member: string;
  target: string;
  loc: SourceLoc;
}

/** A declared synchronization object: `DEFINE_MUTEX(x)`, a struct field `struct mutex lock;`. */
export interface ObjectDecl {
  id: string;
  /** C type, e.g. `mutex`, `raw_spinlock_t`, `srcu_struct`, `atomic_t`. */
  type: string;
  loc: SourceLoc;
}

/** One event of a typed CPU timeline: which CPU does what, in which order. */
export interface TimelineEvent {
  /** Column index (0 for the leftmost CPU). */
  cpu: number;
  /** The column's header, e.g. `CPU 1`. */
  cpuLabel: string;
  /** 0-based order of this event in the interleaving. */
  order: number;
  text: string;
  /** The event read as a notes line (call, statement, control line). */
  stmt?: Stmt;
  /** Notes-style nesting depth inside its column (0 = column start). */
  depth: number;
  /** The event starts an entry point (unprefixed call line). */
  entry?: boolean;
  comment?: string;
  loc: SourceLoc;
}

export interface Timeline {
  cpus: string[];
  events: TimelineEvent[];
  /** The header row. */
  loc: SourceLoc;
}

export type LockRule =
  /** "X is taken outside Y": X before Y. */
  | { kind: 'order'; outer: string; inner: string; text: string; loc: SourceLoc }
  /** "synchronize_srcu(&kvm->srcu) is called inside critical sections for A, B": A..C cannot be taken inside the domain's read side. */
  | { kind: 'sync-inside'; domain: string; locks: string[]; text: string; loc: SourceLoc }
  /** "X _can_ be taken inside a kvm->srcu read-side critical section". */
  | { kind: 'allowed-in-read-side'; domain: string; lock: string; text: string; loc: SourceLoc };

export interface LockReference {
  name: string;
  /** Object class of `name`, e.g. `kvm.mmu_lock`. */
  object: string;
  type: string;
  arch: string;
  protects: string[];
  comment: string;
  loc: SourceLoc;
}

/**
 * A claim written in notes as a comment line, checked by the simulator:
 * `// racelens: never A && B` (the points labelled A and B are never active
 * at once), `// racelens: always-before A B` (B never runs before A has run
 * to its end).
 */
export interface NotesAssertion {
  kind: 'never' | 'always-before';
  labels: [string, string];
  /** The directive as written, after `racelens:`. */
  text: string;
  loc: SourceLoc;
}

/** Everything read from one input, before the workspace joins it with the rest. */
export interface FileModel {
  file: string;
  functions: FunctionSummary[];
  opsBindings: OpsBinding[];
  objects: ObjectDecl[];
  timelines: Timeline[];
  rules: LockRule[];
  references: LockReference[];
  problems: InputProblem[];
  /** Notes: `// racelens: never ...` and `// racelens: always-before ...` lines. */
  assertions?: NotesAssertion[];
}

export function emptyFileModel(file: string): FileModel {
  return { file, functions: [], opsBindings: [], objects: [], timelines: [], rules: [], references: [], problems: [] };
}
