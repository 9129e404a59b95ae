import { test } from 'node:test';
import assert from 'node:assert/strict';
import { looksLikePatch, modelPatch, readPatch, type PatchedText, type PatchReadResult } from '../../src/parse/patch';
import { primitiveTable } from '../../src/model/primitives';
import { renderFunction } from '../../src/model/render';
import type { FileModel } from '../../src/model/types';
import { fixture, loadParser } from '../helpers';

const { table } = primitiveTable();

/** `line:col text` for each reconstructed line: the text and its place in the patch, in one readable row. */
function rows(patched: PatchedText | undefined): string[] {
  assert.ok(patched, 'no such hunk group');
  const texts = patched.text.split('\n');
  assert.equal(texts.pop(), '', 'text ends with a newline');
  if (patched.text === '') texts.length = 0;
  assert.equal(texts.length, patched.lines.length, 'one mapping per line');
  return texts.map((text, i) => `${patched.lines[i]?.line}:${patched.lines[i]?.col} ${text}`);
}

function problems(result: PatchReadResult): string[] {
  return result.problems.map((p) => `${p.loc.line}:${p.loc.col}-${p.loc.endCol} ${p.severity}: ${p.message}`);
}

function seed(prefix: string): { name: string; text: string } {
  const names: Record<string, string> = {
    '000': '000_ae3e64e89a0db923.txt', '001': '001_fe58d749afbb1e1c.txt', '002': '002_d749ae0c8f641166.txt',
    '003': '003_9c3a4e683cbf76c3.txt', '004': '004_e8fd67d9f64c042f.txt',
  };
  const name = names[prefix] ?? '';
  return { name, text: fixture('seeds', name) };
}

test('seed 001: a quoted struct with collapsed tabs is one fragment under a synthetic name', () => {
  const { name, text } = seed('001');
  const result = readPatch(text, name);
  assert.equal(result.kind, 'quoted');
  assert.deepEqual(problems(result), [
    `51:0-18 info: quoted patch fragment names no file; its functions are filed under \`${name}:52\``,
  ]);
  assert.equal(result.files.length, 1);
  const file = result.files[0]!;
  assert.equal(file.path, `${name}:52`);
  assert.deepEqual(rows(file.post[0]), [
    '51:3 static struct {',
    '52:3  enum module_update_state state;',
    '53:3  int thread_ack;',
    '54:3  /*',
    '55:3  * Protect update_data. Raw spinlock as it will be acquired from',
    '56:3  * interrupt-disabled contexts.',
    '57:3  */',
    '58:3  raw_spinlock_t lock;',
    '59:3 } update_data = {',
    '60:3  .lock = __RAW_SPIN_LOCK_UNLOCKED(update_data.lock)',
    '61:3 };',
  ]);
  assert.equal(file.post[0]?.targetPath, `${name}:52`);
  assert.equal(file.post[0]?.context, undefined);
  assert.deepEqual(rows(file.pre[0]), []);
  assert.deepEqual(file.added, [51, 52, 53, 54, 55, 56, 57, 58, 59, 60, 61]);
  assert.deepEqual(file.removed, []);
});

test('seed 002: a patch quoted three deep keeps its context line whose leading space was eaten', () => {
  const { name, text } = seed('002');
  const result = readPatch(text, name);
  assert.equal(result.kind, 'quoted');
  assert.equal(result.files.length, 1);
  const file = result.files[0]!;
  assert.equal(file.path, `${name}:9`);
  assert.deepEqual(rows(file.post[0]), [
    '8:7 void tdx_mmu_release_hkid(struct kvm *kvm)',
    '9:7 {',
    '10:7  while (__tdx_mmu_release_hkid(kvm) == -EBUSY)',
    '11:7  ;',
    '12:6 }',
  ]);
  assert.deepEqual(rows(file.pre[0]), ['12:6 }']);
  assert.deepEqual(file.added, [8, 9, 10, 11]);
});

test('seed 004: the quoted __tdx_init resumes after the reviewer\'s comment, mapped to the mail lines', () => {
  const { name, text } = seed('004');
  const mailLines = text.split('\n');
  const result = readPatch(text, name);
  assert.equal(result.kind, 'quoted');
  assert.deepEqual(problems(result), [
    `50:0-29 info: quoted patch fragment names no file; its functions are filed under \`${name}:51\``,
  ]);
  assert.equal(result.files.length, 1);
  const post = result.files[0]!.post[0]!;
  const quotedLines = [...Array.from({ length: 31 }, (_, i) => 50 + i), 84, 85];
  assert.deepEqual(post.lines, quotedLines.map((line) => ({ line, col: 2 })));
  assert.equal(post.text, quotedLines.map((line) => `${mailLines[line]?.slice(2)}\n`).join(''));
  const shown = rows(post);
  assert.equal(shown[0], '50:2 static int __tdx_init(void)');
  assert.ok(shown.includes('62:2  cpus_read_lock();'));
  assert.deepEqual(shown.slice(-4), [
    '79:2  if (ret == -ENODEV) {',
    '80:2  pr_info("TDX module is not loaded.\\n");',
    '84:2  goto out;',
    '85:2  }',
  ]);
  assert.ok(!post.text.includes('tdx_module_status'), 'the reviewer\'s comment is not code');
});

test('a format-patch mail: two hunks in one function are one group, opened by the @@ context', () => {
  const result = readPatch(fixture('patches', 'kvm-fw-lock.patch'), 'kvm-fw-lock.patch');
  assert.equal(result.kind, 'mail');
  assert.deepEqual(problems(result), []);
  assert.equal(result.files.length, 1);
  const file = result.files[0]!;
  assert.equal(file.path, 'virt/kvm/kvm_fw.c');
  assert.equal(file.post.length, 1);
  const context = 'static int kvm_fw_refresh_vcpus(struct kvm *kvm, struct kvm_fw *fw)';
  assert.equal(file.post[0]?.context, context);
  assert.equal(file.post[0]?.targetPath, 'virt/kvm/kvm_fw.c');
  assert.deepEqual(rows(file.post[0]), [
    `18:20 ${context} {`,
    '18:0 /*', // the hunk starts inside a comment
    '19:1 \t * Every vCPU must see the new firmware state before it',
    '20:1 \t * re-enters the guest.',
    '21:1 \t */',
    '22:1 \tmutex_lock(&kvm->lock);',
    '23:1 ',
    '24:1 \tkvm_for_each_vcpu(i, vcpu, kvm) {',
    '25:1 \t\tret = kvm_fw_load_vcpu(vcpu, fw);',
    '26:1 \t\tif (ret)',
    '27:0 ;', // ends the dangling `if` at the gap between the hunks
    '27:0 }', // closes the loop: the next hunk's first line is one tab deep
    '28:1 ',
    '29:1 \tfw->generation++;',
    '30:1 \ttrace_kvm_fw_refresh(kvm, fw->generation);',
    '31:1 \tmutex_unlock(&kvm->lock);',
    '32:1 \treturn ret;',
    '33:1 }',
    '34:1 ',
  ]);
  assert.deepEqual(rows(file.pre[0]).filter((row) => /mutex/.test(row)), []);
  assert.equal(rows(file.pre[0]).length, 16);
  assert.deepEqual(file.added, [22, 23, 31]);
  assert.deepEqual(file.removed, []);
});

test('an mbox series: each patch is read on its own, with struct and function-brace openers', () => {
  const result = readPatch(fixture('patches', 'series.mbox'), 'series.mbox');
  assert.equal(result.kind, 'mbox');
  assert.deepEqual(problems(result), []);
  assert.deepEqual(result.files.map((f) => f.path), ['include/linux/kvm_fw.h', 'virt/kvm/kvm_fw.c', 'virt/kvm/kvm_fw.c']);
  const [header, init, setState] = result.files;
  assert.deepEqual(rows(header?.post[0]), [
    '18:18 struct kvm_fw {',
    '19:1 \tstruct srcu_struct srcu;',
    '20:1 \tstruct completion completion;',
    '21:1 \tbool update;',
    '22:1 \t/* Serializes writers of @state. */',
    '23:1 \tstruct mutex update_lock;',
    '24:1 \tenum kvm_fw_state state;',
    '25:1 \tu64 generation;',
    '26:1 };',
  ]);
  // The hunk starts at the function's `{`: the opener is the bare header.
  assert.deepEqual(rows(init?.post[0]), [
    '31:18 int kvm_fw_init(struct kvm_fw *fw)',
    '32:1 {',
    '33:1 \tint ret;',
    '34:1 ',
    '35:1 \tmutex_init(&fw->update_lock);',
    '36:1 \tret = init_srcu_struct(&fw->srcu);',
    '37:1 \tif (ret)',
    '38:1 \t\treturn ret;',
  ]);
  const opener = '60:20 static void kvm_fw_set_state(struct kvm_fw *fw, enum kvm_fw_state state) {';
  const unchanged = ['61:1 \tif (WARN_ON_ONCE(state >= KVM_FW_NR_STATES))', '62:1 \t\treturn;', '63:1 '];
  const tail = ['70:1 \twake_up_all(&fw->state_wq);', '71:1 }', '72:1 '];
  assert.deepEqual(rows(setState?.post[0]), [opener, ...unchanged,
    '65:1 \tmutex_lock(&fw->update_lock);', '66:1 \tfw->state = state;', '67:1 \tfw->generation++;',
    '69:1 \tmutex_unlock(&fw->update_lock);', ...tail]);
  assert.deepEqual(rows(setState?.pre[0]), [opener, ...unchanged,
    '64:1 \tspin_lock(&fw->state_lock);', '66:1 \tfw->state = state;', '67:1 \tfw->generation++;',
    '68:1 \tspin_unlock(&fw->state_lock);', ...tail]);
  assert.deepEqual(setState?.added, [65, 69]);
  assert.deepEqual(setState?.removed, [64, 68]);
});

test('a plain git diff: ops table, deep hunk start, new, deleted and binary files', () => {
  const result = readPatch(fixture('patches', 'plain.diff'), 'plain.diff');
  assert.equal(result.kind, 'diff');
  assert.deepEqual(problems(result), [
    '55:0-105 info: binary change to `Documentation/virt/kvm/tdx-locking.png` is not read',
  ]);
  assert.deepEqual(result.files.map((f) => f.path), [
    'arch/x86/kvm/vmx/main.c', 'arch/x86/kvm/vmx/tdx.c', 'arch/x86/kvm/vmx/tdx_fw.c', 'arch/x86/kvm/vmx/tdx_old.c',
  ]);
  const [ops, tdx, added, deleted] = result.files;
  assert.deepEqual(rows(ops?.post[0]), [
    '4:20 struct kvm_x86_ops vt_x86_ops __initdata = {',
    '5:1 \t.vm_init = vt_vm_init,',
    '6:1 \t.vm_pre_destroy = vt_vm_pre_destroy,',
    '8:1 \t.vm_destroy = vt_vm_destroy,',
    '9:1 ',
    '10:1 \t.vcpu_precreate = vt_vcpu_precreate,',
    '11:1 \t.vcpu_create = vt_vcpu_create,',
    '11:32 };', // an initializer the hunk leaves open is closed, or tree-sitter loses its bindings
  ]);
  assert.equal(rows(ops?.pre[0])[3], '7:1 \t.vm_destroy = vmx_vm_destroy,');
  // The context is the first line of a multi-line header: its parenthesis is
  // closed. The hunk starts two tabs deep, so a `{` keeps the `}` below from
  // closing the function.
  assert.deepEqual(rows(tdx?.post[0]), [
    '16:21 static int tdx_td_init(struct kvm *kvm) {',
    '16:0 {',
    '17:1 \t\tif (ret)',
    '18:1 \t\t\tgoto out;',
    '19:1 \t}',
    '20:1 \tcpus_read_lock();',
    '21:1 \tret = tdx_td_finish(kvm);',
    '22:1 \tcpus_read_unlock();',
    '23:1 out:',
    '24:1 \tkfree(params);',
    '25:1 \treturn ret;',
    '26:1 }',
  ]);
  assert.equal(tdx?.post[0]?.context, 'static int tdx_td_init(struct kvm *kvm,');
  assert.deepEqual(rows(added?.post[0]), [
    '33:1 // SPDX-License-Identifier: GPL-2.0',
    '34:1 #include <linux/kvm_host.h>',
    '35:1 ',
    '36:1 static DEFINE_MUTEX(tdx_fw_lock);',
    '37:1 ',
    '38:1 void tdx_fw_lock_all(void)',
    '39:1 {',
    '40:1 \tmutex_lock(&tdx_fw_lock);',
    '41:1 }',
  ]);
  assert.deepEqual(rows(added?.pre[0]), []);
  assert.deepEqual(added?.added, [33, 34, 35, 36, 37, 38, 39, 40, 41]); // not the `\ No newline` line
  assert.deepEqual(rows(deleted?.post[0]), []);
  assert.deepEqual(rows(deleted?.pre[0]), ['49:1 void tdx_old_flush(void)', '50:1 {', '51:1 \twbinvd_on_all_cpus();', '52:1 }']);
  assert.deepEqual(deleted?.removed, [49, 50, 51, 52]);
});

test('CRLF line ends read the same as LF', () => {
  const lf = fixture('patches', 'plain.diff');
  assert.deepEqual(readPatch(lf.replace(/\n/g, '\r\n'), 'plain.diff'), readPatch(lf, 'plain.diff'));
});

test('a truncated patch: a warning at the @@ line, and the lines that are there', () => {
  const result = readPatch(fixture('patches', 'truncated.patch'), 'truncated.patch');
  assert.equal(result.kind, 'diff');
  assert.deepEqual(problems(result), [
    '4:0-67 warning: hunk is cut short: its header promises 12 old and 14 new lines, the body has 6 and 7 ' +
    '(truncated patch?); the lines that are there are read',
  ]);
  assert.deepEqual(rows(result.files[0]?.post[0]), [
    '4:24 static void kvm_destroy_vm(struct kvm *kvm) {',
    '5:1 \tkvm_destroy_pm_notifier(kvm);',
    '6:1 \tkvm_uevent_notify_change(KVM_EVENT_DESTROY_VM, kvm);',
    '7:1 \tkvm_destroy_vm_debugfs(kvm);',
    '8:1 \tfw_idx = kvm_get_fw(kvm);',
    '9:1 \tkvm_arch_sync_events(kvm);',
    '10:1 \tmutex_lock(&kvm_lock);',
    '11:1 \tlist_del(&kvm->vm_list);',
  ]);
});

test('hunk counts that do not match the body: short hunks, lines past the counts, bad headers', () => {
  const diff = [
    '--- a/kvm.c', //                      0
    '+++ b/kvm.c', //                      1
    '@@ -1,3 +1,4 @@ void a(void)', //     2: promises 3 old lines, has 2
    ' \tx();',
    '+\ty();',
    ' \tz();',
    '--- a/other.c', //                    6
    '+++ b/other.c',
    '@@ -1,1 +1,1 @@ void b(void)', //     8
    '-\told();',
    '+\tnew();',
    '+\tstray();', //                      11: past the counts
    '@@ -x +y @@', //                      12
  ].join('\n');
  const result = readPatch(diff, 'counts.diff');
  assert.deepEqual(problems(result), [
    '2:0-28 warning: hunk is cut short: its header promises 3 old and 4 new lines, the body has 2 and 3 ' +
    '(truncated patch?); the lines that are there are read',
    '11:0-10 warning: this line looks like part of the hunk above, but the hunk header\'s line counts are used up; not read',
    '12:0-11 warning: unreadable hunk header; the hunk is skipped',
  ]);
  assert.deepEqual(result.files.map((f) => f.path), ['kvm.c', 'other.c']);
  assert.deepEqual(rows(result.files[1]?.post[0]), ['8:16 void b(void) {', '10:1 \tnew();']);
});

test('hunks in different functions are separate groups; comments cut by a hunk are closed', () => {
  const diff = [
    '--- a/kvm.c',
    '+++ b/kvm.c',
    '@@ -10,3 +10,4 @@ static void foo(void)', //  2
    ' \tbar();',
    '+\tbaz();',
    ' \t/*',
    ' \t * cut off by the hunk',
    '@@ -30,2 +31,3 @@ static void foo(void)', //  7
    ' \tqux();',
    '+\tquux();',
    ' }',
    '@@ -50,2 +52,3 @@ static int other(void)', // 11
    ' \tlock();',
    '+\tunlock();',
    ' }',
  ].join('\n');
  const result = readPatch(diff, 'groups.diff');
  assert.deepEqual(problems(result), []);
  const file = result.files[0]!;
  assert.equal(file.post.length, 2);
  assert.deepEqual(rows(file.post[0]), [
    '2:18 static void foo(void) {',
    '3:1 \tbar();',
    '4:1 \tbaz();',
    '5:1 \t/*',
    '6:1 \t * cut off by the hunk',
    '6:24  */',
    '8:1 \tqux();',
    '9:1 \tquux();',
    '10:1 }',
  ]);
  assert.deepEqual(rows(file.post[1]), ['11:18 static int other(void) {', '12:1 \tlock();', '13:1 \tunlock();', '14:1 }']);
  assert.equal(file.pre.length, 2);
});

test('hunks merged inside a switch: case labels and a column-0 goto label set the nesting at the gaps', () => {
  const diff = [
    '--- a/kvm.c',
    '+++ b/kvm.c',
    '@@ -20,3 +20,4 @@ static long kvm_dev_ioctl(struct file *filp, unsigned int ioctl,', // 2
    ' \tswitch (ioctl) {',
    ' \tcase KVM_GET_API_VERSION:',
    '+\t\tmutex_lock(&kvm_lock);',
    ' \t\tr = KVM_API_VERSION;',
    '@@ -40,3 +41,4 @@ static long kvm_dev_ioctl(struct file *filp, unsigned int ioctl,', // 7
    ' \tcase KVM_CREATE_VM:',
    ' \t\tr = kvm_dev_ioctl_create_vm(arg);',
    '+\t\tmutex_unlock(&kvm_lock);',
    ' \t\tbreak;',
    '@@ -60,3 +62,4 @@ static long kvm_dev_ioctl(struct file *filp, unsigned int ioctl,', // 12
    ' out:',
    '+\tmutex_unlock(&kvm_lock);',
    ' \treturn r;',
    ' }',
  ].join('\n');
  const result = readPatch(diff, 'switch.diff');
  assert.deepEqual(problems(result), []);
  assert.equal(result.files[0]?.post.length, 1);
  assert.deepEqual(rows(result.files[0]?.post[0]), [
    '2:18 static long kvm_dev_ioctl(struct file *filp, unsigned int ioctl) {',
    '3:1 \tswitch (ioctl) {',
    '4:1 \tcase KVM_GET_API_VERSION:',
    '5:1 \t\tmutex_lock(&kvm_lock);',
    '6:1 \t\tr = KVM_API_VERSION;',
    '8:1 \tcase KVM_CREATE_VM:', // still inside the switch: no `}` at this gap
    '9:1 \t\tr = kvm_dev_ioctl_create_vm(arg);',
    '10:1 \t\tmutex_unlock(&kvm_lock);',
    '11:1 \t\tbreak;',
    '12:0 }', // the label is at function level: the switch is closed at this gap
    '13:1 out:',
    '14:1 \tmutex_unlock(&kvm_lock);',
    '15:1 \treturn r;',
    '16:1 }',
  ]);
});

test('a hunk that starts at top level after the context function gets no opener', () => {
  const diff = [
    '--- a/kvm.c',
    '+++ b/kvm.c',
    '@@ -30,3 +30,7 @@ static void old_fn(struct kvm *kvm)',
    ' }',
    ' ',
    '+static void new_fn(struct kvm *kvm)',
    '+{',
    '+\tspin_lock(&kvm->mmu_lock);',
    '+}',
    ' EXPORT_SYMBOL_GPL(old_fn);',
  ].join('\n');
  const result = readPatch(diff, 'top.diff');
  assert.deepEqual(problems(result), []);
  assert.deepEqual(rows(result.files[0]?.post[0]), [
    '3:1 }',
    '4:1 ',
    '5:1 static void new_fn(struct kvm *kvm)',
    '6:1 {',
    '7:1 \tspin_lock(&kvm->mmu_lock);',
    '8:1 }',
    '9:1 EXPORT_SYMBOL_GPL(old_fn);',
  ]);
  assert.equal(result.files[0]?.post[0]?.context, 'static void old_fn(struct kvm *kvm)');
});

test('a review quoting a whole patch: headers give the path, bullets are not code, the comment is skipped', () => {
  const result = readPatch(fixture('patches', 'review-full-quote.txt'), 'review-full-quote.txt');
  assert.equal(result.kind, 'quoted');
  assert.deepEqual(problems(result), []);
  assert.deepEqual(result.files.map((f) => f.path), ['virt/kvm/kvm_fw.c']);
  const file = result.files[0]!;
  assert.equal(file.post[0]?.context, 'static void kvm_fw_set_state(struct kvm_fw *fw, enum kvm_fw_state state)');
  assert.deepEqual(rows(file.post[0]), [
    '14:22 static void kvm_fw_set_state(struct kvm_fw *fw, enum kvm_fw_state state) {',
    '15:3 \tif (WARN_ON_ONCE(state >= KVM_FW_NR_STATES))',
    '16:3 \t\treturn;',
    '17:1 ',
    '19:3 \tmutex_lock(&fw->update_lock);',
    '24:3 \tfw->state = state;',
    '25:3 \tfw->generation++;',
    '27:3 \tmutex_unlock(&fw->update_lock);',
    '28:3 \twake_up_all(&fw->state_wq);',
    '29:3 }',
  ]);
  assert.deepEqual(file.added, [19, 27]);
  assert.deepEqual(file.removed, [18, 26]);
});

test('quotes without spaces, and a quoted @@ header without a file header', () => {
  const mail = [
    'Carol wrote:', //                                                   0
    '>> On Mon, Bob wrote:', //                                          1
    '>>> @@ -5,4 +5,5 @@ static void vt_flush(struct kvm *kvm)', //     2
    '>>>  \tspin_lock(&kvm->mmu_lock);',
    '>>> +\tkvm_flush_remote_tlbs(kvm);',
    '>>>  \tspin_unlock(&kvm->mmu_lock);',
    '>> Why flush under the lock?',
    'Because the flush must not race with a fault.',
  ].join('\n');
  const result = readPatch(mail, 'reply.eml');
  assert.equal(result.kind, 'quoted');
  assert.deepEqual(problems(result), [
    '2:0-57 info: quoted patch fragment names no file; its functions are filed under `reply.eml:3`',
  ]);
  const file = result.files[0]!;
  assert.deepEqual(rows(file.post[0]), [
    '2:20 static void vt_flush(struct kvm *kvm) {',
    '3:5 \tspin_lock(&kvm->mmu_lock);',
    '4:5 \tkvm_flush_remote_tlbs(kvm);',
    '5:5 \tspin_unlock(&kvm->mmu_lock);',
  ]);
  assert.deepEqual(rows(file.pre[0]), [
    '2:20 static void vt_flush(struct kvm *kvm) {',
    '3:5 \tspin_lock(&kvm->mmu_lock);',
    '5:5 \tspin_unlock(&kvm->mmu_lock);',
  ]);
});

test('quoted bullet lists and prose are not patches', () => {
  const mail = [
    '> The rules are:',
    '> - kvm->lock is taken outside vcpu->mutex;',
    '> - cpus_read_lock() is taken outside kvm_lock;',
    '> + and the srcu read side nests inside both.',
    'Agreed.',
  ].join('\n');
  const result = readPatch(mail, 'thread.txt');
  assert.equal(result.kind, 'none');
  assert.deepEqual(result.files, []);
  assert.deepEqual(problems(result), ['0:0-0 info: no unified diff, patch mail or quoted patch found']);
});

test('binary junk is refused with the place of the first NUL or control character', () => {
  const png = '\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\x01\0';
  const nul = readPatch(png, 'image.patch');
  assert.deepEqual(nul.files, []);
  assert.equal(nul.kind, 'none');
  assert.deepEqual(problems(nul), ['2:0-1 error: binary data, not a patch or mail (a NUL byte at line 3, column 1); not read']);

  const controls = Array.from({ length: 200 }, (_, i) => String.fromCharCode(1 + ((i * 7) % 30))).join('');
  assert.deepEqual(problems(readPatch(controls, 'junk.txt')),
    ['0:0-1 error: binary data, not a patch or mail (mostly control characters at line 1, column 1); not read']);
});

test('junk after a readable start is reported, and the patch before it is still read', () => {
  const patch = fixture('patches', 'truncated.patch');
  const padding = `${'x'.repeat(100)}\n`.repeat(100);
  const result = readPatch(`${patch}${padding}\0\0junk`, 'tail.patch');
  assert.equal(result.files.length, 1);
  const junkLine = patch.split('\n').length - 1 + 100;
  assert.deepEqual(problems(result).filter((p) => p.includes('binary')),
    [`${junkLine}:0-1 warning: binary data from line ${junkLine + 1} (a NUL byte); hunks there are likely misread`]);
});

test('a 10 MB file is refused with its size', () => {
  const result = readPatch('x'.repeat(10 * 1024 * 1024), 'huge.mbox');
  assert.deepEqual(result.files, []);
  assert.deepEqual(problems(result), ['0:0-0 error: file is 10.0 MB; patches and mails over 8 MB are not read']);
});

test('empty input and a hunk without a file header', () => {
  assert.deepEqual(problems(readPatch('', 'empty.patch')), ['0:0-0 info: no unified diff, patch mail or quoted patch found']);
  const result = readPatch('@@ -1,2 +1,3 @@\n a();\n+b();\n c();\n', 'snippet.diff');
  assert.equal(result.kind, 'diff');
  assert.deepEqual(problems(result), [
    '0:0-15 info: hunk without a file header (`+++ b/...`); its functions are filed under `snippet.diff:1`',
  ]);
  assert.deepEqual(rows(result.files[0]?.post[0]), ['1:1 a();', '2:1 b();', '3:1 c();']);
});

test('an encoded mail body is flagged', () => {
  const mail = 'From: a@example.org\nSubject: [PATCH] x\nContent-Transfer-Encoding: quoted-printable\n\nbody\n';
  assert.deepEqual(problems(readPatch(mail, 'qp.eml')), [
    '0:0-0 info: no unified diff, patch mail or quoted patch found',
    '2:0-43 warning: the body is quoted-printable and is read as is: `=XX` escapes and `=` soft line breaks are not decoded',
  ]);
});

test('looksLikePatch routes patches, mails and quoting reviews, not notes or docs', () => {
  for (const prefix of ['001', '002', '004']) assert.equal(looksLikePatch(seed(prefix).text), true, prefix);
  for (const prefix of ['000', '003']) assert.equal(looksLikePatch(seed(prefix).text), false, prefix);
  for (const name of ['kvm-fw-lock.patch', 'series.mbox', 'plain.diff', 'truncated.patch', 'review-full-quote.txt']) {
    assert.equal(looksLikePatch(fixture('patches', name)), true, name);
  }
  assert.equal(looksLikePatch('> - one bullet;\nplain text\n'), false);
  assert.equal(looksLikePatch(''), false);
});

/** Each function as `racelens graph` prints it (1-based lines), after the file it is filed under. */
function functionsOf(model: FileModel): string[] {
  return model.functions.map((fn) => `${fn.file} ${fn.loc.file}:${fn.loc.line}:${fn.loc.col}\n${renderFunction(fn)}`);
}

test('modelPatch: post and pre sides of a format-patch mail, located in the mail', async () => {
  const parser = await loadParser();
  const model = modelPatch(parser, fixture('patches', 'kvm-fw-lock.patch'), 'kvm-fw-lock.patch', { table });
  assert.equal(model.file, 'kvm-fw-lock.patch');
  assert.deepEqual(model.problems, []);
  assert.deepEqual(functionsOf(model), [
    'virt/kvm/kvm_fw.c kvm-fw-lock.patch:18:31\n' +
    'fn kvm_fw_refresh_vcpus(kvm, fw) [patch-post] @19\n' +
    '  call mutex_lock(&kvm->lock) [mutex.acquire exclusive kvm.lock sleeps] @23\n' +
    '  loop kvm_for_each_vcpu kvm_for_each_vcpu(i, vcpu, kvm) @25\n' +
    '    call kvm_fw_load_vcpu(vcpu, fw) -> ret @26\n' +
    '    if ret {local:ret} @27\n' +
    '  store fw.generation = fw->generation++ @30\n' +
    '  call trace_kvm_fw_refresh(kvm, fw->generation) @31\n' +
    '  call mutex_unlock(&kvm->lock) [mutex.release exclusive kvm.lock] @32\n' +
    '  return ret @33',
    'virt/kvm/kvm_fw.c kvm-fw-lock.patch:18:31\n' +
    'fn kvm_fw_refresh_vcpus(kvm, fw) [patch-pre] @19\n' +
    '  loop kvm_for_each_vcpu kvm_for_each_vcpu(i, vcpu, kvm) @25\n' +
    '    call kvm_fw_load_vcpu(vcpu, fw) -> ret @26\n' +
    '    if ret {local:ret} @27\n' +
    '  store fw.generation = fw->generation++ @30\n' +
    '  call trace_kvm_fw_refresh(kvm, fw->generation) @31\n' +
    '  return ret @33',
  ]);
  const lock = model.functions[0]?.body[0];
  assert.deepEqual(lock?.loc, { file: 'kvm-fw-lock.patch', line: 22, col: 2, endLine: 22, endCol: 24 });
});

test('modelPatch: seed 004\'s quoted __tdx_init, with the statements after the interruption', async () => {
  const parser = await loadParser();
  const { name, text } = seed('004');
  const model = modelPatch(parser, text, name, { table });
  assert.deepEqual(functionsOf(model), [
    `${name}:51 ${name}:50:13\n` +
    'fn __tdx_init() [patch-post] @51\n' +
    '  call cpus_read_lock() [cpu_hotplug.acquire shared cpu_hotplug_lock sleeps] @63\n' +
    '  call num_online_cpus() @73\n' +
    '  if disabled_cpus || num_online_cpus() != num_processors ' +
    '{object:disabled_cpus, result:num_online_cpus, object:num_processors} @73\n' +
    '    call pr_err("Unable to initialize the TDX module when there\'s offline CPU(s).\\n") @74\n' +
    '    set ret = -EINVAL @75\n' +
    '    goto out @76\n' +
    '  call init_tdx_module() -> ret @79\n' +
    '  if ret == -ENODEV {local:ret} @80\n' +
    '    call pr_info("TDX module is not loaded.\\n") @81\n' +
    '    goto out @85',
  ]);
  assert.deepEqual(model.problems.map((p) => `${p.loc.line} ${p.severity}`), ['50 info']);
});

test('modelPatch: ops bindings from the post side only, objects once, readPatch problems kept', async () => {
  const parser = await loadParser();
  const diff = modelPatch(parser, fixture('patches', 'plain.diff'), 'plain.diff', { table });
  assert.deepEqual(diff.opsBindings.map((b) => `${b.table}.${b.member} = ${b.target} @${b.loc.line}:${b.loc.col}`), [
    'vt_x86_ops.vm_init = vt_vm_init @5:3',
    'vt_x86_ops.vm_pre_destroy = vt_vm_pre_destroy @6:3',
    'vt_x86_ops.vm_destroy = vt_vm_destroy @8:3',
    'vt_x86_ops.vcpu_precreate = vt_vcpu_precreate @10:3',
    'vt_x86_ops.vcpu_create = vt_vcpu_create @11:3',
  ]);
  assert.deepEqual(diff.functions.map((fn) => `${fn.name} ${fn.origin} ${fn.file}`), [
    'tdx_td_init patch-post arch/x86/kvm/vmx/tdx.c',
    'tdx_td_init patch-pre arch/x86/kvm/vmx/tdx.c',
    'tdx_fw_lock_all patch-post arch/x86/kvm/vmx/tdx_fw.c',
    'tdx_old_flush patch-pre arch/x86/kvm/vmx/tdx_old.c',
  ]);
  assert.deepEqual(diff.problems.map((p) => `${p.loc.file}:${p.loc.line} ${p.severity}`), ['plain.diff:55 info']);

  const series = modelPatch(parser, fixture('patches', 'series.mbox'), 'series.mbox', { table });
  assert.deepEqual(series.objects.map((o) => `${o.id}: ${o.type} @${o.loc.file}:${o.loc.line}:${o.loc.col}`), [
    'kvm_fw.srcu: srcu_struct @series.mbox:19:21',
    'kvm_fw.completion: completion @series.mbox:20:20',
    'kvm_fw.update_lock: mutex @series.mbox:23:15',
  ]);
});
