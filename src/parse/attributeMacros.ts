// Kernel annotations the C grammar does not know: section and attribute
// macros without arguments (include/linux/init.h, compiler_attributes.h,
// compiler_types.h, linkage.h). Between a return type and a name they make
// tree-sitter misread a definition: `static int __init foo(void)` parses as a
// declaration `static int __init` and a function returning `foo`. Sparse's
// address-space and type annotations (`void __user *argp`, `__rcu`, `__iomem`;
// include/linux/compiler_types.h) are blanked too: the grammar reads each as an
// ERROR, and its error recovery cost a tenth of the parse on ioctl-heavy code.
// They are blanked out with spaces before parsing; offsets, rows and columns stay the
// same, so the model's text is still read from the file as written.

const ATTRIBUTE_MACROS = [
  '__init', '__exit', '__initdata', '__exitdata', '__initconst', '__init_or_module', '__ref', '__refdata',
  '__meminit', '__meminitdata', '__init_memblock', '__net_init', '__net_exit', '__cpuinit', '__devinit', '__devexit',
  '__cold', '__hot', '__weak', '__maybe_unused', '__always_unused', '__used', '__sched', '__cpuidle', '__kprobes',
  'notrace', 'noinline', '__always_inline', '__noreturn', '__pure', '__must_check', '__visible', 'asmlinkage',
  'noinstr', '__flatten', '__noclone', '__nocfi', '__ro_after_init', '__read_mostly', '__latent_entropy',
  '__attribute_const__', '__malloc', 'noinline_for_stack', '__no_kcsan', '__no_sanitize_address', '__no_sanitize_thread',
  '__irq_entry', '__head', '__naked', '__noendbr', '__deprecated', '__init_refok', '__exit_refok',
  // sparse (compiler_types.h): what the checker reads, the grammar cannot
  '__user', '__kernel', '__iomem', '__percpu', '__rcu', '__force', '__bitwise', '__private', '__nocast', '__safe',
];

const ATTRIBUTE = new RegExp(`\\b(?:${ATTRIBUTE_MACROS.join('|')})\\b`, 'g');

/** `text` with each attribute macro replaced by as many spaces; each one's start and end go to `changed`. */
export function blankAttributeMacros(text: string, changed: number[] = []): string {
  return text.replace(ATTRIBUTE, (word: string, at: number) => {
    changed.push(at, at + word.length);
    return ' '.repeat(word.length);
  });
}
