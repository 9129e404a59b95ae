// Re-checking after an edit reuses work cached on the models of unedited
// files (walks, per-root results, per-file tables). Whatever the edit, the
// findings must be exactly those of a cold run over freshly read models.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readSource } from '../../src/parse/workspace';
import { primitiveTable } from '../../src/model/primitives';
import { checkInput } from '../../src/check/input';
import { runChecks } from '../../src/check/registry';
import type { FileModel } from '../../src/model/types';
import { loadParser } from '../helpers';
import type { Finding } from '../../src/check/finding';
import { brief } from './checkHelpers';

const { table } = primitiveTable();

/** A driver split over files: each edit below changes one of them and reaches into the others. */
const SOURCES: Record<string, string> = {
  'core.c': `
static void dev_kick(struct dev *d)
{
	spin_lock(&d->lock);
	dev_flush(d);
	spin_unlock(&d->lock);
}

static void dev_update(struct dev *d)
{
	mutex_lock(&d->cfg_lock);
	mutex_lock(&d->state_lock);
	d->gen++;
	mutex_unlock(&d->state_lock);
	mutex_unlock(&d->cfg_lock);
}

static void dev_stats_reset(struct dev *d)
{
	spin_lock(&d->irq_lock);
	d->polls = 0;
	spin_unlock(&d->irq_lock);
}

int dev_reader(struct dev *d)
{
	int idx, r;

	wait_for_completion(&d->update_done);
	idx = srcu_read_lock(&d->srcu);
	r = d->val;
	srcu_read_unlock(&d->srcu, idx);
	return r;
}
`,
  'helpers.c': `
void dev_flush(struct dev *d)
{
	d->pending = 0;
}

void dev_poll(struct dev *d)
{
	spin_lock(&d->irq_lock);
	d->polls++;
	spin_unlock(&d->irq_lock);
}

irqreturn_t dev_poll_irq(int irq, void *data)
{
	dev_poll(data);
	msleep(1);
	return IRQ_HANDLED;
}
`,
  'update.c': `
int dev_fw_update(struct dev *d)
{
	init_completion(&d->update_done);
	synchronize_srcu(&d->srcu);
	d->val = 0;
	complete_all(&d->update_done);
	return 0;
}
`,
  'irq.c': `
static int dev_probe(struct dev *d)
{
	return 0;
}
`,
};

/** Edits, applied one after another: [file, text to find, replacement]. */
const EDITS: [string, string, string][] = [
  // A callee in another file starts sleeping: dev_kick() now sleeps under its spinlock (RL006).
  ['helpers.c', '\td->pending = 0;', '\td->pending = 0;\n\tmsleep(1);'],
  // The updater stops synchronizing: the reader's early check no longer races (RL001 goes).
  ['update.c', '\tsynchronize_srcu(&d->srcu);\n', ''],
  // ... and synchronizes again.
  ['update.c', '\tinit_completion(&d->update_done);\n', '\tinit_completion(&d->update_done);\n\tsynchronize_srcu(&d->srcu);\n'],
  // A new function takes the two mutexes the other way round (RL002 cycle with core.c).
  ['irq.c', 'static int dev_probe', 'static void dev_reset(struct dev *d)\n{\n\tmutex_lock(&d->state_lock);\n\tmutex_lock(&d->cfg_lock);\n\tmutex_unlock(&d->cfg_lock);\n\tmutex_unlock(&d->state_lock);\n}\n\nstatic int dev_probe'],
  // A registration makes a function in another file a hard IRQ handler: its lock is
  // taken with IRQs on in core.c (RL007) and it sleeps (RL006).
  ['irq.c', '\treturn 0;', '\treturn request_irq(d->irq, dev_poll_irq, 0, "dev", d);'],
  // The registration moves: the handler's findings point at the new line.
  ['irq.c', 'static int dev_probe', '/* probe: the IRQ is requested last */\nstatic int dev_probe'],
  // The sleeping callee is removed altogether: the call in core.c goes nowhere now.
  ['helpers.c', 'void dev_flush(struct dev *d)\n{\n\td->pending = 0;\n\tmsleep(1);\n}\n', ''],
  // ... and comes back in another file, still sleeping.
  ['update.c', 'int dev_fw_update', 'void dev_flush(struct dev *d)\n{\n\tmsleep(1);\n}\n\nint dev_fw_update'],
];

/** Each finding with its related locations: a stale cache shows in either. */
function described(findings: readonly Finding[]): string[] {
  return brief(findings).map((line, i) => `${line} | ${findings[i]!.related.map((r) => `${r.loc.file}:${r.loc.line + 1} ${r.message}`).join('; ')}`);
}

/**
 * Applies EDITS one by one, re-checking over the models of unedited files;
 * `chain` passes each run's input to the next, as the extension does, so
 * cached lookups are re-validated only for names whose definitions changed.
 */
async function replayEdits(chain: boolean): Promise<Set<string>> {
  const parser = await loadParser();
  const read = (name: string, text: string): FileModel => readSource(parser, name, text, { table });
  const texts = { ...SOURCES };
  let models = Object.entries(texts).map(([name, text]) => read(name, text));
  let last = checkInput(models);
  runChecks(last); // warm every cache
  const seen = new Set<string>();
  for (const [file, find, replace] of EDITS) {
    assert.ok(texts[file]!.includes(find), `edit of ${file}: ${JSON.stringify(find)} is in the text`);
    texts[file] = texts[file]!.replace(find, replace);
    models = models.map((m) => (m.file === file ? read(file, texts[file]!) : m));
    last = checkInput(models, [], chain ? last : undefined);
    const incremental = described(runChecks(last));
    const cold = described(runChecks(checkInput(Object.entries(texts).map(([name, text]) => read(name, text)))));
    assert.deepEqual(incremental, cold, `after editing ${file}`);
    for (const finding of cold) seen.add(finding.slice(0, 5));
  }
  return seen;
}

test('after each edit, the re-check over cached models finds exactly what a cold run finds', async () => {
  // The edits exercise the checks whose work is cached per root, per file and per walk.
  assert.deepEqual([...await replayEdits(false)].sort(), ['RL001', 'RL002', 'RL006', 'RL007']);
});

test('... and so does a re-check that follows the last run\'s call graph', async () => {
  assert.deepEqual([...await replayEdits(true)].sort(), ['RL001', 'RL002', 'RL006', 'RL007']);
});
