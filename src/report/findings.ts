// Findings as compiler-style text, JSON and SARIF 2.1.0 (accepted by GitHub
// code scanning: https://docs.oasis-open.org/sarif/sarif/v2.1.0/). Locations
// are 0-based inside RaceLens and 1-based in every output.

import { evidenceLabel, FINDING_TITLES, type Finding, type FindingCode } from '../check/finding';
import type { InputProblem, SourceLoc } from '../model/types';

const at = (loc: SourceLoc) => `${loc.file}:${loc.line + 1}:${loc.col + 1}`;

export interface TextOptions {
  /** Print each finding's trace (the email-ready timeline or scenario table). */
  timeline: boolean;
}

/** `file:line:col: severity: message [RL00x]`, then the chain and the evidence indented. */
export function renderFindingsText(findings: readonly Finding[], problems: readonly InputProblem[], options: TextOptions): string {
  const out: string[] = [];
  for (const f of findings) {
    if (f.suppressed) continue;
    out.push(`${at(f.loc)}: ${f.severity}: ${f.message} [${f.code}]`);
    for (const r of f.related) out.push(`    ${at(r.loc)}: ${r.message}`);
    out.push(`    evidence: ${evidenceLabel(f.evidence)}`);
    if (options.timeline && f.trace?.length) {
      out.push('');
      out.push(...f.trace.map((line) => `    ${line}`.trimEnd()));
      out.push('');
    }
  }
  for (const p of problems) out.push(`${at(p.loc)}: ${p.severity === 'info' ? 'note' : p.severity}: ${p.message} [input]`);
  const shown = findings.filter((f) => !f.suppressed);
  const suppressed = findings.length - shown.length;
  const errors = shown.filter((f) => f.severity === 'error').length;
  out.push(`${shown.length} finding${shown.length === 1 ? '' : 's'} (${errors} error${errors === 1 ? '' : 's'})` +
    `${suppressed ? `, ${suppressed} suppressed` : ''}, ${problems.length} input problem${problems.length === 1 ? '' : 's'}`);
  return out.join('\n') + '\n';
}

export function renderFindingsJson(findings: readonly Finding[], problems: readonly InputProblem[]): string {
  return JSON.stringify({ findings, problems }, null, 2) + '\n';
}

const SARIF_LEVEL = { error: 'error', warning: 'warning', info: 'note' } as const;

function physical(loc: SourceLoc) {
  return {
    artifactLocation: { uri: loc.file.split('\\').join('/') },
    region: { startLine: loc.line + 1, startColumn: loc.col + 1, endLine: loc.endLine + 1, endColumn: loc.endCol + 1 },
  };
}

export function renderFindingsSarif(findings: readonly Finding[], version: string): string {
  const codes = Object.keys(FINDING_TITLES) as FindingCode[];
  const sarif = {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [{
      tool: {
        driver: {
          name: 'RaceLens',
          version,
          rules: codes.map((code) => ({ id: code, name: FINDING_TITLES[code], shortDescription: { text: FINDING_TITLES[code] } })),
        },
      },
      results: findings.map((f) => ({
        ruleId: f.code,
        ruleIndex: codes.indexOf(f.code),
        level: SARIF_LEVEL[f.severity],
        message: { text: `${f.message} (${evidenceLabel(f.evidence)})` },
        locations: [{ physicalLocation: physical(f.loc) }],
        relatedLocations: f.related.map((r, id) => ({ id, physicalLocation: physical(r.loc), message: { text: r.message } })),
        ...(f.suppressed ? { suppressions: [{ kind: 'inSource', justification: f.suppressed.reason }] } : {}),
      })),
    }],
  };
  return JSON.stringify(sarif, null, 2) + '\n';
}
