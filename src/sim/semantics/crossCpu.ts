// Work run on other CPUs. Sources of truth: kernel/smp.c
// (smp_call_function_many_cond: the callback runs from the IPI handler, so
// a CPU answers only with IRQs on; with wait set, the caller spins until
// every CPU has run it), virt/kvm/kvm_main.c (kvm_make_all_cpus_request:
// waits only for KVM_REQUEST_WAIT requests) and kernel/stop_machine.c
// (stop_machine queues a stopper on every CPU, which can run only when that
// CPU can be preempted; then all CPUs run the callback with IRQs off, in
// lockstep, while nothing else runs).
//
// Model: each thread is a CPU. An IPI is answered by every CPU that has IRQs
// on when it is sent, and by the others when they turn IRQs on or finish.
// smp_call_function_single() is treated as "every other CPU" (which CPU it
// names is not known). A missing or unreadable `wait` argument means wait.
// stop_machine is one step: it runs once every other CPU is preemptible;
// its callback is not simulated.

import type { FamilySemantics, OpResult, OpRun, OpView, Wait } from './types';
import type { SimState } from '../state';
import { truth } from '../values';

/** Index of the `wait` argument, by primitive. */
const WAIT_ARG: Readonly<Record<string, number>> = {
  smp_call_function: 2, on_each_cpu: 2, smp_call_function_single: 3, smp_call_function_many: 3, on_each_cpu_mask: 3,
};

function waits({ world, state, thread, op, call }: OpView): boolean {
  if (op.action === 'kick') return world.kickWaits || call.args.some((a) => /WAIT/.test(a));
  const index = WAIT_ARG[op.primitive] ?? call.args.length - 1;
  return truth(world.value(state, thread, call.args[index])) !== false;
}

function finished(state: SimState, t: number): boolean {
  return state.threads[t]?.status === 'done';
}

/** Why CPU `t` cannot be stopped now, or undefined if stop_machine can take it. */
function notPreemptible(view: OpView, t: number): string | undefined {
  const cpu = view.state.threads[t];
  if (!cpu || cpu.status === 'done') return undefined;
  if (cpu.irqOff) return 'IRQs off';
  if (view.world.spinning(view.state, t)) return 'spinning';
  if (cpu.preempt > 0) return 'preemption off';
  return undefined;
}

export const crossCpuSemantics: FamilySemantics = {
  blockedOn(view: OpView): Wait | null {
    const { state, thread, op, phase } = view;
    if (op.action === 'stop_machine') {
      const cpus = state.threads.flatMap((_, t) => {
        const why = t === thread ? undefined : notPreemptible(view, t);
        return why ? [{ thread: t, why }] : [];
      });
      return cpus.length > 0 ? { kind: 'stop-machine', cpus } : null;
    }
    const pending = state.threads[thread]?.pending;
    if (phase === 0 || pending?.kind !== 'ipi') return null;
    const cpus = pending.answered.flatMap((ok, t) => (ok ? [] : [[t, state.threads[t]?.irqOffPc ?? -1] as const]));
    return cpus.length > 0 ? { kind: 'ipi', cpus } : null;
  },

  run(run: OpRun): OpResult {
    const { draft, thread, op, phase, state } = run;
    if (op.action === 'stop_machine') {
      const others = state.threads.map((_, t) => t).filter((t) => t !== thread && !finished(state, t));
      return { note: `runs ${op.callback ?? 'the callback'} on every CPU with IRQs off, in lockstep${others.length ? ` (CPU ${others.join(', CPU ')} stopped)` : ''}` };
    }
    const cpu = draft.thread(thread);
    if (phase > 0) {
      cpu.pending = null;
      return { note: 'every CPU has run the callback' };
    }
    const problem = cpu.irqOff && op.action === 'ipi' ? `${op.primitive}() with IRQs disabled (kernel/smp.c warns: it can deadlock)` : undefined;
    if (!waits(run)) return { note: 'sends the request; does not wait', ...(problem ? { problem } : {}) };
    const answered = state.threads.map((t, i) => i === thread || t.status === 'done' || !t.irqOff);
    if (answered.every(Boolean)) return { note: 'every other CPU has IRQs on: answered at once', ...(problem ? { problem } : {}) };
    cpu.pending = { kind: 'ipi', answered };
    const late = answered.flatMap((ok, t) => (ok ? [] : [`CPU ${t}`]));
    return { waiting: true, note: `waits for ${late.join(', ')} (IRQs off) to run the callback`, ...(problem ? { problem } : {}) };
  },
};
