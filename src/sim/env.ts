// How a thread's expressions get their values. A name is, in order:
//   1. a parameter the user fixed (`data = 0`),
//   2. a local the thread has assigned on this path,
//   3. a bias (`bias`, `TDX_BIAS`: see values.ts),
//   4. `true`, `false`, `NULL`, or an errno (`EBUSY` = 16, so `-EBUSY` = -16),
//   5. a shared variable some thread uses (`nr_running_td`),
//   6. a local the program assigns later: 0, because the model does not keep
//      declarations' initialisers (`bool end_update = false;`) and notes
//      leave them out,
//   7. an upper-case constant (`KVM_REQ_FW_UPDATE`): a symbol,
//   8. anything else (a parameter nobody fixed, a local we cannot see): unknown.
// A path (`fw->update`) is the shared object it names, or unknown. A call's
// value is what the thread's last call of that function returned.

import { objectRef, type Aliases } from '../model/objects';
import type { Env } from './expr';
import type { ProgramInfo } from './scenario';
import type { SimState, ThreadState } from './state';
import { BIAS, ERRNO, isBiasName, type Value } from './values';

export type Params = Readonly<Record<string, number | boolean | string>>;

function paramValue(given: number | boolean | string): Value {
  if (typeof given === 'boolean') return given ? 1 : 0;
  if (typeof given === 'string' && /^-?(?:0x[0-9a-f]+|\d+)$/i.test(given)) return Number(given);
  return given;
}

export function threadEnv(state: SimState, thread: ThreadState, info: ProgramInfo, params: Params, aliases: Aliases | undefined): Env {
  const shared = (id: string): Value | undefined => {
    const cell = state.objects[id];
    return cell?.kind === 'value' ? cell.value : undefined;
  };
  return {
    name(name: string): Value {
      const given = params[name];
      if (given !== undefined) return paramValue(given);
      if (name in thread.locals) return thread.locals[name] ?? null;
      if (isBiasName(name)) return BIAS;
      if (name === 'true') return 1;
      if (name === 'false' || name === 'NULL' || name === 'nullptr') return 0;
      const errno = ERRNO[name];
      if (errno !== undefined) return errno;
      const global = info.assigned.has(name) ? undefined : shared(name);
      if (global !== undefined) return global;
      if (info.assigned.has(name)) return 0;
      return /^[A-Z][A-Z0-9_]*$/.test(name) ? name : null;
    },
    path(text: string): Value {
      const id = objectRef(text, aliases)?.id;
      return (id !== undefined ? shared(id) : undefined) ?? null;
    },
    call(callee: string): Value {
      return thread.locals[`()${callee}`] ?? null;
    },
  };
}
