// Mail structure around patches: an mbox holds one message per `From ` line
// (`git format-patch` writes `From <sha> Mon Sep 17 00:00:00 2001`), and each
// message may open with RFC 822 headers.

import type { InputProblem } from '../../model/types';
import { lineProblem } from './input';

/** The mbox separator: `From <sender> <asctime date>`. */
const MBOX_FROM = /^From \S+ +[A-Z][a-z]{2} [A-Z][a-z]{2} +\d{1,2} \d{1,2}:\d{2}(?::\d{2})?(?: \S+)? \d{4}\s*$/;
const HEADER = /^([A-Za-z][A-Za-z0-9-]*):[ \t]/;
const MAIL_HEADER_NAMES = new Set(['from', 'subject', 'date', 'to', 'cc', 'message-id', 'in-reply-to']);

export interface Message {
  /** First line of the message (its `From ` line, if any). */
  start: number;
  /** Line after the message. */
  end: number;
  /** The message opens with mail headers (`From:`, `Subject:`, ...). */
  hasMailHeaders: boolean;
  /** Problems with the message's encoding. */
  problems: InputProblem[];
}

export function isMboxSeparator(line: string): boolean {
  return MBOX_FROM.test(line);
}

/** Splits at mbox `From ` lines; text with none is one message. */
export function splitMessages(lines: readonly string[], file: string): Message[] {
  const starts: number[] = [];
  lines.forEach((line, i) => {
    if (isMboxSeparator(line)) starts.push(i);
  });
  if (starts[0] !== 0 && lines.slice(0, starts[0] ?? lines.length).some((line) => line.trim() !== '')) starts.unshift(0);
  if (starts.length === 0) starts.push(0);
  return starts.map((start, k) => readHeaders(lines, start, starts[k + 1] ?? lines.length, file));
}

/** Reads the header block at the top of a message, if there is one. */
function readHeaders(lines: readonly string[], start: number, end: number, file: string): Message {
  const message: Message = { start, end, hasMailHeaders: false, problems: [] };
  let i = start;
  if (i < end && isMboxSeparator(lines[i] ?? '')) i++;
  for (; i < end; i++) {
    const line = lines[i] ?? '';
    if (line.trim() === '') break;
    if (/^[ \t]/.test(line)) continue; // a folded header's continuation
    const header = HEADER.exec(line);
    if (!header) break;
    const name = (header[1] ?? '').toLowerCase();
    if (MAIL_HEADER_NAMES.has(name)) message.hasMailHeaders = true;
    if (name === 'content-transfer-encoding') {
      const encoding = line.slice(header[0].length).trim().toLowerCase();
      if (encoding === 'quoted-printable') {
        message.problems.push(lineProblem(file, lines, i, 'warning',
          'the body is quoted-printable and is read as is: `=XX` escapes and `=` soft line breaks are not decoded'));
      } else if (encoding === 'base64') {
        message.problems.push(lineProblem(file, lines, i, 'warning',
          'the body is base64 and is not decoded, so a patch in it is not read'));
      }
    }
  }
  return message;
}
