// The primitive table: every kernel synchronization API RaceLens knows, as
// data. Each entry maps the API to a semantic action and says which argument
// is the object. Sources of truth: include/linux/completion.h, srcu.h,
// rcupdate.h, mutex.h, spinlock.h, rwlock.h, rwsem.h, percpu-rwsem.h, cpu.h,
// irqflags.h, preempt.h, atomic-instrumented.h, stop_machine.h, smp.h.

import type { Action, Family } from './types';

export interface PrimitiveSpec {
  family: Family;
  action: Action;
  mode?: 'shared' | 'exclusive';
  /** Index of the argument naming the object, or the implied object's class. */
  object?: number | { implicit: string };
  /** Index of the constant operand (atomics), or the operand itself. */
  operand?: number | string;
  /** Index of the lockdep subclass argument (`_nested`). */
  subclass?: number;
  /** Index of the function argument run on other CPUs. */
  callback?: number;
  /** A lock variant that also disables IRQs or bottom halves on this CPU while held. */
  cpuEffect?: 'irq' | 'irqsave' | 'bh';
  sleeps: boolean;
}

type Table = Record<string, PrimitiveSpec>;

const p = (family: Family, action: Action, sleeps: boolean, extra: Partial<PrimitiveSpec> = {}): PrimitiveSpec =>
  ({ family, action, sleeps, object: 0, ...extra });

const completions: Table = {
  init_completion: p('completion', 'init', false),
  reinit_completion: p('completion', 'reinit', false),
  complete: p('completion', 'complete', false),
  complete_all: p('completion', 'complete_all', false),
  wait_for_completion: p('completion', 'wait', true),
  wait_for_completion_timeout: p('completion', 'wait', true),
  wait_for_completion_interruptible: p('completion', 'wait', true),
  wait_for_completion_interruptible_timeout: p('completion', 'wait', true),
  wait_for_completion_killable: p('completion', 'wait', true),
  wait_for_completion_killable_timeout: p('completion', 'wait', true),
  wait_for_completion_io: p('completion', 'wait', true),
  wait_for_completion_io_timeout: p('completion', 'wait', true),
  try_wait_for_completion: p('completion', 'try_wait', false),
  completion_done: p('completion', 'done', false),
};

const rcu = { implicit: 'rcu' };
const rcuBh = { implicit: 'rcu_bh' };
const rcuSched = { implicit: 'rcu_sched' };
const readSide: Table = {
  srcu_read_lock: p('srcu', 'read_lock', false),
  srcu_read_unlock: p('srcu', 'read_unlock', false),
  srcu_read_lock_fast: p('srcu', 'read_lock', false),
  srcu_read_unlock_fast: p('srcu', 'read_unlock', false),
  srcu_read_lock_lite: p('srcu', 'read_lock', false),
  srcu_read_unlock_lite: p('srcu', 'read_unlock', false),
  srcu_read_lock_nmisafe: p('srcu', 'read_lock', false),
  srcu_read_unlock_nmisafe: p('srcu', 'read_unlock', false),
  srcu_read_lock_notrace: p('srcu', 'read_lock', false),
  srcu_read_unlock_notrace: p('srcu', 'read_unlock', false),
  synchronize_srcu: p('srcu', 'synchronize', true),
  synchronize_srcu_expedited: p('srcu', 'synchronize', true),
  call_srcu: p('srcu', 'call', false, { callback: 2 }),
  srcu_barrier: p('srcu', 'barrier', true),
  cleanup_srcu_struct: p('srcu', 'cleanup', true),
  rcu_read_lock: p('rcu', 'read_lock', false, { object: rcu }),
  rcu_read_unlock: p('rcu', 'read_unlock', false, { object: rcu }),
  rcu_read_lock_bh: p('rcu', 'read_lock', false, { object: rcuBh }),
  rcu_read_unlock_bh: p('rcu', 'read_unlock', false, { object: rcuBh }),
  rcu_read_lock_sched: p('rcu', 'read_lock', false, { object: rcuSched }),
  rcu_read_unlock_sched: p('rcu', 'read_unlock', false, { object: rcuSched }),
  synchronize_rcu: p('rcu', 'synchronize', true, { object: rcu }),
  synchronize_rcu_expedited: p('rcu', 'synchronize', true, { object: rcu }),
  call_rcu: p('rcu', 'call', false, { object: rcu, callback: 1 }),
  kfree_rcu: p('rcu', 'call', false, { object: rcu }),
  rcu_barrier: p('rcu', 'barrier', true, { object: rcu }),
};

const x = 'exclusive' as const;
const s = 'shared' as const;
const mutexes: Table = {
  mutex_lock: p('mutex', 'acquire', true, { mode: x }),
  mutex_lock_interruptible: p('mutex', 'acquire', true, { mode: x }),
  mutex_lock_killable: p('mutex', 'acquire', true, { mode: x }),
  mutex_lock_io: p('mutex', 'acquire', true, { mode: x }),
  mutex_lock_nested: p('mutex', 'acquire', true, { mode: x, subclass: 1 }),
  mutex_lock_interruptible_nested: p('mutex', 'acquire', true, { mode: x, subclass: 1 }),
  mutex_lock_killable_nested: p('mutex', 'acquire', true, { mode: x, subclass: 1 }),
  mutex_trylock: p('mutex', 'try_acquire', false, { mode: x }),
  mutex_unlock: p('mutex', 'release', false, { mode: x }),
};

/** spin_lock, raw_spin_lock and write/read_lock share their suffixes: generate them. */
function lockFamily(prefix: string, family: Family, mode: 'shared' | 'exclusive', unlockPrefix: string): Table {
  const table: Table = {};
  const effects = { '': undefined, _irq: 'irq', _irqsave: 'irqsave', _bh: 'bh' } as const;
  for (const [suffix, cpuEffect] of Object.entries(effects)) {
    const extra = cpuEffect ? { mode, cpuEffect } : { mode };
    table[`${prefix}${suffix}`] = p(family, 'acquire', false, extra);
    table[`${unlockPrefix}${suffix === '_irqsave' ? '_irqrestore' : suffix}`] = p(family, 'release', false, extra);
  }
  table[`${prefix}_nested`] = p(family, 'acquire', false, { mode, subclass: 1 });
  table[`${prefix}_irqsave_nested`] = p(family, 'acquire', false, { mode, subclass: 2, cpuEffect: 'irqsave' });
  const trylock = prefix.replace('_lock', '_trylock');
  table[trylock] = p(family, 'try_acquire', false, { mode });
  table[`${trylock}_irqsave`] = p(family, 'try_acquire', false, { mode, cpuEffect: 'irqsave' });
  return table;
}

const spinlocks: Table = {
  ...lockFamily('spin_lock', 'spinlock', x, 'spin_unlock'),
  ...lockFamily('raw_spin_lock', 'raw_spinlock', x, 'raw_spin_unlock'),
  ...lockFamily('read_lock', 'rwlock', s, 'read_unlock'),
  ...lockFamily('write_lock', 'rwlock', x, 'write_unlock'),
};

const hotplug = { implicit: 'cpu_hotplug_lock' };
const semaphores: Table = {
  down_read: p('rwsem', 'acquire', true, { mode: s }),
  down_read_interruptible: p('rwsem', 'acquire', true, { mode: s }),
  down_read_killable: p('rwsem', 'acquire', true, { mode: s }),
  down_read_nested: p('rwsem', 'acquire', true, { mode: s, subclass: 1 }),
  down_read_trylock: p('rwsem', 'try_acquire', false, { mode: s }),
  up_read: p('rwsem', 'release', false, { mode: s }),
  down_write: p('rwsem', 'acquire', true, { mode: x }),
  down_write_killable: p('rwsem', 'acquire', true, { mode: x }),
  down_write_nested: p('rwsem', 'acquire', true, { mode: x, subclass: 1 }),
  down_write_trylock: p('rwsem', 'try_acquire', false, { mode: x }),
  up_write: p('rwsem', 'release', false, { mode: x }),
  downgrade_write: p('rwsem', 'acquire', false, { mode: s }),
  percpu_down_read: p('percpu_rwsem', 'acquire', true, { mode: s }),
  percpu_down_read_trylock: p('percpu_rwsem', 'try_acquire', false, { mode: s }),
  percpu_up_read: p('percpu_rwsem', 'release', false, { mode: s }),
  percpu_down_write: p('percpu_rwsem', 'acquire', true, { mode: x }),
  percpu_up_write: p('percpu_rwsem', 'release', false, { mode: x }),
  cpus_read_lock: p('cpu_hotplug', 'acquire', true, { mode: s, object: hotplug }),
  cpus_read_trylock: p('cpu_hotplug', 'try_acquire', false, { mode: s, object: hotplug }),
  cpus_read_unlock: p('cpu_hotplug', 'release', false, { mode: s, object: hotplug }),
  cpus_write_lock: p('cpu_hotplug', 'acquire', true, { mode: x, object: hotplug }),
  cpus_write_unlock: p('cpu_hotplug', 'release', false, { mode: x, object: hotplug }),
  get_online_cpus: p('cpu_hotplug', 'acquire', true, { mode: s, object: hotplug }),
  put_online_cpus: p('cpu_hotplug', 'release', false, { mode: s, object: hotplug }),
};

const none = undefined;
const cpuState: Table = {
  local_irq_disable: p('irq', 'irq_disable', false, { object: none }),
  local_irq_enable: p('irq', 'irq_enable', false, { object: none }),
  local_irq_save: p('irq', 'irq_save', false, { object: none }),
  local_irq_restore: p('irq', 'irq_restore', false, { object: none }),
  local_bh_disable: p('preempt', 'preempt_disable', false, { object: none }),
  local_bh_enable: p('preempt', 'preempt_enable', false, { object: none }),
  preempt_disable: p('preempt', 'preempt_disable', false, { object: none }),
  preempt_enable: p('preempt', 'preempt_enable', false, { object: none }),
  preempt_enable_no_resched: p('preempt', 'preempt_enable', false, { object: none }),
  get_cpu: p('preempt', 'preempt_disable', false, { object: none }),
  put_cpu: p('preempt', 'preempt_enable', false, { object: none }),
};

/** atomic_* and atomic64_*: same semantics, generated for both prefixes. */
function atomics(prefix: string): Table {
  const a = (action: Action, operand?: number | string, object = 0): PrimitiveSpec =>
    p('atomic', action, false, operand === undefined ? { object } : { object, operand });
  return {
    [`${prefix}_read`]: a('read'),
    [`${prefix}_set`]: a('set', 1),
    [`${prefix}_inc`]: a('add', '1'),
    [`${prefix}_dec`]: a('sub', '1'),
    [`${prefix}_add`]: a('add', 0, 1),
    [`${prefix}_sub`]: a('sub', 0, 1),
    [`${prefix}_inc_return`]: a('add_return', '1'),
    [`${prefix}_dec_return`]: a('sub_return', '1'),
    [`${prefix}_add_return`]: a('add_return', 0, 1),
    [`${prefix}_sub_return`]: a('sub_return', 0, 1),
    [`${prefix}_inc_and_test`]: a('add_return', '1'),
    [`${prefix}_dec_and_test`]: a('sub_return', '1'),
    [`${prefix}_inc_unless_negative`]: a('inc_unless_negative', '1'),
    [`${prefix}_dec_unless_positive`]: a('dec_unless_positive', '1'),
    [`${prefix}_add_unless`]: a('add_unless', 1),
    [`${prefix}_inc_not_zero`]: a('add_unless', '1'),
    [`${prefix}_cmpxchg`]: a('cmpxchg', 2),
    [`${prefix}_try_cmpxchg`]: a('cmpxchg', 2),
    [`${prefix}_xchg`]: a('xchg', 1),
  };
}

const memory: Table = {
  ...atomics('atomic'),
  ...atomics('atomic64'),
  ...atomics('atomic_long'),
  READ_ONCE: p('access', 'load', false),
  WRITE_ONCE: p('access', 'store', false, { operand: 1 }),
  smp_load_acquire: p('access', 'load', false),
  smp_store_release: p('access', 'store', false, { operand: 1 }),
  smp_mb: p('barrier', 'fence', false, { object: none }),
  smp_rmb: p('barrier', 'fence', false, { object: none }),
  smp_wmb: p('barrier', 'fence', false, { object: none }),
  smp_mb__after_atomic: p('barrier', 'fence', false, { object: none }),
  smp_mb__before_atomic: p('barrier', 'fence', false, { object: none }),
  cmpxchg: p('atomic', 'cmpxchg', false, { operand: 2 }),
  xchg: p('atomic', 'xchg', false, { operand: 1 }),
};

const crossCpu: Table = {
  stop_machine: p('cross_cpu', 'stop_machine', true, { object: none, callback: 0 }),
  stop_machine_cpuslocked: p('cross_cpu', 'stop_machine', true, { object: none, callback: 0 }),
  smp_call_function: p('cross_cpu', 'ipi', false, { object: none, callback: 0 }),
  smp_call_function_single: p('cross_cpu', 'ipi', false, { object: none, callback: 1 }),
  smp_call_function_many: p('cross_cpu', 'ipi', false, { object: none, callback: 1 }),
  on_each_cpu: p('cross_cpu', 'ipi', false, { object: none, callback: 0 }),
  on_each_cpu_mask: p('cross_cpu', 'ipi', false, { object: none, callback: 1 }),
  kvm_make_all_cpus_request: p('cross_cpu', 'kick', false),
  kvm_make_vcpus_request_mask: p('cross_cpu', 'kick', false),
};

const sleeping: Table = {
  msleep: p('sleep', 'sleep', true, { object: none }),
  msleep_interruptible: p('sleep', 'sleep', true, { object: none }),
  usleep_range: p('sleep', 'sleep', true, { object: none }),
  ssleep: p('sleep', 'sleep', true, { object: none }),
  schedule: p('sleep', 'sleep', true, { object: none }),
  schedule_timeout: p('sleep', 'sleep', true, { object: none }),
  might_sleep: p('sleep', 'sleep', true, { object: none }),
  cond_resched: p('sleep', 'sleep', true, { object: none }),
  flush_work: p('sleep', 'sleep', true, { object: none }),
  flush_workqueue: p('sleep', 'sleep', true, { object: none }),
  cancel_work_sync: p('sleep', 'sleep', true, { object: none }),
  vmalloc: p('sleep', 'sleep', true, { object: none }),
  copy_from_user: p('sleep', 'sleep', true, { object: none }),
  copy_to_user: p('sleep', 'sleep', true, { object: none }),
};

const lockdep: Table = {
  lockdep_assert_held: p('lockdep', 'assert_held', false),
  lockdep_assert_held_write: p('lockdep', 'assert_held', false, { mode: x }),
  lockdep_assert_held_read: p('lockdep', 'assert_held', false, { mode: s }),
  lockdep_assert_cpus_held: p('lockdep', 'assert_held', false, { object: hotplug }),
  lockdep_set_class: p('lockdep', 'set_class', false, { operand: 1 }),
  lockdep_set_class_and_subclass: p('lockdep', 'set_class', false, { operand: 1, subclass: 2 }),
};

/** Everything built in, keyed by API name. */
export const BUILTIN_PRIMITIVES: Readonly<Table> = {
  ...completions, ...readSide, ...mutexes, ...spinlocks, ...semaphores, ...cpuState,
  ...memory, ...crossCpu, ...sleeping, ...lockdep,
};

/** Allocators that sleep when passed GFP_KERNEL (checked on the flags argument). */
export const GFP_ALLOCATORS = /^(?:kmalloc|kzalloc|kcalloc|kmalloc_array|kvmalloc|kvzalloc|krealloc|kmem_cache_alloc|kmem_cache_zalloc|alloc_pages|__get_free_pages|get_zeroed_page|kstrdup|kmemdup|devm_kzalloc|devm_kmalloc)$/;

/**
 * Macros that wrap a call without changing what it does: a notes line
 * `-> WARN_ON_ONCE(f(x))` is a call of `f`.
 */
export const TRANSPARENT_MACROS: ReadonlySet<string> = new Set([
  'WARN_ON', 'WARN_ON_ONCE', 'WARN', 'WARN_ONCE', 'BUG_ON', 'KVM_BUG_ON', 'likely', 'unlikely',
  'IS_ERR', 'PTR_ERR', 'IS_ERR_OR_NULL', 'ERR_PTR', 'data_race', 'ASSERT_RTNL',
]);

/** `guard(T)` / `scoped_guard(T, ...)` lock types and the primitive each stands for (include/linux/cleanup.h users). */
export const GUARD_TYPES: Readonly<Record<string, { lock: string; unlock: string }>> = {
  mutex: { lock: 'mutex_lock', unlock: 'mutex_unlock' },
  mutex_intr: { lock: 'mutex_lock_interruptible', unlock: 'mutex_unlock' },
  spinlock: { lock: 'spin_lock', unlock: 'spin_unlock' },
  spinlock_irq: { lock: 'spin_lock_irq', unlock: 'spin_unlock_irq' },
  spinlock_irqsave: { lock: 'spin_lock_irqsave', unlock: 'spin_unlock_irqrestore' },
  spinlock_bh: { lock: 'spin_lock_bh', unlock: 'spin_unlock_bh' },
  raw_spinlock: { lock: 'raw_spin_lock', unlock: 'raw_spin_unlock' },
  raw_spinlock_irq: { lock: 'raw_spin_lock_irq', unlock: 'raw_spin_unlock_irq' },
  raw_spinlock_irqsave: { lock: 'raw_spin_lock_irqsave', unlock: 'raw_spin_unlock_irqrestore' },
  read_lock: { lock: 'read_lock', unlock: 'read_unlock' },
  write_lock: { lock: 'write_lock', unlock: 'write_unlock' },
  rwsem_read: { lock: 'down_read', unlock: 'up_read' },
  rwsem_write: { lock: 'down_write', unlock: 'up_write' },
  rcu: { lock: 'rcu_read_lock', unlock: 'rcu_read_unlock' },
  srcu: { lock: 'srcu_read_lock', unlock: 'srcu_read_unlock' },
  cpus_read_lock: { lock: 'cpus_read_lock', unlock: 'cpus_read_unlock' },
  irq: { lock: 'local_irq_disable', unlock: 'local_irq_enable' },
  irqsave: { lock: 'local_irq_save', unlock: 'local_irq_restore' },
  preempt: { lock: 'preempt_disable', unlock: 'preempt_enable' },
};

/** Object-defining macros at file scope: `DEFINE_MUTEX(name)` declares `name` of the given type. */
export const DEFINING_MACROS: Readonly<Record<string, string>> = {
  DEFINE_MUTEX: 'mutex',
  DEFINE_SPINLOCK: 'spinlock_t',
  DEFINE_RAW_SPINLOCK: 'raw_spinlock_t',
  DEFINE_RWLOCK: 'rwlock_t',
  DECLARE_RWSEM: 'rw_semaphore',
  DEFINE_STATIC_PERCPU_RWSEM: 'percpu_rw_semaphore',
  DEFINE_PERCPU_RWSEM: 'percpu_rw_semaphore',
  DEFINE_SRCU: 'srcu_struct',
  DEFINE_STATIC_SRCU: 'srcu_struct',
  DECLARE_COMPLETION: 'completion',
  DEFINE_IDA: 'ida',
};

/**
 * A user's extra primitive or wrapper: `{ "my_lock": { "as": "mutex_lock" } }`
 * makes `my_lock(x)` behave like `mutex_lock(x)`; `"object"` can move the
 * object to another argument index.
 */
export interface UserPrimitive {
  as: string;
  object?: number;
}

export type PrimitiveTable = ReadonlyMap<string, PrimitiveSpec>;

export interface TableProblem { name: string; message: string }

/** The built-in table extended by the user's wrappers; bad entries are reported, not thrown. */
export function primitiveTable(extra: Record<string, UserPrimitive> = {}): { table: PrimitiveTable; problems: TableProblem[] } {
  const table = new Map<string, PrimitiveSpec>(Object.entries(BUILTIN_PRIMITIVES));
  const problems: TableProblem[] = [];
  for (const [name, user] of Object.entries(extra)) {
    const base = table.get(user?.as);
    if (!base) {
      problems.push({ name, message: `"${name}" is declared as "${String(user?.as)}", which is not a known primitive` });
      continue;
    }
    table.set(name, user.object === undefined ? base : { ...base, object: user.object });
  }
  return { table, problems };
}
