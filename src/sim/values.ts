// The values the simulator computes with. Kernel code compares counters,
// flags and error codes; we need integers, named constants we cannot see the
// definition of, and "unknown".
//
//   number   a concrete integer (booleans are 1 and 0, as in C)
//   string   a symbolic constant such as `KVM_REQ_FW_UPDATE`: equal to itself,
//            different from every other name (enum constants behave so)
//   null     unknown: a branch on it is explored both ways
//
// Biases. Code like seed 000's `atomic_add_return(bias, &nr_running_td)`
// pushes a counter far negative so that `atomic_inc_unless_negative()` fails
// while an update runs. The value of `bias` is defined far from the notes, so
// any operand whose name contains "bias" (any case) is the constant BIAS, a
// large negative number; `x + BIAS` prints as `bias+x`.

export type Value = number | string | null;

export const BIAS = -(2 ** 30);

/** Names that stand for BIAS: `bias`, `TDX_BIAS`, `UPDATE_BIAS`, `fw->bias`. */
export function isBiasName(name: string): boolean {
  return /bias/i.test(name);
}

/** Kernel errno values (include/uapi/asm-generic/errno-base.h, errno.h). */
export const ERRNO: Readonly<Record<string, number>> = {
  EPERM: 1, ENOENT: 2, ESRCH: 3, EINTR: 4, EIO: 5, ENXIO: 6, E2BIG: 7, EBADF: 9, ECHILD: 10,
  EAGAIN: 11, ENOMEM: 12, EACCES: 13, EFAULT: 14, EBUSY: 16, EEXIST: 17, ENODEV: 19, EINVAL: 22,
  ENOSPC: 28, ERANGE: 34, EDEADLK: 35, ENOSYS: 38, EOPNOTSUPP: 95, ETIMEDOUT: 110,
  EALREADY: 114, EINPROGRESS: 115, ECANCELED: 125, ERESTARTSYS: 512, ENOTSUPP: 524,
};

const ERRNO_NAME = new Map(Object.entries(ERRNO).map(([name, value]) => [value, name]));

/** C truth: a number is true when non-zero; a symbol or an unknown value could be either. */
export function truth(value: Value): boolean | null {
  if (value === null) return null;
  if (typeof value === 'number') return value !== 0;
  return null;
}

export function fromBool(b: boolean | null): Value {
  return b === null ? null : b ? 1 : 0;
}

/** How a value reads in a report: `-EBUSY`, `bias+1`, `true`-ish numbers stay numbers. */
export function renderValue(value: Value | undefined): string {
  if (value === undefined) return 'unset';
  if (value === null) return 'unknown';
  if (typeof value === 'string') return value;
  if (value < 0 && value > -1000 && ERRNO_NAME.has(-value)) return `-${ERRNO_NAME.get(-value)}`;
  const offset = value - BIAS;
  if (Math.abs(offset) < 2 ** 20) return offset === 0 ? 'bias' : `bias${offset > 0 ? '+' : ''}${offset}`;
  return String(value);
}
