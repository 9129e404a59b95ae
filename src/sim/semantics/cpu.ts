// Per-CPU IRQ and preemption state. Sources of truth: include/linux/irqflags.h
// (local_irq_disable/enable/save/restore), include/linux/preempt.h and
// include/linux/bottom_half.h (local_bh_disable counts as preemption off).
// Each thread runs on its own CPU, so the thread's state is the CPU's.
// When IRQs come back on, the CPU takes the IPIs queued for it: every
// smp_call_function() waiting on this CPU is answered at that moment.

import type { Draft } from '../state';
import { NEVER_BLOCKS, type FamilySemantics, type OpRun } from './types';

/** CPU `cpu` has IRQs on (or has finished): it runs every callback queued for it. */
export function answerIpis(draft: Draft, cpu: number): number[] {
  const answeredFor: number[] = [];
  for (let t = 0; t < draft.threadCount; t++) {
    const pending = draft.read(t).pending;
    if (t === cpu || pending?.kind !== 'ipi' || pending.answered[cpu]) continue;
    const mine = draft.thread(t).pending;
    if (mine?.kind === 'ipi') mine.answered[cpu] = true;
    answeredFor.push(t);
  }
  return answeredFor;
}

function enableIrqs({ draft, thread }: OpRun): string {
  const cpu = draft.thread(thread);
  cpu.irqOff = false;
  cpu.irqOffPc = -1;
  const served = answerIpis(draft, thread);
  return served.length > 0 ? `IRQs on: runs the IPI callback of ${served.map((t) => `CPU ${t}`).join(', ')}` : 'IRQs on';
}

function disableIrqs({ draft, thread, pc }: OpRun): void {
  const cpu = draft.thread(thread);
  if (!cpu.irqOff) cpu.irqOffPc = pc;
  cpu.irqOff = true;
}

export const cpuSemantics: FamilySemantics = {
  blockedOn: NEVER_BLOCKS,
  run(run) {
    const cpu = run.draft.thread(run.thread);
    switch (run.op.action) {
      case 'irq_disable':
        disableIrqs(run);
        return { note: 'IRQs off' };
      case 'irq_save':
        cpu.irqSaved.push(cpu.irqOff);
        disableIrqs(run);
        return { note: 'IRQs off (saved)' };
      case 'irq_enable':
        return { note: enableIrqs(run) };
      case 'irq_restore': {
        const saved = cpu.irqSaved.pop();
        if (saved === undefined) return { problem: `${run.op.primitive}() with no matching local_irq_save()`, note: enableIrqs(run) };
        return saved ? { note: 'IRQs stay off (restored)' } : { note: enableIrqs(run) };
      }
      case 'preempt_disable':
        cpu.preempt++;
        return { note: 'preemption off' };
      case 'preempt_enable':
        if (cpu.preempt === 0) return { problem: `${run.op.primitive}() with preemption already on` };
        cpu.preempt--;
        return { note: cpu.preempt === 0 ? 'preemption on' : `preempt count ${cpu.preempt}` };
      default:
        return {};
    }
  },
};
