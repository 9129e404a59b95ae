// Synchronization objects as the reviewer meets them: every place a file
// acts on one (sync sites), and what to say about an object — its class, how
// each use was identified, its aliases, where else it is used. Shared by the
// hover on a sync operation and the Explain Object page.

import { resolveAlias, type Aliases } from '../model/objects';
import type { FileModel, ObjectRef, SourceLoc, Stmt } from '../model/types';
import type { LinkFn } from './lockGraphReport';

export interface SyncSite {
  object: ObjectRef;
  /** The primitive (`srcu_read_lock`), or `store`/`load` for a plain access. */
  primitive: string;
  /** The call or statement as written. */
  text: string;
  /** The function it is in; `timeline` for a row of a typed CPU timeline. */
  fn: string;
  loc: SourceLoc;
}

function walk(body: readonly Stmt[], fn: string, into: SyncSite[]): void {
  for (const stmt of body) {
    switch (stmt.kind) {
      case 'call':
        if (stmt.op?.object && !stmt.op.implicit) into.push({ object: stmt.op.object, primitive: stmt.op.primitive, text: stmt.text, fn, loc: stmt.loc });
        if (stmt.body) walk(stmt.body, stmt.dispatch?.[0] ?? stmt.callee, into);
        break;
      case 'access': into.push({ object: stmt.object, primitive: stmt.access, text: stmt.text, fn, loc: stmt.loc }); break;
      case 'branch': walk(stmt.then, fn, into); walk(stmt.else, fn, into); break;
      case 'switch': for (const c of stmt.cases) walk(c.body, fn, into); break;
      case 'loop': walk(stmt.head, fn, into); walk(stmt.body, fn, into); break;
      default: break;
    }
  }
}

/** Every sync operation and shared access in a file, in source order. */
export function syncSites(model: FileModel): SyncSite[] {
  const sites: SyncSite[] = [];
  for (const fn of model.functions) walk(fn.body, fn.name, sites);
  // A timeline row is one line: its own operation only (what the reader nested under it has no place of its own).
  for (const event of model.timelines.flatMap((t) => t.events)) {
    const stmt = event.stmt;
    if (stmt?.kind === 'call' && stmt.op?.object) sites.push({ object: stmt.op.object, primitive: stmt.op.primitive, text: stmt.text, fn: 'timeline', loc: stmt.loc });
    else if (stmt?.kind === 'access') sites.push({ object: stmt.object, primitive: stmt.access, text: stmt.text, fn: 'timeline', loc: stmt.loc });
  }
  return sites.sort((a, b) => a.loc.line - b.loc.line || a.loc.col - b.loc.col);
}

/** The site whose call covers (line, col), the innermost (latest starting) when several do. */
export function siteAt(sites: readonly SyncSite[], line: number, col: number): SyncSite | undefined {
  let found: SyncSite | undefined;
  for (const site of sites) {
    const { loc } = site;
    const after = line > loc.line || (line === loc.line && col >= loc.col);
    const before = line < loc.endLine || (line === loc.endLine && col <= loc.endCol);
    if (after && before) found = site;
  }
  return found;
}

/** Names that stand for `id` through the aliases: a whole class (`kvm_fw.srcu`), or its owner (`kvm_fw` gives `kvm_fw.srcu`). */
export function aliasesOf(id: string, aliases: Aliases): string[] {
  const dot = id.indexOf('.');
  const owner = dot > 0 ? id.slice(0, dot) : undefined;
  const names: string[] = [];
  for (const from of aliases.keys()) {
    const to = resolveAlias(from, aliases);
    if (to === id) names.push(from);
    else if (owner !== undefined && to === owner) names.push(`${from}${id.slice(dot)}`);
  }
  return names.sort();
}

const where = (loc: SourceLoc): string => `${loc.file.split(/[\\/]/).pop() ?? loc.file}:${loc.line + 1}`;

function useLine(site: SyncSite, link: LinkFn): string {
  return `${link(site.loc, where(site.loc))} \`${site.primitive}\` in ${site.fn === 'timeline' ? 'a typed timeline' : `${site.fn}()`}`;
}

/** The hover on a sync operation: the object, how this use was identified, where else it is used. */
export function objectHover(site: SyncSite, all: readonly SyncSite[], link: LinkFn, max = 8): string {
  const others = all.filter((s) => s.object.id === site.object.id && s !== site && !(s.loc.file === site.loc.file && s.loc.line === site.loc.line));
  const out = [
    `**${site.object.id}** — acted on by \`${site.primitive}\``,
    '',
    `Identified by ${site.object.identifiedBy}.`,
    '',
  ];
  if (others.length === 0) out.push('Used nowhere else in what is open.');
  else {
    out.push(`Also used at (${others.length}):`, '');
    for (const s of others.slice(0, max)) out.push(`- ${useLine(s, link)}`);
    if (others.length > max) out.push(`- … ${others.length - max} more (RaceLens: Explain Object)`);
  }
  return out.join('\n');
}

/** The Explain Object page: every way the object is written and identified, its aliases, all its uses. */
export function explainObjectMarkdown(id: string, all: readonly SyncSite[], aliases: Aliases, link: LinkFn): string {
  const uses = all.filter((s) => s.object.id === id);
  const out = [`# ${id}`, ''];
  if (uses.length === 0) {
    out.push(`Nothing in the open workspace acts on \`${id}\`.`);
    return out.join('\n');
  }
  out.push('Objects are named like lockdep\'s lock classes: the owner and the member (`&kvm->fw->srcu` and `&fw->srcu` are both `fw.srcu`), or the global\'s name.', '');
  out.push('## How it was identified', '');
  const ways = new Map<string, SyncSite[]>();
  for (const s of uses) ways.set(s.object.identifiedBy, [...(ways.get(s.object.identifiedBy) ?? []), s]);
  for (const [how, sites] of ways) out.push(`- ${how} (${sites.length} use${sites.length === 1 ? '' : 's'}, first at ${link(sites[0]!.loc, where(sites[0]!.loc))})`);
  out.push('', '## Aliases', '');
  const names = aliasesOf(id, aliases);
  out.push(names.length > 0 ? names.map((n) => `- \`${n}\` → \`${id}\``).join('\n') : 'None configured (settings `racelens.aliases`, `.racelens.json` `aliases`).');
  out.push('', `## Uses (${uses.length})`, '');
  const byPrimitive = new Map<string, SyncSite[]>();
  for (const s of uses) byPrimitive.set(s.primitive, [...(byPrimitive.get(s.primitive) ?? []), s]);
  for (const [primitive, sites] of [...byPrimitive].sort(([a], [b]) => a.localeCompare(b))) {
    out.push(`### ${primitive}`, '');
    for (const s of sites) out.push(`- ${useLine(s, link)}: \`${s.text.replace(/`/g, "'")}\``);
    out.push('');
  }
  return out.join('\n');
}
