// Hovers. On a flagged operation: the finding's code and evidence, its
// witness as a compact numbered timeline (one column per CPU), and links to
// open, copy or re-run it. On a notes assertion: its verdict, and when a
// `never` holds, the orderings that keep the two points apart. On any sync
// operation: the object it acts on, how that was identified, where else it
// is used.

import * as vscode from 'vscode';
import { evidenceLabel, FINDING_TITLES, type Finding } from '../../check/finding';
import { objectHover, siteAt } from '../../report/objectReport';
import { renderCompactTimeline } from '../../report/timelineTable';
import { findingKey, type AssertionView } from '../analysis/protocol';
import { READ_SELECTOR } from '../locations';
import type { Services } from '../services';

export const HOVER_COMMANDS = ['racelens.showTimeline', 'racelens.copyTimeline', 'racelens.simulateRace', 'racelens.explainObject'];

export function commandLink(title: string, command: string, args: unknown): string {
  return `[${title}](command:${command}?${encodeURIComponent(JSON.stringify([args]))})`;
}

export function register(s: Services): void {
  s.context.subscriptions.push(vscode.languages.registerHoverProvider(READ_SELECTOR, {
    provideHover: (document, position) => provide(s, document, position),
  }));
}

function provide(s: Services, document: vscode.TextDocument, position: vscode.Position): vscode.Hover | undefined {
  const key = s.keys.keyOf(document.uri, document.languageId);
  const parts: vscode.MarkdownString[] = [];
  const snapshot = s.analysis.snapshot;
  for (const finding of snapshot?.findings ?? []) {
    const { loc } = finding;
    if (loc.file === key && loc.line <= position.line && position.line <= Math.max(loc.line, loc.endLine)) parts.push(findingHover(s, finding));
  }
  for (const assertion of snapshot?.output.assertions ?? []) {
    if (assertion.loc.file === key && assertion.loc.line === position.line) parts.push(assertionHover(s, assertion));
  }
  const site = siteAt(s.analysis.facts.get(key)?.sites ?? [], position.line, position.character);
  if (site) {
    const markdown = trusted(objectHover(site, s.analysis.usesOf(site.object.id), (loc, text) => s.keys.link(loc, text)));
    markdown.appendMarkdown(`\n\n${commandLink('Explain Object', 'racelens.explainObject', { id: site.object.id })}`);
    parts.push(markdown);
  }
  return parts.length > 0 ? new vscode.Hover(parts) : undefined;
}

function trusted(text: string): vscode.MarkdownString {
  const markdown = new vscode.MarkdownString(text);
  markdown.isTrusted = { enabledCommands: HOVER_COMMANDS };
  return markdown;
}

function findingHover(s: Services, finding: Finding): vscode.MarkdownString {
  const id = findingKey(finding);
  const timeline = s.analysis.snapshot?.timelines.get(id);
  const markdown = trusted(`**RaceLens ${finding.code}** · ${FINDING_TITLES[finding.code]}\n\nevidence: ${evidenceLabel(finding.evidence)}\n\n`);
  if (timeline) {
    const breakStep = timeline.breakStep;
    markdown.appendCodeblock(renderCompactTimeline(timeline.witness, breakStep !== undefined ? { breakStep } : {}), 'text');
    const links = [commandLink('Open Timeline', 'racelens.showTimeline', { id }), commandLink('Copy Timeline', 'racelens.copyTimeline', { id })];
    if (timeline.rerun) links.push(commandLink('Simulate Again', 'racelens.simulateRace', timeline.rerun));
    markdown.appendMarkdown(links.join(' · '));
  } else if (finding.trace?.length) {
    markdown.appendCodeblock(finding.trace.join('\n').replace(/\s+$/, ''), 'text');
  }
  return markdown;
}

function assertionHover(s: Services, assertion: AssertionView): vscode.MarkdownString {
  const verdict = assertion.verdict === 'holds' ? `holds${assertion.exhaustive ? '' : ' (within the bounds)'}` : assertion.verdict === 'violated' ? 'violated' : 'not decided';
  const markdown = trusted(`**RaceLens assertion** \`${assertion.text}\`: ${verdict}\n\n`);
  if (assertion.verdict === 'holds' && assertion.reasons.length > 0) {
    markdown.appendMarkdown('Why never:\n\n');
    for (const reason of assertion.reasons) markdown.appendMarkdown(`- ${escape(reason)}\n`);
  } else {
    markdown.appendMarkdown(escape(assertion.summary));
  }
  const timeline = assertion.timeline !== undefined ? s.analysis.snapshot?.timelines.get(assertion.timeline) : undefined;
  if (timeline && assertion.timeline) {
    markdown.appendMarkdown('\n\n');
    markdown.appendCodeblock(renderCompactTimeline(timeline.witness, timeline.breakStep !== undefined ? { breakStep: timeline.breakStep } : {}), 'text');
    markdown.appendMarkdown(`${commandLink('Open Timeline', 'racelens.showTimeline', { id: assertion.timeline })} · ${commandLink('Copy Timeline', 'racelens.copyTimeline', { id: assertion.timeline })}`);
  }
  return markdown;
}

function escape(text: string): string {
  return text.replace(/([\\`*_[\]<>])/g, '\\$1');
}
